import ArgumentParser
import Foundation
import GEBus
import GEProtocol

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Every individual of the run with its lineage, as JSON or CSV.")
    @OptionGroup var options: ControlOptions

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, csv }
    @Option(help: "json or csv.") var format: Format = .json
    @Flag(help: "Same as --format json.") var json = false

    func run() throws {
        try reporting {
            let data = try options.request(.individuals)
            guard format == .csv, !json else { return printJSON(data) }
            let individuals = try JSONDecoder().decode([IndividualReport].self, from: data)
            let count = individuals.compactMap(\.objectives?.count).max() ?? 0
            print((["id", "status", "origin", "parents", "generation", "template"] + (0..<count).map { "objective_\($0)" } + ["failure"])
                .joined(separator: ","))
            for individual in individuals {
                let objectives = (0..<count).map { index in individual.objectives.map { String($0[index]) } ?? "" }
                let cells = [String(individual.id), individual.status, individual.origin,
                             individual.parents.map(String.init).joined(separator: " "), String(individual.generation),
                             individual.template ?? ""] + objectives + [individual.failure?.description ?? individual.duplicateOf.map { "repeats #\($0)" } ?? ""]
                print(cells.map(Self.csvField).joined(separator: ","))
            }
        }
    }

    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
