import Foundation
import GEBus
import GECore
import GEProtocol
import GESeed
import Synchronization

/// Runs training jobs: a fresh job directory from the seed, the seed's
/// screen command, then its train command, each a sandboxed process group
/// with a hard timeout; the result file becomes the job's metrics.
public final class TrainingJobExecutor: JobExecutor {
    public struct Settings: Sendable {
        /// Folder holding the seed folders (`<seeds>/<name>/seed.toml`).
        public var seeds: String
        /// Where job directories are made.
        public var workRoot: String
        /// Handed to `{device}`: `cuda` or `cpu`.
        public var device: String
        public var environment: [String: String]
        public var sandbox: Sandbox
        /// Failed job directories kept for inspection (oldest removed first).
        public var keepFailed = 20
        /// Seconds between SIGTERM and SIGKILL when a job is stopped.
        public var grace = 5.0

        public init(seeds: String, workRoot: String, device: String, environment: [String: String], sandbox: Sandbox) {
            self.seeds = seeds
            self.workRoot = workRoot
            self.device = device
            self.environment = environment
            self.sandbox = sandbox
        }
    }

    private let settings: Settings
    private let running = Mutex<[String: ChildProcess]>([:])
    private let cancelled = Mutex<Set<String>>([])
    private let finished = Mutex<[String: JobDirectory]>([:])
    private let failedDirectories = Mutex<[JobDirectory]>([])

    public init(settings: Settings) {
        self.settings = settings
    }

    public func cancel(jobID: String) {
        cancelled.withLock { _ = $0.insert(jobID) }
        running.withLock { $0[jobID]?.cancel() }
    }

    /// Called once the daemon has stored the result: a successful job's
    /// directory is no longer needed.
    public func acknowledged(jobID: String) {
        finished.withLock { $0.removeValue(forKey: jobID) }?.remove()
    }

    public func execute(_ job: JobAssignment, progress: @escaping @Sendable (String) -> Void) -> Data {
        let outcome = run(job, progress: progress)
        cancelled.withLock { _ = $0.remove(job.id) }
        // Strings and finite numbers only: encoding cannot fail.
        return try! JSONEncoder().encode(outcome)
    }

    func run(_ job: JobAssignment, progress: @escaping @Sendable (String) -> Void) -> EvaluationOutcome {
        let start = Date()
        func record(_ phase: TrainingRun.Phase, _ metrics: [String: Double] = [:], log: String = "") -> TrainingRun {
            TrainingRun(metrics: metrics, logTail: log, phase: phase, seconds: Date().timeIntervalSince(start))
        }
        func setupFailure(_ reason: String) -> EvaluationOutcome {
            .failure(Failure(.setup, reason), run: record(.setup))
        }
        guard let spec = try? JSONDecoder().decode(TrainingJobSpec.self, from: job.payload) else {
            return setupFailure("the job payload is not a training job")
        }
        let manifest: SeedManifest
        do {
            manifest = try SeedManifest.load(directory: settings.seeds + "/" + spec.seed)
        } catch {
            return setupFailure("seed \(spec.seed): \(error)")
        }
        let directory: JobDirectory
        do {
            directory = try JobDirectory.create(
                root: settings.workRoot, name: "job-\(job.id)-\(job.attempt)", seed: manifest, source: spec.source)
        } catch {
            return setupFailure("cannot prepare the job directory: \(error.localizedDescription)")
        }
        var metrics: [String: Double] = [:]
        let phases: [(phase: TrainingRun.Phase, command: SeedManifest.Command, output: String)] = [
            (.screen, manifest.screen, "ge-screen.json"), (.train, manifest.train, manifest.resultFile),
        ]
        for (phase, command, output) in phases {
            let values = [
                "output": output, "device": settings.device, "epochs": String(spec.epochs ?? manifest.epochs),
                "data": manifest.data.map { $0.hasPrefix("/") ? $0 : manifest.directory.path + "/" + $0 } ?? "",
                "seed_dir": manifest.directory.path,
            ]
            let line = CommandTemplate.render(command.template, values: values)
            let ending: ChildProcess.Ending
            do {
                ending = try runPhase(line, job: job, directory: directory, timeout: command.timeout, progress: progress)
            } catch {
                return finish(job, directory, .failure(Failure(.setup, "\(error)"), run: record(phase, metrics)))
            }
            let tail = directory.logTail()
            guard ending == .exited(0) else {
                let failure = Failure(
                    FailureClassifier.classify(ending: ending, log: tail),
                    FailureClassifier.reason(ending: ending, log: tail, phase: phase.rawValue, timeout: command.timeout),
                    excerpt: tail)
                return finish(job, directory, .failure(failure, run: record(phase, metrics, log: tail)))
            }
            do {
                let values = try ResultFile.metrics(at: directory.path + "/" + output)
                for (key, value) in values { metrics[phase == .screen ? "screen." + key : key] = value }
            } catch .missing where phase == .screen {
                continue
            } catch {
                let failure = Failure(Self.failureKind(error), Self.describe(error, file: output), excerpt: tail)
                return finish(job, directory, .failure(failure, run: record(phase, metrics, log: tail)))
            }
        }
        let tail = directory.logTail(lines: 10)
        do {
            let objectives = try ResultFile.objectives(metrics, manifest: manifest)
            return finish(job, directory, .scored(objectives: objectives, run: record(.train, metrics, log: tail)))
        } catch {
            let failure = Failure(Self.failureKind(error), Self.describe(error, file: manifest.resultFile), excerpt: tail)
            return finish(job, directory, .failure(failure, run: record(.train, metrics, log: tail)))
        }
    }

