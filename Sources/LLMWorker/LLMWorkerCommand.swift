import ArgumentParser

@main
struct LLMWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ge-llm-worker",
        abstract: "Turns mutation and crossover requests into code by calling an LLM.",
        discussion: "Not implemented yet: this executable is filled in by issue 3."
    )

    func run() throws {
        throw NotImplementedYet(command: "ge-llm-worker", issue: 3)
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
