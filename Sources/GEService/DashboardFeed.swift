import Foundation
import GEProtocol
import Synchronization

/// What the dashboard and `/metrics` show, as the reactor last published it:
/// they read this copy on their own threads and never reach into the
/// reactor (the engine inside is a value).
public struct DashboardSnapshot: Sendable {
    public var status: StatusReport
    public var workers: [WorkerReport]
    public var reports: RunReports
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
