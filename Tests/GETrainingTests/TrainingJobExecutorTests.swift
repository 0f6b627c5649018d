import Foundation
import GEBus
import GECore
import GEProtocol
@testable import GETraining
import Testing

@Suite(.serialized) struct TrainingJobExecutorTests {
    static let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/seeds").path
    let workRoot = FileManager.default.temporaryDirectory.appendingPathComponent("ge-train-\(UUID().uuidString)").path

    func executor(sandbox: Sandbox = .none, environment: [String: String] = [:]) -> TrainingJobExecutor {
        var policy = sandbox == .none
            ? SandboxPolicy(environment: ProcessInfo.processInfo.environment) : SandboxPolicy.standard(gpu: nil)
        policy.environment.merge(environment) { $1 }
        var settings = TrainingJobExecutor.Settings(
            seeds: Self.seeds, workRoot: workRoot, device: "cpu", sandbox: sandbox, policy: policy)
        settings.grace = 1
        return TrainingJobExecutor(settings: settings)
    }

    func variant(mode: String, extra: String = "") -> String {
        "MODE = \"\(mode)\"\n\(extra)# --OPTION--\nclass Net:\n    parameters = 77\n"
    }

    func run(
        _ source: String, id: String = "j1", seed: String = "tiny", epochs: Int? = nil, executor: TrainingJobExecutor? = nil,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) throws -> EvaluationOutcome {
        let payload = try JSONEncoder().encode(TrainingJobSpec(seed: seed, source: source, epochs: epochs))
        let data = (executor ?? self.executor()).execute(JobAssignment(id: id, kind: .gpu, attempt: 1, lease: "l", payload: payload), progress: progress)
        return try JSONDecoder().decode(EvaluationOutcome.self, from: data)
    }

