import Foundation
import GEService
import GEStore
import Synchronization

/// Watches a daemon running on another thread of this process: samples the
/// committed evaluation count, the reactor thread's CPU clock and the
/// process's RSS, and records each checkpoint as it is passed.
final class DaemonMonitor: @unchecked Sendable {
    /// What was measured when the run passed a checkpoint.
    struct Checkpoint {
        let evaluations: Int
        /// Reactor CPU per evaluation over the window before the checkpoint.
        let reactorCPUPerEvaluation: Double
        /// Process CPU (all threads: daemon, workers, SQLite) per evaluation, same window.
        let processCPUPerEvaluation: Double
        let evaluationsPerSecond: Double
        let rssBytes: Int
        let peakRSSBytes: Int
        let databaseBytes: Int
        let snapshotBytes: Int
        /// The longest reactor turn within the window.
        let longestTurn: Duration

        var json: [String: Any] {
            [
                "evaluations": evaluations,
                "reactor_cpu_ms_per_evaluation": reactorCPUPerEvaluation * 1000,
                "process_cpu_ms_per_evaluation": processCPUPerEvaluation * 1000,
                "evaluations_per_second": evaluationsPerSecond,
                "rss_mb": Double(rssBytes) / 1e6, "peak_rss_mb": Double(peakRSSBytes) / 1e6,
                "database_mb": Double(databaseBytes) / 1e6, "snapshot_mb": Double(snapshotBytes) / 1e6,
                "longest_reactor_turn_ms": longestTurn.inSeconds * 1000,
            ]
        }
    }

    private struct Sample {
        let evaluations: Int
        let reactorCPU: Double
        let processCPU: Double
        let wall: ContinuousClock.Instant
    }

    let store: RunStore
    let stateDirectory: String
    let control: Daemon.Control
    let reactorClock: clockid_t
    let checkpoints: [Int]
    let crashCopy: String
    private let done = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private(set) var results: [Checkpoint] = []

    init(store: RunStore, stateDirectory: String, control: Daemon.Control, reactor: pthread_t, checkpoints: [Int], crashCopy: String) throws {
        self.store = store
        self.stateDirectory = stateDirectory
        self.control = control
        self.checkpoints = checkpoints
        self.crashCopy = crashCopy
        var clock = clockid_t()
        guard pthread_getcpuclockid(reactor, &clock) == 0 else { throw CocoaError(.featureUnsupported) }
        reactorClock = clock
    }

    /// Samples every 50 ms until `finish`.
    func watch() {
        var pending = checkpoints[...]
        var windowStart: Sample?
        while !done.load(ordering: .relaxed) {
            Thread.sleep(forTimeInterval: 0.05)
            guard let evaluations = try? store.evaluationsCompleted() else { continue }
            let sample = Sample(
                evaluations: evaluations, reactorCPU: cpuSeconds(reactorClock),
                processCPU: cpuSeconds(CLOCK_PROCESS_CPUTIME_ID), wall: .now)
            guard let next = pending.first else { continue }
            // The window is the last tenth before the checkpoint; its
            // longest turn is what the daemon did within it.
            if windowStart == nil, evaluations >= next - max(next / 10, 100) {
                windowStart = sample
                _ = control.takeLongestTurn()
            }
            guard evaluations >= next, let first = windowStart, evaluations > first.evaluations else { continue }
            pending.removeFirst()
            windowStart = nil
            if pending.isEmpty { try? store.copy(to: crashCopy) }
            let count = Double(evaluations - first.evaluations)
            results.append(Checkpoint(
                evaluations: evaluations,
                reactorCPUPerEvaluation: (sample.reactorCPU - first.reactorCPU) / count,
                processCPUPerEvaluation: (sample.processCPU - first.processCPU) / count,
                evaluationsPerSecond: count / (sample.wall - first.wall).inSeconds,
                rssBytes: Self.rss(), peakRSSBytes: Self.peakRSS(),
                databaseBytes: fileSize("ged.sqlite") + fileSize("ged.sqlite-wal"),
                snapshotBytes: (try? store.newestSnapshotBytes()) ?? 0,
                longestTurn: control.takeLongestTurn()))
        }
        finished.signal()
    }

    /// Stops watching and waits for the last sample.
    func finish() {
        done.store(true, ordering: .relaxed)
        finished.wait()
    }

    func fileSize(_ name: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: stateDirectory + "/" + name))?[.size] as? Int) ?? 0
    }

    func cpuSeconds(_ clock: clockid_t) -> Double {
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Resident memory now, from /proc/self/statm.
    static func rss() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }

    /// The highest resident memory so far (VmHWM).
    static func peakRSS() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }
}
