import GRDB

/// One engine input of the write-ahead log, as JSON, in the order applied.
struct InputRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "input"

    var seq: Int
    var at: Double
    var body: String
}
