import ArgumentParser
import GECLI

@main
struct LLMWorkerCommand: PlaceholderCommand {
    static let issue = 3
    static let configuration = CommandConfiguration(
        commandName: "ge-llm-worker", abstract: "Turns mutation and crossover requests into code by calling an LLM.", discussion: "Not implemented yet: arrives with issue #3.")
}
