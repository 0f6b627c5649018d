import GRDB

/// One line of the run's append-only event log.
struct EventRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "event"

    var seq: Int64?
    var at: Double
    var type: String
    var body: String

    mutating func didInsert(_ inserted: InsertionSuccess) {
        seq = inserted.rowID
    }
}
