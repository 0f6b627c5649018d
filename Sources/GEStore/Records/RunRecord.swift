import Foundation
import GRDB

/// The run: what it was created with (frozen) and a summary of where it is.
struct RunRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "run"

    enum State: String, Codable, Sendable, DatabaseValueConvertible {
        case running, finished
    }

    var id = 1
    var createdAt: Double
    var seedDirectory: String
    var seedName: String
    /// The engine configuration, as JSON.
    var configuration: String
    var rngSeed: Int64
    var seedGenome: String?
    var seedManifest: String?
    /// The preset the run was created from (`ged --preset`), if any.
    var preset: String?
    var state = State.running
    var stopReason: String?
    /// JSON arrays of individual ids.
    var population = "[]"
    var archive = "[]"
    var hallOfFame = "[]"
    var evaluations = 0
    var generation = 0
    var updatedAt: Double

    enum Columns {
        static let state = Column(CodingKeys.state)
        static let stopReason = Column(CodingKeys.stopReason)
        static let population = Column(CodingKeys.population)
        static let archive = Column(CodingKeys.archive)
        static let hallOfFame = Column(CodingKeys.hallOfFame)
        static let evaluations = Column(CodingKeys.evaluations)
        static let generation = Column(CodingKeys.generation)
        static let updatedAt = Column(CodingKeys.updatedAt)
    }
}
