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
}
