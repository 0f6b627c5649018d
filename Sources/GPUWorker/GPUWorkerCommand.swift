import ArgumentParser

@main
struct GPUWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ge-gpu-worker",
        abstract: "Screens and trains model variants on one GPU (or the CPU) for the daemon.",
        discussion: "Not implemented yet: this executable is filled in by issue 3."
    )

    func run() throws {
        throw NotImplementedYet(command: "ge-gpu-worker", issue: 3)
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
