import GRDB

/// A worker that joined the run, and whether it is still connected.
public struct WorkerRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "worker"

    public enum State: String, Codable, Sendable, DatabaseValueConvertible {
        case connected, gone
    }

    public var id: String
    public var name: String
    /// `llm` or `gpu`.
    public var kind: String
    public var host: String
    public var gpu: String?
    public var slots: Int
    public var state: State
    public var firstSeen: Double
    public var lastSeen: Double

    public init(id: String, name: String, kind: String, host: String, gpu: String?, slots: Int, state: State, at time: Double) {
        self.id = id
        self.name = name
        self.kind = kind
        self.host = host
        self.gpu = gpu
        self.slots = slots
        self.state = state
        self.firstSeen = time
        self.lastSeen = time
    }
}
