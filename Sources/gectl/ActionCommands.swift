import ArgumentParser
import Foundation

/// A command that sends one request and reports success.
protocol ActionCommand: ParsableCommand {
    var options: ControlOptions { get }
    var command: String { get }
    var arguments: [String] { get }
    var done: String { get }
}

extension ActionCommand {
    var arguments: [String] { [] }

    func run() throws {
        try reporting {
            _ = try options.request(command, arguments)
            print(done)
        }
    }
}

struct PauseCommand: ActionCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Create no new work; running jobs finish and are recorded.")
    @OptionGroup var options: ControlOptions
    var command: String { "pause" }
    var done: String { "paused" }
}

struct ResumeCommand: ActionCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Create work again after pause.")
    @OptionGroup var options: ControlOptions
    var command: String { "resume" }
    var done: String { "resumed" }
}

struct DrainCommand: ActionCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain", abstract: "Let a worker finish its jobs and send it no more.")
    @OptionGroup var options: ControlOptions
    @Argument(help: "Worker id or name (see gectl workers).") var worker: String
    var command: String { "drain" }
    var arguments: [String] { [worker] }
    var done: String { "draining \(worker)" }
}

struct StopCommand: ActionCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop the run: no new work; the daemon records everything and exits.")
    @OptionGroup var options: ControlOptions
    var command: String { "stop" }
    var done: String { "stopping" }
}

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Show the run's settings, or change one that may change while running.",
        discussion: "gectl config get; gectl config set evaluation_budget 400; gectl config set lookahead 4")
    @OptionGroup var options: ControlOptions
    @Argument(help: "get or set.") var action: String
    @Argument(help: "For set: the key and the new value.") var values: [String] = []

    func validate() throws {
        guard action == "get" || (action == "set" && values.count == 2) else {
            throw ValidationError("use `gectl config get` or `gectl config set KEY VALUE`")
        }
    }

    func run() throws {
        try reporting {
            let settings = try options.request([String: String].self, action == "get" ? "config-get" : "config-set", values)
            for key in settings.keys.sorted() { print("\(key) = \(settings[key]!)") }
        }
    }
}
