import ArgumentParser
import GECLI

@main
struct GECtl: PlaceholderCommand {
    static let issue = 4
    static let configuration = CommandConfiguration(
        commandName: "gectl", abstract: "Control and inspect a running ged daemon.", discussion: "Not implemented yet: arrives with issue #4.")
}
