import ArgumentParser

@main
struct GECtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gectl",
        abstract: "Control and inspect a running ged daemon.",
        discussion: """
            Talks to the daemon's control socket (--control, or $GED_CONTROL, default \
            ipc:///run/ged/control.sock). Read commands print tables for people and JSON with --json.

            Exit status: 0 done, 1 the daemon refused the request, 3 the daemon could not be reached.
            """,
        subcommands: [
            StatusCommand.self, WorkersCommand.self, PopulationCommand.self, FrontCommand.self, TemplatesCommand.self, ModelsCommand.self,
            ShowCommand.self,
            LineageCommand.self, PauseCommand.self, ResumeCommand.self, DrainCommand.self, StopCommand.self,
            ConfigCommand.self, ExportCommand.self, PlotCommand.self, WatchCommand.self, SeedCommand.self,
            GenerateKeysCommand.self,
        ]
    )
}
