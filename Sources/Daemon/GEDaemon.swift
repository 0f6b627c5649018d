import ArgumentParser
import Foundation
import GECLI
import Logging
import GECore
import GEDashboard
import GEService

@main
struct GEDaemon: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ged",
        abstract: "The Guided Evolution daemon: holds the population and runs the evolution loop.",
        discussion: """
            Starts the run in its state directory, or resumes it after a stop or a crash: every input is \
            committed to SQLite before the work it leads to is sent, so nothing evaluated is lost and \
            the remaining decisions are those an uninterrupted run would have made.

            Settings come from the TOML file (--config, default /etc/ged/ged.toml if it exists); the \
            flags below override it. Workers (ge-llm-worker, ge-gpu-worker) connect to the work \
            endpoint at any time; gectl talks to the control endpoint.
            """
    )

    @Option(help: "Configuration file.")
    var config: String?

    @Option(help: ArgumentHelp(
        "Evolution settings for a new run, under the configuration file: paper (the GECCO 2024 run: generational, 144 + 30 × 44), reference-head (the reference's current defaults, 32 + 30 × 8) or steady (ours), or a .toml path.",
        valueName: "name"))
    var preset: String?

    @Option(help: "Where the run's database lives.")
    var stateDir: String?

    @Option(help: "Seed folder (with seed.toml) for a new run.")
    var seed: String?

    @Option(help: "Folder of prompt templates for a new run.")
    var prompts: String?

    @Option(help: "Evaluations after which the run stops.")
    var budget: Int?

    @Option(help: "steady or generational.")
    var mode: String?

    @Option(help: "Seed of the run's random number generator (a new run only).")
    var rngSeed: UInt64?

    @Option(help: "Work endpoint workers connect to, e.g. tcp://*:5555.")
    var work: String?

    @Option(help: "Control endpoint for gectl, e.g. ipc:///run/ged/control.sock.")
    var control: String?

    @Option(help: "Event endpoint for gectl watch.")
    var events: String?

    @Flag(help: "Exit once the run is finished instead of staying up to answer gectl.")
    var exitWhenFinished = false

    @Flag(help: "Print the reference of every ged.toml setting (docs/CONFIGURATION.md) and exit.")
    var configurationReference = false

    @OptionGroup var keyGeneration: KeyGenerationOptions

    /// The process's log (standard error, see `StandardErrorLogHandler`).
    var logger: Logger { Logger(label: "ged") }

    func run() throws {
        StandardErrorLogHandler.bootstrap()
        if configurationReference { return print(Setting.reference(), terminator: "") }
        // Files ged creates (the database, its journal, keys) are its own
        // alone, whatever the unit or shell set; sockets are opened to the
        // group explicitly.
        umask(0o077)
        if try keyGeneration.generateIfAsked(role: "give it to workers and operators as --server-key") { return }
        var settings = try loadSettings()
        if let preset {
            settings = try Preset(preset, folders: Preset.folders(promptsDirectory: prompts ?? settings.promptsDirectory))
                .applied(under: settings)
        }
        if let stateDir { settings.stateDirectory = stateDir }
        // Flags count as given settings: a resumed run compares them with its own.
        func give(_ key: String, _ value: String?) throws {
            guard let value, let setting = Setting.named(key) else { return }
            try setting.set(value, in: &settings)
            settings.given.insert(key)
        }
        try give("paths.seed", seed.map(Setting.literal))
        try give("paths.prompts", prompts.map(Setting.literal))
        try give("evolution.evaluation_budget", budget.map(String.init))
        try give("evolution.mode", mode.map(Setting.literal))
        try give("evolution.rng_seed", rngSeed.map { String(Int64(bitPattern: $0)) })
        if let work { settings.workEndpoint = work }
        if let control { settings.controlEndpoint = control }
        if let events { settings.eventsEndpoint = events }
        try settings.validate()
        let daemon = try Daemon(settings: settings, log: logger.line)
        let handle = daemon.control
        let signals = TerminationSignals { number in handle.stop(because: number == SIGTERM ? "SIGTERM" : "SIGINT") }
        logger.line("ged listening: work \(daemon.workEndpoint), control \(settings.controlEndpoint)")
        if let listen = settings.httpListen, let address = DaemonSettings.hostAndPort(listen) {
            daemon.feedDashboard(force: true)
            DashboardServer(host: address.host, port: address.port, feed: daemon.feed).start(log: logger.line)
        }
        try daemon.run(exitWhenFinished: exitWhenFinished)
        withExtendedLifetime(signals) {}
    }

    func loadSettings() throws -> DaemonSettings {
        if let config { return try DaemonSettings.load(file: config) }
        let standard = "/etc/ged/ged.toml"
        return FileManager.default.fileExists(atPath: standard) ? try DaemonSettings.load(file: standard) : DaemonSettings()
    }
}
