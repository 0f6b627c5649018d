import Synchronization

/// Which of an executor's jobs were asked to stop. A cancel counts only while
/// its job executes: one that arrives after the job ended (its result already
/// on the way) must not stop a later run of the same job id, which would then
/// end at once as "cancelled" under a live lease.
public final class JobCancellations: Sendable {
    private struct State {
        var executing: Set<String> = []
        var cancelled: Set<String> = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Marks a job as executing, not cancelled.
    public func begin(_ jobID: String) {
        state.withLock {
            $0.executing.insert(jobID)
            $0.cancelled.remove(jobID)
        }
    }

    /// The job returned: forget it.
    public func end(_ jobID: String) {
        state.withLock {
            $0.executing.remove(jobID)
            $0.cancelled.remove(jobID)
        }
    }

    /// Asks an executing job to stop; returns whether it is executing.
    @discardableResult
    public func cancel(_ jobID: String) -> Bool {
        state.withLock {
            guard $0.executing.contains(jobID) else { return false }
            $0.cancelled.insert(jobID)
            return true
        }
    }

    public func isCancelled(_ jobID: String) -> Bool {
        state.withLock { $0.cancelled.contains(jobID) }
    }
}
