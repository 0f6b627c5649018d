import ArgumentParser
import Foundation
import GECore

/// `gebench sort`: Pareto fronts and crowding distances.
struct SortCommand: BenchOperation {
    static let configuration = CommandConfiguration(
        commandName: "sort",
        abstract: "Print the Pareto fronts and each individual's crowding distance within its front.",
        discussion: "Output: {\"fronts\": [[i, ...], ...], \"crowding\": [d0, d1, ...]}, null for infinity."
    )

    @OptionGroup var options: BenchOptions

    func check(_ input: BenchInput) throws {}

    func compute(_ input: BenchInput) -> [String: Any] {
        let ranking = NSGA2.rank(input.fitness, weights: input.weights)
        let crowding: [Any] = ranking.crowding.map { $0.isFinite ? $0 as Any : NSNull() }
        return ["fronts": ranking.fronts, "crowding": crowding]
    }
}
