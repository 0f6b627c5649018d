import Foundation
import GECore
import GEStore
import Synchronization

/// Writes engine snapshots on a thread of its own.
///
/// A snapshot encodes the whole engine: done on the reactor, it would stall
/// every worker for as long as that takes. The reactor hands over a copy of
/// the engine (a copy of a value: it shares storage until the reactor next
/// changes it) and goes on; snapshots are written in the order they were
/// taken. A failed write is reported at the next `save` or at `finish`, so the
/// daemon still ends on it, as it does on any failed commit.
final class SnapshotWriter: Sendable {
    private let store: RunStore
    private let queue = DispatchQueue(label: "ged.snapshots")
    private let failure = Mutex<(any Error)?>(nil)

    init(store: RunStore) {
        self.store = store
    }

    /// Queues the snapshot of `engine` as it is after input `seq`.
    func save(_ engine: Engine, seq: Int) throws {
        try rethrowFailure()
        queue.async { [self] in
            guard failure.withLock({ $0 == nil }) else { return }
            do {
                try store.saveSnapshot(engine, seq: seq)
            } catch {
                failure.withLock { $0 = error }
            }
        }
    }

    /// Waits until every queued snapshot is written.
    func finish() throws {
        queue.sync {}
        try rethrowFailure()
    }

    private func rethrowFailure() throws {
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