    @Test func successReportsObjectivesMetricsAndProgress() throws {
        defer { try? FileManager.default.removeItem(atPath: workRoot) }
        let lines = LineCollector()
        let work = executor()
        let outcome = try run(variant(mode: "ok"), executor: work, progress: lines.add)
        #expect(outcome.failed == nil, "\(outcome)")
        #expect(outcome.objectives == [0.9, 77])
        #expect(outcome.run.metrics["screen.parameters"] == 77)
        #expect(outcome.run.metrics["epochs"] == 2 && outcome.run.metrics["device"] == 1)
        #expect(lines.all == ["epoch 1/2", "epoch 2/2"])
        let directory = workRoot + "/job-j1-1"
        #expect(FileManager.default.fileExists(atPath: directory), "kept until the daemon acknowledges")
        work.acknowledged(jobID: "j1")
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test(arguments: [
        ("crash", Failure.Kind.crash, "train: ValueError: the optimizer exploded"),
        ("shape", .shape, "train: RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x384 and 192x10)"),
        ("nan", .nan, "result.json reports a non-finite test_accuracy (NaN or infinity)"),
        ("noresult", .missingResult, "the command succeeded but wrote no result.json"),
    ])
    func failuresAreClassified(mode: String, expected: Failure.Kind, reason: String) throws {
        defer { try? FileManager.default.removeItem(atPath: workRoot) }
        let outcome = try run(variant(mode: mode))
        #expect(outcome.failed?.kind == expected)
        #expect(outcome.failed?.reason == reason)
        #expect(outcome.run.phase == .train)
        #expect(outcome.failed?.excerpt?.isEmpty == false, "the log tail is kept as evidence")
        #expect(outcome.objectives == nil)
        #expect(FileManager.default.fileExists(atPath: workRoot + "/job-j1-1"), "failed jobs are kept for inspection")
    }

    @Test func syntaxAndImportErrorsFailTheScreen() throws {
        defer { try? FileManager.default.removeItem(atPath: workRoot) }
        let broken = try run("MODE = = 1\n# --OPTION--\nclass Net:\n    pass\n")
        #expect(broken.failed?.kind == .syntax && broken.run.phase == .screen)
        #expect(broken.run.logTail.contains("SyntaxError"))
        #expect(broken.failed?.excerpt?.contains("SyntaxError") == true)
        let missing = try run(variant(mode: "ok", extra: "import no_such_module_here\n"), id: "j2")
        #expect(missing.failed?.kind == .import && missing.run.phase == .screen)
        #expect(missing.failed?.reason == "screen: ModuleNotFoundError: No module named 'no_such_module_here'")
    }

    @Test func aTimeoutKillsTheWholeProcessGroup() throws {
        defer { try? FileManager.default.removeItem(atPath: workRoot) }
        let start = Date()
        let outcome = try run(variant(mode: "hang"))
        #expect(outcome.failed?.kind == .timeout)
        #expect(outcome.failed?.reason == "train exceeded its 3 s limit and was killed")
        #expect(Date().timeIntervalSince(start) < 30, "killed at its limit, not left to run")
        // The job wrote its pids from inside its own PID namespace; on the
        // host, what counts is that nothing runs in its folder any more.
        #expect(FileManager.default.fileExists(atPath: workRoot + "/job-j1-1/pids.txt"), "the script and its helper started")
        #expect(processes(workingIn: workRoot).isEmpty, "the script and the helper it started are gone")
    }

    @Test func cancelStopsARunningJob() throws {
        defer { try? FileManager.default.removeItem(atPath: workRoot) }
        let work = executor()
        DispatchQueue.global().asyncAfter(deadline: .now() + 1) { work.cancel(jobID: "j1") }
        let outcome = try run(variant(mode: "hang"), executor: work)
        // Cancelled, not timed out: the 3 s limit did not end it.
        #expect(outcome.failed?.kind == .cancelled)
    }

    @Test func aRungsEpochsReachTheTrainingCommandAndAbsurdOnesAreRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: workRoot) }
        let outcome = try run(variant(mode: "ok"), epochs: 1)
        #expect(outcome.run.metrics["epochs"] == 1, "\(outcome)")
        for absurd in [0, -3, Int.max, Int.min] {
            let refused = try run(variant(mode: "ok"), id: "a\(absurd)", epochs: absurd)
            #expect(refused.failed?.kind == .setup && refused.failed?.reason.contains("epochs") == true, "\(absurd): \(refused)")
        }
    }

    @Test func unknownSeedsAndBadPayloadsAreSetupFailures() throws {
        let work = executor()
        let payload = try JSONEncoder().encode(TrainingJobSpec(seed: "nope", source: ""))
        let data = work.execute(JobAssignment(id: "x", kind: .gpu, attempt: 1, lease: "l", payload: payload)) { _ in }
        let outcome = try JSONDecoder().decode(EvaluationOutcome.self, from: data)
        #expect(outcome.failed?.kind == .setup)
        #expect(outcome.failed?.reason.contains("no seed.toml") == true)
        let garbage = work.execute(JobAssignment(id: "y", kind: .gpu, attempt: 1, lease: "l", payload: Data("{".utf8))) { _ in }
        #expect(try JSONDecoder().decode(EvaluationOutcome.self, from: garbage).failed?.kind == .setup)
    }

    @Test(.enabled(if: Sandbox.detect(policy: .standard(gpu: nil)) != nil, "bubblewrap is not installed or does not work here"))
    func theSandboxBlocksNetworkAndWritesOutsideTheJob() throws {
        defer { try? FileManager.default.removeItem(atPath: workRoot) }
        // Not under /tmp: the sandbox gives the job a private /tmp.
        let outside = "/var/tmp/ge-outside-\(UUID().uuidString)"
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(listener, 4)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        defer { close(listener) }
        let environment = ["GE_TEST_OUTSIDE": outside, "GE_TEST_PORT": String(UInt16(bigEndian: address.sin_port))]

        let open = try run(variant(mode: "escape"), executor: executor(sandbox: .none, environment: environment))
        #expect(open.run.metrics["wrote_outside"] == 1 && open.run.metrics["network"] == 1, "without a sandbox both work")
        try? FileManager.default.removeItem(atPath: outside)
        let boxed = try run(variant(mode: "escape"), id: "j2", executor: executor(sandbox: Sandbox.detect(policy: .standard(gpu: nil))!, environment: environment))
        #expect(boxed.failed == nil, "\(boxed.failed?.excerpt ?? "")")
        #expect(boxed.run.metrics["wrote_outside"] == 0)
        #expect(boxed.run.metrics["network"] == 0)
        #expect(!FileManager.default.fileExists(atPath: outside))
    }
}

extension TrainingJobExecutorTests {
    func graded(_ mode: String) -> String { "MODE = \"\(mode)\"\n# --OPTION--\nclass Net:\n    parameters = 123\n" }

