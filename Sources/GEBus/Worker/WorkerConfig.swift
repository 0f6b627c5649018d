import Foundation

/// How a worker connects to the daemon.
public struct WorkerConfig: Sendable {
    /// The daemon's work endpoint, e.g. `tcp://ged-host:5555`.
    public var endpoint: String
    public var hello: Hello
    /// CURVE keys; required when the daemon enables CURVE.
    public var curve: CurveClientKeys?
    /// Heartbeat interval until the daemon's WELCOME says otherwise.
    public var heartbeatInterval: Double = 1.0
    /// The daemon is presumed gone after this many silent intervals.
    public var livenessIntervals = 3
    /// Reconnection backoff: first delay and cap, in seconds (with jitter).
    public var reconnectDelay: ClosedRange<Double> = 0.1...5.0
    /// Exit once drained and every result is acknowledged.
    public var exitWhenDrained = true

    public init(endpoint: String, hello: Hello, curve: CurveClientKeys? = nil) {
        self.endpoint = endpoint
        self.hello = hello
        self.curve = curve
    }
}

/// Why a worker stopped.
public enum WorkerError: Error, Equatable, CustomStringConvertible {
    /// The daemon refused the worker and asked it not to retry.
    case rejected(reason: String)
    case bus(ZMQError)

    public var description: String {
        switch self {
        case .rejected(let reason): "the daemon refused this worker: \(reason)"
        case .bus(let error): "message bus error: \(error)"
        }
    }
}
