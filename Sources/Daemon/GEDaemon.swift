import ArgumentParser
import GECLI

@main
struct GEDaemon: PlaceholderCommand {
    static let issue = 4
    static let configuration = CommandConfiguration(
        commandName: "ged", abstract: "The Guided Evolution daemon: holds the population and runs the steady-state evolution loop.", discussion: "Not implemented yet: arrives with issue #4.")
}
