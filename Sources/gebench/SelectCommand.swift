import ArgumentParser
import GECore

/// `gebench select`: NSGA-II, SPEA2 or DCD-tournament selection of k.
struct SelectCommand: BenchOperation {
    static let configuration = CommandConfiguration(
        commandName: "select",
        abstract: "Select k individuals with \"algorithm\": nsga2, spea2 or dcd.",
        discussion: """
            Output: {"selected": [i, ...]}. nsga2 and spea2 need 0 <= k <= N; dcd draws its \
            tournaments from "seed" (default 1) and may choose an individual more than once.
            """
    )

    @OptionGroup var options: BenchOptions

    func check(_ input: BenchInput) throws {
        guard let k = input.k else { throw BenchError("select needs \"k\", the number to select") }
        guard let algorithm = input.algorithm else {
            throw BenchError("select needs \"algorithm\": \"nsga2\", \"spea2\" or \"dcd\"")
        }
        guard k >= 0 else { throw BenchError("\"k\" must not be negative, got \(k)") }
        if algorithm != .dcd, k > input.fitness.count {
            throw BenchError("\"k\" is \(k) but the population has only \(input.fitness.count) individuals")
        }
        if algorithm == .dcd, input.fitness.isEmpty, k > 0 {
            throw BenchError("dcd cannot select from an empty population")
        }
    }

    func compute(_ input: BenchInput) -> [String: Any] {
        let k = input.k!
        let selected: [Int]
        switch input.algorithm! {
        case .nsga2:
            selected = NSGA2.select(input.fitness, weights: input.weights, count: k)
        case .spea2:
            selected = SPEA2.select(input.fitness, weights: input.weights, count: k)
        case .dcd:
            var rng = SeededRandom(seed: input.seed ?? 1)
            selected = DCDTournament.select(input.fitness, weights: input.weights, count: k, using: &rng)
        }
        return ["selected": selected]
    }
}
