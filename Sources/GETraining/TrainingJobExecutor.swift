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
        public var sandbox: Sandbox
        /// What every job may see and use; each job adds its seed, data and
        /// the variables its manifest names.
        public var policy: SandboxPolicy
        /// The worker's own environment, from which a manifest may name variables.
        public var workerEnvironment: [String: String] = [:]
        /// The most a seed may ask for (worker flags lower them).
        public var maximumMemoryMB: Int?
        public var maximumDiskMB = 16_384
        public var maximumProcesses = 4096
        /// Failed job directories kept for inspection (oldest removed first),
        /// by count and by total size.
        public var keepFailed = 20
        public var keepFailedBytes = 2 << 30
        /// Seconds between SIGTERM and SIGKILL when a job is stopped.
        public var grace = 5.0

        public init(seeds: String, workRoot: String, device: String, sandbox: Sandbox, policy: SandboxPolicy) {
            self.seeds = seeds
            self.workRoot = workRoot
            self.device = device
            self.sandbox = sandbox
            self.policy = policy
        }

        /// The policy of one job of `seed`.
        func policy(for seed: SeedManifest) -> SandboxPolicy {
            var policy = self.policy
            policy.readOnly.append(seeds)
            if let folder = seed.gradingFolder { policy.hidden.append(folder) }
            if let data = seed.data, data.hasPrefix("/") { policy.readOnly.append(data) }
            for name in seed.environment { policy.environment[name] = workerEnvironment[name] }
            let memory = [seed.limits.memoryMB, maximumMemoryMB].compactMap { $0 }.min()
            // Address-space limits break CUDA's reservations: CPU jobs only.
            if device == "cpu", let memory { policy.limits.memoryBytes = memory << 20 }
            policy.limits.processes = min(seed.limits.processes ?? policy.limits.processes, maximumProcesses)
            policy.limits.cpuSeconds = Int(min(seed.train.timeout + seed.screen.timeout, 1e7))
                * ProcessInfo.processInfo.activeProcessorCount + 60
            policy.limits.fileBytes = diskBytes(for: seed)
            if let tmp = seed.limits.tmpMB { policy.tmpBytes = min(tmp << 20, policy.tmpBytes) }
            return policy
        }

        /// The most a job folder of `seed` may hold.
        func diskBytes(for seed: SeedManifest) -> Int {
            min(seed.limits.diskMB ?? maximumDiskMB, maximumDiskMB) << 20
        }
    }

    private let settings: Settings
    private let running = Mutex<[String: ChildProcess]>([:])
    private let cancellations = JobCancellations()
    private let finished = Mutex<[String: JobDirectory]>([:])
    private let failedDirectories = Mutex<[(directory: JobDirectory, bytes: Int)]>([])

    private let log: @Sendable (String) -> Void

    public init(settings: Settings, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.settings = settings
        self.log = log
    }

    public func cancel(jobID: String) {
        guard cancellations.cancel(jobID) else { return }
        running.withLock { $0[jobID]?.cancel() }
    }

    /// Called once the daemon has stored the result: a successful job's
    /// directory is no longer needed.
    public func acknowledged(jobID: String) {
        finished.withLock { $0.removeValue(forKey: jobID) }?.remove()
    }

    public func execute(_ job: JobAssignment, progress: @escaping @Sendable (String) -> Void) -> Data {
        cancellations.begin(job.id)
        let outcome = run(job, progress: progress)
        cancellations.end(job.id)
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
        if let epochs = spec.epochs, !(1...1_000_000).contains(epochs) {
            return setupFailure("the job asks for \(epochs) epochs; a rung trains 1 to 1,000,000")
        }
        let manifest: SeedManifest
        do {
            manifest = try SeedManifest.load(directory: settings.seeds + "/" + spec.seed)
        } catch {
            return setupFailure("seed \(spec.seed): \(error)")
        }
        // Labels a seed's data preparation has not written yet fail the job
        // now, not after hours of training.
        if let labels = manifest.labelsPath, !FileManager.default.isReadableFile(atPath: labels) {
            return setupFailure("seed \(spec.seed): the worker cannot read the grading labels \(labels) (has the seed's data been prepared?)")
        }
        let directory: JobDirectory
        do {
            directory = try JobDirectory.create(
                root: settings.workRoot, name: "job-\(job.id)-\(job.attempt)", seed: manifest, source: spec.source,
                owner: settings.sandbox == .none ? nil : settings.policy.jobUser)
        } catch {
            return setupFailure("cannot prepare the job directory: \(error.localizedDescription)")
        }
        var metrics: [String: Double] = [:]
        var phases: [(phase: TrainingRun.Phase, command: SeedManifest.Command, output: String)] = [
            (.screen, manifest.screen, "ge-screen.json"), (.train, manifest.train, manifest.resultFile),
        ]
        if let grading = manifest.grading { phases.append((.grade, grading.command, grading.predictions)) }
        for (phase, command, output) in phases {
            let values = manifest.placeholderValues(output: output, device: settings.device, epochs: spec.epochs ?? manifest.epochs)
            let line = CommandTemplate.render(command.template, values: values)
            let ending: ChildProcess.Ending
            do {
                ending = try runPhase(
                    line, job: job, directory: directory, timeout: command.timeout, policy: settings.policy(for: manifest),
                    diskBytes: settings.diskBytes(for: manifest), progress: progress)
            } catch {
                return finish(job, directory, .failure(Failure(.setup, "\(error)"), run: record(phase, metrics)))
            }
            let tail = directory.logTail()
            guard ending == .exited(0) else {
                let failure = Failure(
                    FailureClassifier.classify(ending: ending, log: tail),
                    FailureClassifier.reason(ending: ending, log: tail, phase: phase.rawValue, timeout: command.timeout),
                    excerpt: FailureClassifier.excerpt(log: directory.logTail(lines: 400)))
                return finish(job, directory, .failure(failure, run: record(phase, metrics, log: tail)))
            }
            if phase == .grade, let grading = manifest.grading, let labels = manifest.labelsPath {
                do {
                    let score = try Grader.score(predictions: directory.path + "/" + output, labels: labels, metric: grading.metric)
                    metrics["graded." + grading.metric.rawValue] = score
                } catch {
                    let kind: Failure.Kind = switch error {
                    case .labels: .setup
                    case .missingPredictions: .missingResult
                    case .invalidPredictions: .invalidResult
                    }
                    return finish(job, directory, .failure(Failure(kind, error.description, excerpt: tail), run: record(phase, metrics, log: tail)))
                }
                continue
            }
            do {
                let values = try ResultFile.metrics(at: directory.path + "/" + output)
                // The screen's values are trusted (read before training starts)
                // and graded ones are the worker's: training must not be able
                // to write either.
                for (key, value) in values where phase == .screen || !(key.hasPrefix("screen.") || key.hasPrefix("graded.")) {
                    metrics[phase == .screen ? "screen." + key : key] = value
                }
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
        _ command: String, job: JobAssignment, directory: JobDirectory, timeout: Double, policy: SandboxPolicy,
        diskBytes: Int, progress: @escaping @Sendable (String) -> Void
    ) throws -> ChildProcess.Ending {
        if cancellations.isCancelled(job.id) { return .cancelled }
        if settings.sandbox == .none {
            log("warning: job \(job.id) runs generated code unsandboxed (--sandbox none)")
        }
        let child = try ChildProcess(
            arguments: settings.sandbox.arguments(for: command, in: directory.path, policy: policy),
            directory: directory.path, log: directory.logPath, environment: [:])
        running.withLock { $0[job.id] = child }
        defer { running.withLock { $0[job.id] = nil } }
        if cancellations.isCancelled(job.id) { child.cancel() }
        var reader = ProgressReader(path: directory.logPath)
        var lastMeasured = Date.distantPast
        var overDisk = false
        let ending = child.wait(timeout: timeout, grace: settings.grace) {
            reader.newLines().forEach(progress)
            // The folder's size, about once a second: a job that writes past
            // its cap is stopped while it runs, not found out afterwards.
            guard !overDisk, Date().timeIntervalSince(lastMeasured) >= 1 else { return }
            lastMeasured = Date()
            if directory.bytes() > diskBytes {
                overDisk = true
                child.cancel()
            }
        }
        reader.newLines().forEach(progress)
        return overDisk ? .overDisk(limit: diskBytes) : ending
    }

    /// Keeps a failed job's directory (up to the limit); a successful one is
    /// removed once the daemon acknowledges the result.
    private func finish(_ job: JobAssignment, _ directory: JobDirectory, _ outcome: EvaluationOutcome) -> EvaluationOutcome {
        if case .scored = outcome {
            finished.withLock { $0[job.id] = directory }
        } else {
            let size = directory.bytes()
            let expired = failedDirectories.withLock { kept -> [JobDirectory] in
                kept.append((directory, size))
                // Oldest first, until both the count and the total size fit.
                var total = kept.reduce(0) { $0 + $1.bytes }, removed: [JobDirectory] = []
                while let oldest = kept.first, kept.count > settings.keepFailed || total > settings.keepFailedBytes {
                    total -= oldest.bytes
                    removed.append(oldest.directory)
                    kept.removeFirst()
                }
                return removed
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
