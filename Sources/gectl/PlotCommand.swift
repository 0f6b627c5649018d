import ArgumentParser
import Foundation
import GEBus
import GEProtocol
import GECore
import GEService

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Write an SVG of the Pareto front and of the hypervolume over evaluations.")
    @OptionGroup var options: ControlOptions
    @Option(help: "Where to write the SVG.") var output = "ged-front.svg"

    func run() throws {
        try reporting {
            let individuals = try options.request([IndividualReport].self, .individuals)
            let status = try options.request(StatusReport.self, .status)
            let svg = FrontPlot(individuals: individuals, objectives: status.objectives).svg()
            try Data(svg.utf8).write(to: URL(fileURLWithPath: output))
            print("wrote \(output)")
        }
    }
}

