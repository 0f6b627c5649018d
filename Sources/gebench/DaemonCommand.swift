import ArgumentParser
import Foundation
import GEBus
import GECore
import GEProtocol
import GEService
import GEStore
import Synchronization

/// `gebench daemon`: the real daemon, durable commits and all, fed by
/// workers that answer at once, to measure what the daemon itself costs per
/// evaluation as a run grows.
struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Measure the daemon's cost per evaluation, memory, database and resume time as a run grows.",
        discussion: """
            Runs the real ged reactor (engine, SQLite with synchronous=FULL, broker) on a temporary state \
            folder, in this process, with worker clients on threads of this process that connect over \
            tcp://127.0.0.1 like real workers: an LLM worker whose answers change the asked segment at once, \
            and GPU workers that score every variant at once with made-up objectives. At each checkpoint it \
            records the reactor thread's CPU per evaluation over the last tenth before it, evaluations per \
            second, the process's RSS, the database and snapshot sizes, and the longest reactor turn. At the \
            last checkpoint it copies the database as a crash would leave it, and after the run it times a \
            daemon resuming from that copy until it can answer status. Prints one JSON object.
            """
    )

    @Option(help: "The seed folder (a seed.toml and its files).")
    var seed = "sota/DigitsCNN"

    @Option(help: "The prompt templates folder.")
    var prompts = "prompts"

    @Option(help: "Evaluations to run.")
    var evaluations = 10_000

    @Option(help: "Checkpoints, in evaluations, comma-separated (those above --evaluations are dropped).")
    var checkpoints = "1000,10000,100000"

    @Option(help: "Population size μ (and initial population).")
    var population = 32

    @Option(help: "Slots of the LLM worker.")
    var llmSlots = 64

    @Option(help: "GPU workers, each with --gpu-slots slots.")
    var gpuWorkers = 4

    @Option(help: "Slots per GPU worker.")
    var gpuSlots = 4

    @Option(help: "Keep the state folder here instead of a temporary one (it must not exist).")
    var keep: String?

    var checkpointList: [Int] {
        checkpoints.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            .filter { $0 > 0 && $0 <= evaluations }.sorted()
    }

    func validate() throws {
        guard evaluations >= 1, population >= 2, llmSlots >= 1, gpuWorkers >= 1, gpuSlots >= 1 else {
            throw ValidationError("--evaluations, --llm-slots, --gpu-workers and --gpu-slots must be at least 1, --population at least 2")
        }
        guard checkpoints.split(separator: ",").allSatisfy({ Int($0.trimmingCharacters(in: .whitespaces)) != nil }) else {
            throw ValidationError("--checkpoints takes whole numbers separated by commas, such as 1000,10000")
        }
        for (name, path) in [("--seed", seed + "/seed.toml"), ("--prompts", prompts)]
        where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(name): \(path) does not exist; run gebench from the repository root or give the path")
        }
        if let keep, FileManager.default.fileExists(atPath: keep) {
            throw ValidationError("--keep: \(keep) exists; give a folder that does not")
        }
    }

    func run() throws {
        let folder = keep ?? FileManager.default.temporaryDirectory.appendingPathComponent("gebench-daemon-\(UUID().uuidString)").path
        defer { if keep == nil { try? FileManager.default.removeItem(atPath: folder) } }
        let state = folder + "/state", crashCopy = folder + "/crash"
        try FileManager.default.createDirectory(atPath: crashCopy, withIntermediateDirectories: true)

        let daemon = try Daemon(settings: settings(state: state, sockets: folder + "/run"), log: { _ in })
        let context = try ZMQContext()
        let counter = VariantCounter()
        var clients = [try WorkerClient(
            context: context,
            config: WorkerConfig(endpoint: daemon.workEndpoint, hello: Hello(
                kind: .llm, name: "bench-llm", host: "localhost", capabilities: WorkerCapabilities(slots: llmSlots))),
            executor: InstantLLM(counter: counter))]
        for index in 0..<gpuWorkers {
            clients.append(try WorkerClient(
                context: context,
                config: WorkerConfig(endpoint: daemon.workEndpoint, hello: Hello(
                    kind: .gpu, name: "bench-gpu\(index)", host: "localhost",
                    capabilities: WorkerCapabilities(slots: gpuSlots, sandboxed: true))),
                executor: InstantTrainer()))
        }
        let controls = clients.map(\.control)
        for client in clients {
            let box = ThreadHandoff(client)
            Thread { try? box.take().run() }.start()
        }

        let monitor = try DaemonMonitor(
            store: RunStore(readingAt: state + "/ged.sqlite"), stateDirectory: state, control: daemon.control,
            reactor: pthread_self(), checkpoints: checkpointList, crashCopy: crashCopy + "/ged.sqlite")
        let monitorThread = Thread { monitor.watch() }
        monitorThread.start()
        let start = ContinuousClock.now
        try daemon.run(exitWhenFinished: true)
        let wall = (ContinuousClock.now - start).inSeconds
        monitor.finish()
        controls.forEach { $0.stop() }

        var output: [String: Any] = [
            "evaluations": evaluations, "population": population, "llm_slots": llmSlots,
            "gpu_slots": gpuWorkers * gpuSlots, "wall_seconds": wall,
            "evaluations_per_second": Double(evaluations) / wall,
            "checkpoints": monitor.results.map(\.json),
        ]
        if FileManager.default.fileExists(atPath: crashCopy + "/ged.sqlite") {
            output["resume_seconds"] = try resumeSeconds(state: crashCopy, sockets: folder + "/run-resumed")
        }
        let data = try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    func settings(state: String, sockets: String) throws -> DaemonSettings {
        var settings = DaemonSettings()
        settings.stateDirectory = state
        settings.seedDirectory = seed
        settings.promptsDirectory = prompts
        settings.workEndpoint = "tcp://127.0.0.1:*"
        settings.controlEndpoint = "ipc://\(sockets)/control.sock"
        settings.eventsEndpoint = "ipc://\(sockets)/events.sock"
        settings.engine.evaluationBudget = evaluations
        // One job per child, whatever rungs the seed declares: the cost per
        // input is measured on the plain path (rungs add no daemon work).
        settings.multiFidelity = false
        settings.engine.populationSize = population
        settings.engine.initialPopulation = population
        settings.engine.elites = min(settings.engine.elites, population)
        return settings
    }

    /// Opens the crash copy as a restarted ged would (snapshot, replay,
    /// sockets) and asks it for its status: the time gectl waits after a crash.
    func resumeSeconds(state: String, sockets: String) throws -> Double {
        let start = ContinuousClock.now
        let resumed = try Daemon(settings: settings(state: state, sockets: sockets), log: { _ in })
        _ = resumed.status()
        return (ContinuousClock.now - start).inSeconds
    }
}

