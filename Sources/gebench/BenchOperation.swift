import ArgumentParser
import Foundation
import GEBus

/// Options every operation takes.
struct BenchOptions: ParsableArguments {
    @Option(
        name: .customLong("repeat"),
        help: "Run the operation N times and add the median wall and CPU time as \"median_seconds\" and \"median_cpu_seconds\" (the input is parsed once, before timing).")
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
        var seconds: [Double] = [], cpuSeconds: [Double] = []
        for _ in 0..<options.repetitions {
            let start = ContinuousClock.now, cpuStart = Self.threadCPUSeconds()
            output = compute(input)
            seconds.append((ContinuousClock.now - start).inSeconds)
            cpuSeconds.append(Self.threadCPUSeconds() - cpuStart)
        }
        if options.repetitions > 1 {
            output["median_seconds"] = Self.median(seconds)
            output["median_cpu_seconds"] = Self.median(cpuSeconds)
        }
        let data = try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted(), middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// CPU time of the calling thread: the operation runs on it alone.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
