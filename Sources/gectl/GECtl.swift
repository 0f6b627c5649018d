import ArgumentParser

@main
struct GECtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gectl",
        abstract: "Control and inspect a running ged daemon.",
        discussion: "Not implemented yet: this executable is filled in by issue 4."
    )

    func run() throws {
        throw NotImplementedYet(command: "gectl", issue: 4)
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
