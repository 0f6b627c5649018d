import ArgumentParser
import GECLI

@main
struct GPUWorkerCommand: PlaceholderCommand {
    static let issue = 3
    static let configuration = CommandConfiguration(
        commandName: "ge-gpu-worker", abstract: "Screens and trains model variants on one GPU (or the CPU) for the daemon.", discussion: "Not implemented yet: arrives with issue #3.")
}
