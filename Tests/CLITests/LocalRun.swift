import Foundation
import GEBusTestSupport

/// A daemon with workers as real processes on this machine, in a temporary
/// folder: what an operator would start by hand.
final class LocalRun {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let seeds = repository.appendingPathComponent("Tests/GETrainingTests/Fixtures/seeds").path

    let directory: String
    let port = freePort()
    private(set) var daemon: Process?
    private(set) var workers: [Process] = []
    private(set) var daemonLogs: [String] = []

    /// The seeds folder the workers use: the fixtures, or with `trainingMode`
    /// a copy of the tiny seed whose variants train that way (e.g. "slow"),
    /// or with `model` a copy whose model file is that text, or with `rungs`
    /// a copy that declares those fidelity rungs (the last must be 2, its epochs).
    let seeds: String

    /// `extraConfig` is appended to the generated ged.toml (e.g. an `[http]` table).
    init(
        budget: Int, mode: String = "steady", trainingMode: String? = nil, model: String? = nil, rungs: [Int]? = nil,
        extraConfig: String = ""
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("ged-run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if trainingMode != nil || model != nil || rungs != nil {
            seeds = directory + "/seeds"
            try FileManager.default.createDirectory(atPath: seeds, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Self.seeds + "/tiny", toPath: seeds + "/tiny")
            let path = seeds + "/tiny/model.py"
            let text = try model ?? String(contentsOfFile: path, encoding: .utf8)
                .replacingOccurrences(of: "MODE = \"ok\"", with: "MODE = \"\(trainingMode ?? "ok")\"")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            if let rungs {
                let manifest = seeds + "/tiny/seed.toml"
                try String(contentsOfFile: manifest, encoding: .utf8)
                    .replacingOccurrences(of: "epochs = 2\n", with: "epochs = 2\nrungs = \(rungs)\n")
                    .write(toFile: manifest, atomically: true, encoding: .utf8)
            }
        } else {
            seeds = Self.seeds
        }
        let config = """
            [paths]
            state_directory = "\(directory)/state"
            seed = "\(seeds)/tiny"
            prompts = "\(Self.repository.path)/prompts"
            [evolution]
            mode = "\(mode)"
            evaluation_budget = \(budget)
            initial_population = 8
            population_size = 8
            offspring_per_generation = 8
            elites = 6
            [bus]
            work = "tcp://127.0.0.1:\(port)"
            control = "ipc://\(directory)/control.sock"
            events = "ipc://\(directory)/events.sock"
            heartbeat_seconds = \(testHeartbeat)
            reclaim_seconds = 5
            """
        try (config + "\n" + extraConfig).write(toFile: directory + "/ged.toml", atomically: true, encoding: .utf8)
    }

    deinit {
        for process in workers + [daemon].compactMap({ $0 }) where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        // GE_TEST_KEEP_RUNS set: the folder stays, to read a failed run's store.
        if ProcessInfo.processInfo.environment["GE_TEST_KEEP_RUNS"] == nil { try? FileManager.default.removeItem(atPath: directory) }
    }

    var control: String { "ipc://\(directory)/control.sock" }
    var workEndpoint: String { "tcp://127.0.0.1:\(port)" }
    var database: String { directory + "/state/ged.sqlite" }

    func startDaemon() throws {
        let log = directory + "/ged-\(daemonLogs.count).log"
        daemonLogs.append(log)
        daemon = try launch("ged", ["--config", directory + "/ged.toml"], log: log)
        guard eventually(timeout: 20, { FileManager.default.fileExists(atPath: directory + "/control.sock") }) else {
            throw HarnessError(message: "ged did not start: \(daemonLog)")
        }
    }

    /// Starts LLM workers (the baseline provider unless `provider` gives
    /// other options) and CPU workers.
    func startWorkers(
        llm: Int = 1, gpu: Int = 2, firstLLM: Int = 0, firstGPU: Int = 0, llmLatency: Double = 0, provider: [String]? = nil
    ) throws {
        for index in firstLLM..<(firstLLM + llm) {
            let options = provider ?? ["--provider", "baseline", "--baseline-latency", String(llmLatency)]
            workers.append(try launch("ge-llm-worker", ["--connect", workEndpoint, "--name", "llm\(index)"] + options,
                                      log: directory + "/llm\(index).log"))
        }
        for index in firstGPU..<(firstGPU + gpu) {
            workers.append(try launch("ge-gpu-worker", [
                "--connect", workEndpoint, "--device", "cpu", "--seeds", seeds, "--sandbox", "none",
                "--name", "cpu\(index)", "--work-dir", directory + "/jobs\(index)",
            ], log: directory + "/gpu\(index).log"))
        }
    }

    func killDaemon() {
        guard let daemon else { return }
        kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()
    }

    /// Runs gectl against this daemon.
    func gectl(_ arguments: String...) throws -> ProcessRunner.Output {
        try ProcessRunner.run("gectl", Array(arguments) + ["--control", control])
    }

    func json(_ arguments: String...) throws -> Any {
        let output = try ProcessRunner.run("gectl", Array(arguments) + ["--control", control, "--json"])
        return try JSONSerialization.jsonObject(with: Data(output.stdout.utf8))
    }

    /// The run's state from `gectl status --json`, or nil while unreachable.
    func state() -> [String: Any]? {
        (try? json("status")) as? [String: Any]
    }

    var daemonLog: String {
        daemonLogs.compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }.joined(separator: "\n---\n")
    }

    func launch(_ executable: String, _ arguments: [String], log: String) throws -> Process {
        guard FileManager.default.createFile(atPath: log, contents: nil) else {
            throw HarnessError(message: "cannot create \(log)")
        }
        let process = Process()
        process.executableURL = ProcessRunner.productsDirectory.appendingPathComponent(executable)
        process.arguments = arguments
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }
}