    /// The graded fixture's training writes a perfect result.json (and
    /// rewrites it at exit); its grading step predicts 0 everywhere, which
    /// is right for 3 of the 10 labels, unless it can read the labels.
    @Test(.enabled(if: Sandbox.detect(policy: .standard(gpu: nil)) != nil, "bubblewrap is not installed or does not work here"))
    func aForgedResultGetsTheAccuracyTheWorkerGraded() throws {
        defer { try? FileManager.default.removeItem(atPath: workRoot) }
        let outcome = try run(graded("forge"), seed: "graded", executor: executor(sandbox: Sandbox.detect(policy: .standard(gpu: nil))!))
        #expect(outcome.failed == nil, "\(outcome.failed?.excerpt ?? "")")
        #expect(outcome.objectives == [0.3, 123], "graded from the predictions; parameters from the screen")
        #expect(outcome.run.metrics["graded.accuracy"] == 0.3 && outcome.run.metrics["screen.parameters"] == 123)
        #expect(outcome.run.metrics["accuracy"] == 1, "the forgery is kept as a self-reported metric, and used for nothing")
        #expect(outcome.run.logTail.contains("cannot read"), "\(outcome.run.logTail)")
        #expect(!outcome.run.logTail.contains("read the labels"), "the labels' folder is hidden in the sandbox: \(outcome.run.logTail)")
    }

    @Test func theLabelsNeverEnterAJobFolder() throws {
        defer { try? FileManager.default.removeItem(atPath: workRoot) }
        let work = executor()
        let outcome = try run(graded("forge"), seed: "graded", executor: work)
        #expect(outcome.failed == nil, "\(outcome.failed?.excerpt ?? "")")
        #expect(FileManager.default.fileExists(atPath: workRoot + "/job-j1-1/predict.py"))
        #expect(!FileManager.default.fileExists(atPath: workRoot + "/job-j1-1/grading"), "the grading folder is not copied")
        work.acknowledged(jobID: "j1")
    }

    @Test(arguments: [
        ("short", Failure.Kind.invalidResult, "predictions.json holds 5 predictions for 10 labels"),
        ("garbage", .invalidResult, "predictions.json is not a JSON list: {\"accuracy\": 1.0}"),
    ])
    func badPredictionsFailTheGrading(mode: String, kind: Failure.Kind, reason: String) throws {
        defer { try? FileManager.default.removeItem(atPath: workRoot) }
        let outcome = try run(graded(mode), seed: "graded")
        #expect(outcome.failed?.kind == kind)
        #expect(outcome.failed?.reason == reason)
        #expect(outcome.run.phase == .grade)
    }

    @Test func predictionsAreGradedAgainstIntegerOrStringLabels() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("grader-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func score(_ predictions: String, labels: String) throws(Grader.Problem) -> Double {
            try? Data(predictions.utf8).write(to: URL(fileURLWithPath: folder + "/p.json"))
            try? Data(labels.utf8).write(to: URL(fileURLWithPath: folder + "/l.json"))
            return try Grader.score(predictions: folder + "/p.json", labels: folder + "/l.json", metric: .accuracy)
        }
        #expect(try score("[1, 2, 3, 4]", labels: "[1, 2, 0, 4]") == 0.75)
        #expect(try score("[\"cat\", \"dog\"]", labels: "[\"cat\", \"cow\"]") == 0.5)
        #expect(try score("[1.0, 2]", labels: "[1, 2]") == 1, "an integral float is its integer")
        #expect(throws: Grader.Problem.invalidPredictions(file: "p.json", reason: "item 0 is neither an integer nor a string")) {
            try score("[1.5, 2]", labels: "[1, 2]")
        }
        #expect(throws: Grader.Problem.invalidPredictions(file: "p.json", reason: "item 1 is neither an integer nor a string")) {
            try score("[1, null]", labels: "[1, 2]")
        }
        #expect(throws: Grader.Problem.labels(path: folder + "/l.json", reason: "not a non-empty JSON list")) {
            try score("[]", labels: "[]")
        }
        // A predictions file far larger than the labels call for is not read.
        #expect(throws: Grader.Problem.invalidPredictions(file: "p.json", reason: "is not a regular file of at most 1048576 bytes")) {
            try score("[" + String(repeating: "1, ", count: 400_000) + "1]", labels: "[1]")
        }
        // Nor a link the job left in place of its predictions.
        try? FileManager.default.removeItem(atPath: folder + "/p.json")
        try FileManager.default.createSymbolicLink(atPath: folder + "/p.json", withDestinationPath: folder + "/l.json")
        #expect(throws: Grader.Problem.invalidPredictions(file: "p.json", reason: "is not a regular file of at most 1048576 bytes")) {
            try Grader.score(predictions: folder + "/p.json", labels: folder + "/l.json", metric: .accuracy)
        }
    }
}

/// Living processes whose working directory lies under `folder`.
func processes(workingIn folder: String) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { pid in
        let cwd = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")) ?? ""
        return cwd.hasPrefix(folder) && isLiving(pid)
    }
}

func isLiving(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return false }
    return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
}

/// Collects progress lines from job threads.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func add(_ line: String) {
        lock.withLock { lines.append(line) }
    }

    var all: [String] { lock.withLock { lines } }
}
