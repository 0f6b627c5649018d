import Foundation
import Testing

@Suite struct GEBenchTests {
    static let population = """
        {"weights": [1, -1], "fitness": [[0.9, 100], [0.8, 50], [0.9, 100], [0.7, 200], [0.95, 300]],
         "k": 3, "algorithm": "nsga2", "reference": [0, 1000]}
        """

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func sortPrintsFrontsAndCrowdingWithNullForInfinity() throws {
        let result = try ProcessRunner.run("gebench", ["sort"], stdin: Self.population)
        #expect(result.status == 0)
        let output = try json(result.stdout)
        #expect(output["fronts"] as? [[Int]] == [[0, 1, 2, 4], [3]])
        let crowding = try #require(output["crowding"] as? [Any])
        #expect(crowding[1] is NSNull && crowding[3] is NSNull && crowding[4] is NSNull)
        #expect(abs((crowding[0] as! Double) - 13.0 / 30) < 1e-12)
    }

    @Test(arguments: [("nsga2", [1, 4, 2]), ("spea2", [1, 2, 4])])
    func selectRunsTheNamedAlgorithm(algorithm: String, expected: [Int]) throws {
        let input = Self.population.replacingOccurrences(of: "\"nsga2\"", with: "\"\(algorithm)\"")
        let result = try ProcessRunner.run("gebench", ["select"], stdin: input)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try json(result.stdout)["selected"] as? [Int] == expected)
    }

    @Test func dcdIsReproducibleForASeed() throws {
        let input = Self.population.replacingOccurrences(of: "\"nsga2\"", with: "\"dcd\", \"seed\": 4")
            .replacingOccurrences(of: "\"k\": 3", with: "\"k\": 12")
        let first = try ProcessRunner.run("gebench", ["select"], stdin: input)
        let second = try ProcessRunner.run("gebench", ["select"], stdin: input)
        #expect(first.status == 0 && first.stdout == second.stdout)
        #expect((try json(first.stdout)["selected"] as? [Int])?.count == 12)
    }

    @Test func hypervolumeAndRepeatTiming() throws {
        let result = try ProcessRunner.run("gebench", ["hypervolume", "--repeat", "5"], stdin: Self.population)
        #expect(result.status == 0)
        let output = try json(result.stdout)
        // Staircase of (0.95, 300), (0.9, 100), (0.8, 50) against (0, 1000).
        #expect(abs((output["hypervolume"] as! Double) - (0.95 * 700 + 0.9 * 200 + 0.8 * 50)) < 1e-9)
        #expect((output["median_seconds"] as? Double).map { $0 >= 0 } == true)
        #expect((output["median_cpu_seconds"] as? Double).map { $0 >= 0 } == true)
    }

    @Test(arguments: [
        ("sort", "not json", "input is not valid JSON"),
        ("sort", #"{"fitness": [[1, 2]]}"#, #"input has no "weights""#),
        ("sort", #"{"weights": [1, -1], "fitness": [[1, 2, 3]]}"#, "fitness[0] has 3 values but there are 2 weights"),
        ("sort", #"{"weights": [1, 0], "fitness": []}"#, "\"weights\" must list one non-zero number per objective"),
        ("select", #"{"weights": [1], "fitness": [[1]], "algorithm": "nsga2"}"#, "select needs \"k\""),
        ("select", #"{"weights": [1], "fitness": [[1]], "k": 2, "algorithm": "spea2"}"#, "the population has only 1"),
        ("select", #"{"weights": [1], "fitness": [[1]], "k": 1, "algorithm": "magic"}"#, "input field"),
        ("hypervolume", #"{"weights": [1, 1], "fitness": [], "reference": [0]}"#, "\"reference\" must have 2 finite values"),
    ])
    func badInputIsOneClearLine(command: String, input: String, message: String) throws {
        let result = try ProcessRunner.run("gebench", [command], stdin: input)
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("Error: "))
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    /// The repository, for the seed and prompts `gebench daemon` runs on.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    @Test func daemonRunsTheRealDaemonAndReportsEveryFieldAtEachCheckpoint() throws {
        let result = try ProcessRunner.run("gebench", [
            "daemon", "--seed", Self.repository + "/sota/DigitsCNN", "--prompts", Self.repository + "/prompts",
            "--evaluations", "120", "--checkpoints", "40,120,5000", "--population", "8", "--gpu-workers", "2",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try json(result.stdout)
        #expect(output["evaluations"] as? Int == 120 && output["population"] as? Int == 8 && output["gpu_slots"] as? Int == 8)
        let checkpoints = try #require(output["checkpoints"] as? [[String: Any]])
        // 5000 is past the run: dropped. A checkpoint is taken once it is
        // reached, so it may read a few evaluations past it.
        #expect(checkpoints.count == 2)
        #expect((checkpoints.first?["evaluations"] as? Int).map { (40..<120).contains($0) } == true)
        #expect(checkpoints.last?["evaluations"] as? Int == 120)
        for checkpoint in checkpoints {
            for field in [
                "reactor_cpu_ms_per_evaluation", "process_cpu_ms_per_evaluation", "evaluations_per_second",
                "rss_mb", "peak_rss_mb", "database_mb", "snapshot_mb", "longest_reactor_turn_ms",
            ] {
                let value = checkpoint[field] as? Double
                #expect(value.map { $0.isFinite && $0 >= 0 } == true, "\(field) = \(String(describing: checkpoint[field]))")
            }
            #expect((checkpoint["reactor_cpu_ms_per_evaluation"] as? Double ?? 0) > 0)
            #expect((checkpoint["database_mb"] as? Double ?? 0) > 0)
        }
        let resume = try #require(output["resume_seconds"] as? Double)
        #expect(resume > 0)
        #expect((output["wall_seconds"] as? Double ?? 0) > 0)
    }

    @Test(arguments: [
        (["--checkpoints", "10,ten"], "--checkpoints takes whole numbers"),
        (["--evaluations", "0"], "must be at least 1"),
        (["--seed", "/nonexistent/seed"], "/nonexistent/seed/seed.toml does not exist"),
    ])
    func daemonRefusesBadOptionsWithOneLine(arguments: [String], message: String) throws {
        let base = ["daemon", "--seed", Self.repository + "/sota/DigitsCNN", "--prompts", Self.repository + "/prompts"]
        let result = try ProcessRunner.run("gebench", base + arguments)
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func fidelityComparesRunsWithAndWithoutRungsOnEqualGPUTime() throws {
        let result = try ProcessRunner.run("gebench", [
            "fidelity", "--prompts", Self.repository + "/prompts", "--rho", "0.5,0.9", "--repetitions", "2",
            "--budget", "60", "--population", "8", "--workers", "4",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try json(result.stdout)
        #expect(output["rungs"] as? [Int] == [1, 4, 12] && output["eta"] as? Int == 3)
        let results = try #require(output["results"] as? [[String: Any]])
        #expect(results.map { $0["rho"] as? Double } == [0.5, 0.9])
        for entry in results {
            // The landscape gives about the ρ asked for, and more for a higher one.
            let measured = try #require(entry["measured_rho"] as? [Double])
            #expect(measured.count == 2)
            #expect(measured.allSatisfy { abs($0 - (entry["rho"] as! Double)) < 0.08 }, "\(measured)")
            let repetitions = try #require(entry["repetitions"] as? [[String: Any]])
            #expect(repetitions.count == 2)
            for repetition in repetitions {
                let without = try #require(repetition["without_rungs"] as? [String: Any])
                let with = try #require(repetition["with_rungs"] as? [String: Any])
                // The run without rungs trains every child at 12 epochs; the
                // run with rungs gets its GPU time (it may overrun by the jobs in flight).
                #expect(without["evaluations"] as? Int == 60)
                #expect(without["gpu_seconds"] as? Double == 720)
                let withSeconds = try #require(with["gpu_seconds"] as? Double)
                #expect(withSeconds >= 720 && withSeconds < 720 + 4 * 12)
                #expect((with["evaluations"] as? Int ?? 0) > 60, "cheaper rungs allow more evaluations")
                let perRung = try #require(with["evaluations_per_rung"] as? [Int])
                #expect(perRung.count == 3 && perRung.reduce(0, +) == with["evaluations"] as? Int)
                #expect(perRung[0] > perRung[1] && perRung[1] > perRung[2] && perRung[2] < 60)
                let toTarget = try #require(without["gpu_seconds_to_target"] as? Double)
                #expect(toTarget > 0 && toTarget <= 720)
                #expect((repetition["ratio"] as? Double).map { $0 >= 0 } == true)
            }
        }
    }

    @Test(arguments: [
        (["--rungs", "4,1"], "--rungs must list 2 to"),
        (["--rho", "1.5"], "--rho values must lie strictly between 0 and 1"),
        (["--budget", "3"], "--budget must be at least --population + 2"),
    ])
    func fidelityRefusesBadOptionsWithOneLine(arguments: [String], message: String) throws {
        let result = try ProcessRunner.run("gebench", ["fidelity", "--prompts", Self.repository + "/prompts"] + arguments)
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
