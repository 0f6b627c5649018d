import Foundation
import GEProtocol
import Synchronization

/// What the dashboard and `/metrics` show, as the reactor last published it:
/// they read this copy on their own threads and never reach into the
/// reactor (the engine inside is a value).
public struct DashboardSnapshot: Sendable {
    public var reports: RunReports
    public var live: RunReports.Live
    public var workers: [WorkerReport]

    /// Computed by the reader, off the reactor thread.
    public var status: StatusReport { reports.status(live: live) }
}

/// The latest snapshot, handed from the reactor thread to the HTTP server's.
public final class DashboardFeed: Sendable {
    private let latest = Mutex<DashboardSnapshot?>(nil)

    public init() {}

    public var snapshot: DashboardSnapshot? { latest.withLock { $0 } }

    func publish(_ snapshot: DashboardSnapshot) {
        latest.withLock { $0 = snapshot }
    }
}
