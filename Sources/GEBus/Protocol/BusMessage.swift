import Foundation

/// The version of the wire protocol this build speaks (2: leases).
public let busProtocolVersion = 2

/// What a worker does.
public enum WorkerKind: String, Codable, Sendable, CaseIterable {
    /// Turns prompts into code (`ge-llm-worker`).
    case llm
    /// Screens and trains variants (`ge-gpu-worker`).
    case gpu
}

/// What a worker tells the daemon about itself.
public struct WorkerCapabilities: Codable, Sendable, Equatable {
    /// Jobs it runs at once.
    public var slots: Int
    public var gpuName: String?
    public var gpuMemoryMiB: Int?
    /// For GPU workers: whether generated code runs sandboxed.
    public var sandboxed: Bool?
    /// For LLM workers: the provider it calls (`openai`, `gemini`, `baseline`).
    public var provider: String?
    /// For LLM workers: the model it serves. A job that names a model goes
    /// only to a worker serving that model.
    public var model: String?

    public init(
        slots: Int, gpuName: String? = nil, gpuMemoryMiB: Int? = nil, sandboxed: Bool? = nil,
        provider: String? = nil, model: String? = nil
    ) {
        self.slots = slots
        self.gpuName = gpuName
        self.gpuMemoryMiB = gpuMemoryMiB
        self.sandboxed = sandboxed
        self.provider = provider
        self.model = model
    }
}

/// A job a worker holds, with the lease it was handed out under.
public struct HeldJob: Codable, Sendable, Hashable {
    public var id: String
    public var lease: String

    public init(id: String, lease: String) {
        self.id = id
        self.lease = lease
    }
}

/// The first message of a worker's session.
public struct Hello: Codable, Sendable, Equatable {
    public var kind: WorkerKind
    /// A human-readable name, e.g. `gpu0@node17`.
    public var name: String
    public var host: String
    public var capabilities: WorkerCapabilities
    /// Jobs it still runs, or whose results wait for an acknowledgement,
    /// from an earlier session (after a reconnect).
    public var running: [HeldJob]

    public init(kind: WorkerKind, name: String, host: String, capabilities: WorkerCapabilities, running: [HeldJob] = []) {
        self.kind = kind
        self.name = name
        self.host = host
        self.capabilities = capabilities
        self.running = running
    }
}

/// The daemon's answer to HELLO.
public struct Welcome: Codable, Sendable, Equatable {
    /// The id the daemon knows the worker by in logs and `gectl workers`.
    public var workerID: String
    /// How often each side sends a heartbeat.
    public var heartbeatMilliseconds: Int

    public init(workerID: String, heartbeatMilliseconds: Int) {
        self.workerID = workerID
        self.heartbeatMilliseconds = heartbeatMilliseconds
    }
}

/// A job sent to a worker; its `payload` travels as the body frame.
public struct JobAssignment: Sendable, Equatable {
    public var id: String
    public var kind: WorkerKind
    /// 1 for the first try; higher after the job was re-queued.
    public var attempt: Int
    /// This hand-out's token: the result and progress lines carry it.
    public var lease: String
    /// The job's specification, opaque to the bus (JSON of the job kind).
    public var payload: Data

    public init(id: String, kind: WorkerKind, attempt: Int, lease: String, payload: Data) {
        self.id = id
        self.kind = kind
        self.attempt = attempt
        self.lease = lease
        self.payload = payload
    }
}

/// Every message of the protocol.
public enum BusMessage: Sendable, Equatable {
    /// Worker → daemon: start of a session.
    case hello(Hello)
    /// Daemon → worker: accepted.
    case welcome(Welcome)
    /// Worker → daemon: it is listening for jobs. (The daemon derives a
    /// worker's credit from its slots and the jobs it holds; `credit` is
    /// checked and otherwise unused.)
    case ready(credit: Int)
    /// Daemon → worker.
    case job(JobAssignment)
    /// Worker → daemon: a line of progress of a running job.
    case progress(jobID: String, lease: String, message: String)
    /// Worker → daemon: a job's outcome (opaque payload, JSON of the job kind).
    case result(jobID: String, lease: String, payload: Data)
    /// Daemon → worker: the result is stored; the worker may forget it.
    case ack(jobID: String)
    /// Both ways: still alive.
    case heartbeat
    /// Daemon → worker: stop this job; no result is expected.
    case cancel(jobID: String)
    /// Daemon → worker: finish running jobs, take no new ones.
    case drain
    /// Either way: the session ends. `retry` tells a worker to say hello again
    /// (e.g. after a daemon restart); otherwise it should exit with `reason`.
    case bye(reason: String, retry: Bool)

    /// The name of the message type on the wire.
    public var type: String {
        switch self {
        case .hello: "hello"
        case .welcome: "welcome"
        case .ready: "ready"
        case .job: "job"
        case .progress: "progress"
        case .result: "result"
        case .ack: "ack"
        case .heartbeat: "heartbeat"
        case .cancel: "cancel"
        case .drain: "drain"
        case .bye: "bye"
        }
    }
}
