import Foundation
import GRDB

/// The whole engine after input `seq`, so a restart replays only what follows.
struct SnapshotRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "snapshot"

    var seq: Int
    var engine: Data
}