    private func runPhase(
        _ command: String, job: JobAssignment, directory: JobDirectory, timeout: Double,
        progress: @escaping @Sendable (String) -> Void
    ) throws -> ChildProcess.Ending {
        if cancelled.withLock({ $0.contains(job.id) }) { return .cancelled }
        let child = try ChildProcess(
            arguments: settings.sandbox.arguments(for: command, in: directory.path), directory: directory.path,
            log: directory.logPath, environment: settings.environment)
        running.withLock { $0[job.id] = child }
        defer { running.withLock { $0[job.id] = nil } }
        if cancelled.withLock({ $0.contains(job.id) }) { child.cancel() }
        var reader = ProgressReader(path: directory.logPath)
        let ending = child.wait(timeout: timeout, grace: settings.grace) {
            reader.newLines().forEach(progress)
        }
        reader.newLines().forEach(progress)
        return ending
    }

    /// Keeps a failed job's directory (up to the limit); a successful one is
    /// removed once the daemon acknowledges the result.
    private func finish(_ job: JobAssignment, _ directory: JobDirectory, _ outcome: EvaluationOutcome) -> EvaluationOutcome {
        if case .scored = outcome {
            finished.withLock { $0[job.id] = directory }
        } else {
            let expired = failedDirectories.withLock { kept -> [JobDirectory] in
                kept.append(directory)
                let excess = max(0, kept.count - settings.keepFailed)
                defer { kept.removeFirst(excess) }
                return Array(kept.prefix(excess))
            }
            expired.forEach { $0.remove() }
        }
        return outcome
    }

    static func failureKind(_ problem: ResultFile.Problem) -> Failure.Kind {
        switch problem {
        case .notFinite: .nan
        case .missing, .unreadable, .missingKey: .missingResult
        }
    }

    static func describe(_ problem: ResultFile.Problem, file: String) -> String {
        switch problem {
        case .missing: "the command succeeded but wrote no \(file)"
        case .unreadable(let start): "\(file) is not a JSON object: \(start)"
        case .notFinite(let key): "\(file) reports a non-finite \(key) (NaN or infinity)"
        case .missingKey(let key): "\(file) has no \"\(key)\", which the seed's objectives need"
        }
    }
}
