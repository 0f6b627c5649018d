import ArgumentParser
import Foundation
import GEBus

/// Options every operation takes.
struct BenchOptions: ParsableArguments {
    @Option(name: .customLong("repeat"), help: "Run the operation N times and add the median wall time as \"median_seconds\".")
    var repetitions: Int = 1

    func validate() throws {
        guard repetitions >= 1 else { throw ValidationError("--repeat must be at least 1") }
    }
}

/// A `gebench` subcommand: one operation on the input population.
protocol BenchOperation: ParsableCommand {
    var options: BenchOptions { get }

    /// Checks the parts of the input this operation needs.
    func check(_ input: BenchInput) throws

    /// Computes the output object; called `--repeat` times.
    func compute(_ input: BenchInput) -> [String: Any]
}

extension BenchOperation {
    func run() throws {
        let input = try BenchInput.read(from: FileHandle.standardInput.readDataToEndOfFile())
        try check(input)
        var output: [String: Any] = [:]
        var seconds: [Double] = []
        for _ in 0..<options.repetitions {
            let start = ContinuousClock.now
            output = compute(input)
            seconds.append((ContinuousClock.now - start).inSeconds)
        }
        if options.repetitions > 1 {
            seconds.sort()
            let middle = seconds.count / 2
            output["median_seconds"] = seconds.count % 2 == 1
                ? seconds[middle] : (seconds[middle - 1] + seconds[middle]) / 2
        }
        let data = try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
