import Foundation
import Testing

@Suite struct CommandLineTests {
    @Test(arguments: ["ged", "gectl", "ge-llm-worker", "ge-gpu-worker", "gebench"])
    func everyExecutableExplainsItself(executable: String) throws {
        let help = try ProcessRunner.run(executable, ["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: \(executable)"))
        #expect(help.stdout.contains("OVERVIEW:"))
    }

    @Test func badConfigurationIsOneLineNamingTheKey() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("ged.toml").path
        for (text, message) in [
            ("[evolution]\ncolour = 1\n", "Error: evolution.colour: unknown key"),
            ("[variation]\np_cx = 1.5\n", "Error: variation.p_cx: must be a number 0.0…1.0, got 1.5"),
            ("[variation]\np_cx = nan\n", "Error: variation.p_cx: must be a number 0.0…1.0, got nan"),
            ("[evolution]\nevaluation_budget = 9223372036854775807\n", "Error: evolution.evaluation_budget: must be an integer 1…100000000"),
            ("[evolution]\nlookahead = \"many\"\n", "Error: evolution.lookahead: must be an integer"),
            ("[bus]\nwork = \"\"\n", "Error: bus.work: must be a non-empty string"),
            ("[colour]\n", "Error: colour: unknown key"),
            ("evolution = 3\n", "Error: evolution: must be a table [evolution]"),
            ("[bus]\ncontrol = \"tcp://127.0.0.1:9\"\n", "Error: bus.control: a tcp:// control endpoint lets anyone who reaches it steer the run, so it needs CURVE"),
            ("[evolution]\nmode = \"fast\"\n", "Error: evolution.mode: must be \"steady\" or \"generational\""),
            ("[variation]\nmax_tokens = [1400, 600]\n", "Error: variation.max_tokens: must be [low, high] with low <= high"),
            ("[variation]\nmax_tokens = [0.5, 600]\n", "Error: variation.max_tokens: must be [low, high] integers within 1…1000000"),
        ] {
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let result = try ProcessRunner.run("ged", ["--config", file, "--state-dir", directory.path + "/state"])
            #expect(result.status != 0)
            #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
        let missing = try ProcessRunner.run("ged", ["--config", directory.path + "/none.toml"])
        #expect(missing.stderr.contains("none.toml: cannot read the configuration file"))
        let noSeed = try ProcessRunner.run("ged", ["--state-dir", directory.path + "/state", "--seed", "/nonexistent"])
        #expect(noSeed.status != 0 && noSeed.stderr.contains("no seed.toml in /nonexistent"))
    }

    @Test(arguments: ["ged", "ge-gpu-worker", "ge-llm-worker"])
    func generateKeysWorksEverywhereAndKeepsAnExistingKey(executable: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("node.key").path
        let first = try ProcessRunner.run(executable, ["--generate-keys", file])
        #expect(first.status == 0, "\(first.stderr)")
        let key = try String(contentsOfFile: file, encoding: .utf8)
        let again = try ProcessRunner.run(executable, ["--generate-keys", file])
        #expect(again.status != 0 && again.stderr.contains("exists already; pass --force"), "\(again.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == key, "the existing key is kept")
        #expect(try ProcessRunner.run(executable, ["--generate-keys", file, "--force"]).status == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8) != key)
        #expect(try ProcessRunner.run("gectl", ["generate-keys", file]).status != 0, "gectl keeps it too")
    }
}
