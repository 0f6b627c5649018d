import GRDB

/// A job handed to the bus: an LLM request or an evaluation, and how it ended.
public struct JobRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "job"

    /// Which kind of worker runs it.
    public enum Kind: String, Codable, Sendable, DatabaseValueConvertible {
        case llm, gpu
    }

    /// Where the job is.
    public enum State: String, Codable, Sendable, DatabaseValueConvertible {
        case queued
        /// A worker's result was stored.
        case done
        /// Given up after its workers died too often.
        case abandoned
    }

    public var id: String
    public var kind: Kind
    /// The individual it is for; `nil` when the daemon no longer knows it
    /// (a result for a request that was already answered).
    public var individual: Int?
    public var state: State
    /// The worker that returned the result.
    public var worker: String?
    /// The lease of its latest hand-out: after a restart, only the worker
    /// holding it may claim the job.
    public var lease: String?
    public var detail: String?
    /// An LLM job: the model that answered, the tokens the provider
    /// reported, and what they cost at the listed price.
    public var model: String?
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var cost: Double?
    public var createdAt: Double
    public var updatedAt: Double

    public init(
        id: String, kind: Kind, individual: Int?, state: State, worker: String? = nil, detail: String? = nil,
        at time: Double = 0
    ) {
        self.id = id
        self.kind = kind
        self.individual = individual
        self.state = state
        self.worker = worker
        self.detail = detail
        self.createdAt = time
        self.updatedAt = time
    }
}
