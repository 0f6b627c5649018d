import ArgumentParser
import Foundation
import GEProtocol

/// A command that sends one request and reports success.
protocol ActionCommand: ParsableCommand {
    var options: ControlOptions { get }
    var request: ControlRequest { get }
    var done: String { get }
}

extension ActionCommand {
    func run() throws {
        try reporting {
            _ = try options.request(request)
            print(done)
        }
    }
}

struct PauseCommand: ActionCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Create no new work; running jobs finish and are recorded.")
    @OptionGroup var options: ControlOptions
    var request: ControlRequest { .pause }
    var done: String { "paused" }
}

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Create work again after a pause, or continue a run that stopped before its budget.")
    @OptionGroup var options: ControlOptions

    func run() throws {
        try reporting {
            let data = try options.request(.resume)
            let reply = try JSONDecoder().decode([String: String].self, from: data)
            print(reply["resumed"] ?? "resumed")
        }
    }
}

struct DrainCommand: ActionCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain", abstract: "Let a worker finish its jobs and send it no more.")
    @OptionGroup var options: ControlOptions
    @Argument(help: "Worker id or name (see gectl workers).") var worker: String
    var request: ControlRequest { .drain(worker: worker) }
    var done: String { "draining \(worker)" }
}

struct StopCommand: ActionCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop the run: no new work; the daemon records everything and exits.")
    @OptionGroup var options: ControlOptions
    var request: ControlRequest { .stop }
    var done: String { "stopping" }
}

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Show the run's settings, or change one that may change while running.",
        discussion: """
            gectl config get lists every setting with its value and when it may change: "live" settings \
            can be set while the run goes on (each change is recorded, so a restart replays it); "run" \
            settings are fixed when the run is created; "daemon" settings belong to the ged process \
            (paths, endpoints). Values are written as in ged.toml.

              gectl config set evolution.evaluation_budget 400
              gectl config set variation.p_cx 0.5
              gectl config set variation.mutation_temperature '[0.1, 0.3]'
            """)
    @OptionGroup var options: ControlOptions
    @Flag(help: "Print JSON.") var json = false
    @Argument(help: "get or set.") var action: String
    @Argument(help: "For set: the key and the new value.") var values: [String] = []

    func validate() throws {
        guard action == "get" || (action == "set" && values.count == 2) else {
            throw ValidationError("use `gectl config get` or `gectl config set KEY VALUE`")
        }
    }

    func run() throws {
        try reporting {
            let request: ControlRequest = action == "get" ? .configGet : .configSet(key: values[0], value: values[1])
            let data = try options.request(request)
            if json { return printJSON(data) }
            var table = Table("KEY", "VALUE", "CHANGES")
            for setting in try JSONDecoder().decode([SettingReport].self, from: data) {
                table.add(setting.key, setting.value, setting.scope == .live ? "live" : "with a new \(setting.scope.rawValue)")
            }
            print(table.render())
        }
    }
}
