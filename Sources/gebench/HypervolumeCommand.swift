import ArgumentParser
import GECore

/// `gebench hypervolume`: the exact hypervolume against a reference point.
struct HypervolumeCommand: BenchOperation {
    static let configuration = CommandConfiguration(
        commandName: "hypervolume",
        abstract: "Print the exact hypervolume of the population against \"reference\".",
        discussion: """
            Output: {"hypervolume": x}. The reference point is in raw objective values and must be \
            worse than the interesting points in every objective; points not strictly better than \
            it in every objective add nothing.
            """
    )

    @OptionGroup var options: BenchOptions

    func check(_ input: BenchInput) throws {
        guard let reference = input.reference else {
            throw BenchError("hypervolume needs \"reference\", one value per objective")
        }
        guard reference.count == input.weights.count, reference.allSatisfy(\.isFinite) else {
            throw BenchError(
                "\"reference\" must have \(input.weights.count) finite values, one per objective")
        }
    }

    func compute(_ input: BenchInput) -> [String: Any] {
        ["hypervolume": Hypervolume.compute(input.fitness, weights: input.weights, reference: input.reference!)]
    }
}