/// Numbers the LLM answers so every child is new code (no duplicates).
private final class VariantCounter: Sendable {
    private let next = Atomic<Int>(0)
    func take() -> Int { next.add(1, ordering: .relaxed).newValue }
}

/// An LLM worker's executor that answers at once: a rephrasing gets an
/// opening sentence, a code request its segment with one assignment set to
/// a fresh number (replacing the one an ancestor set, so code stays the size
/// of the seed however deep the lineage).
private struct InstantLLM: JobExecutor {
    let counter: VariantCounter
    static let variable = "BENCH_VARIANT = "

    func execute(_ job: JobAssignment, progress: @escaping @Sendable (String) -> Void) -> Data {
        let call = LLMCall(requests: 1, seconds: 0)
        guard let spec = try? JSONDecoder().decode(LLMJobSpec.self, from: job.payload) else {
            return encode(.failure(Failure(.request, "not an LLM job"), call: call))
        }
        if spec.answer == .text { return encode(.text("Be precise. " + spec.baseSource, call: call)) }
        let base = Genome(source: spec.baseSource, marker: spec.marker)
        let lines = base.code(ofSegment: spec.segment).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix(Self.variable) }
        let code = lines.joined(separator: "\n") + "\n\(Self.variable)\(counter.take())\n"
        return encode(.code(source: base.replacingSegment(spec.segment, with: code).source, call: call))
    }

    func cancel(jobID: String) {}

    func encode(_ outcome: LLMOutcome) -> Data { try! JSONEncoder().encode(outcome) }
}

/// A GPU worker's executor that scores at once: objectives drawn from the
/// job id, so they are spread and never change between runs.
private struct InstantTrainer: JobExecutor {
    func execute(_ job: JobAssignment, progress: @escaping @Sendable (String) -> Void) -> Data {
        // FNV-1a of the id: stable across processes, unlike `hashValue`.
        var rng = SeededRandom(seed: job.id.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 })
        let accuracy = Double.random(in: 0.5..<1, using: &rng)
        let parameters = Double(Int.random(in: 10_000...1_000_000, using: &rng))
        let outcome = EvaluationOutcome.scored(
            objectives: [accuracy, parameters],
            run: TrainingRun(metrics: ["accuracy": accuracy], logTail: "", phase: .train, seconds: 0))
        return try! JSONEncoder().encode(outcome)
    }

    func cancel(jobID: String) {}
}
