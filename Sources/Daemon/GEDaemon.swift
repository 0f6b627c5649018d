import ArgumentParser

@main
struct GEDaemon: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ged",
        abstract: "The Guided Evolution daemon: holds the population and runs the steady-state evolution loop.",
        discussion: "Not implemented yet: this executable is filled in by issue 4."
    )

    func run() throws {
        throw NotImplementedYet(command: "ged", issue: 4)
    }
}

/// The error this placeholder reports instead of pretending to work.
struct NotImplementedYet: Error, CustomStringConvertible {
    let command: String
    let issue: Int

    var description: String {
        "\(command) is not implemented yet (issue #\(issue)); nothing was started"
    }
}
