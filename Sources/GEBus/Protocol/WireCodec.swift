import Foundation

/// Turns `BusMessage`s into frames and back.
///
/// A message is one JSON header frame `{"v": 1, "type": "...", ...}` and, for
/// jobs and results, one body frame with the payload. Anything malformed,
/// oversized or of another protocol version becomes a `ProtocolError`; the
/// codec never traps on input.
public struct WireCodec: Sendable {
    /// The largest message accepted, all frames together.
    public let maximumMessageBytes: Int

    public init(maximumMessageBytes: Int = 4 << 20) {
        self.maximumMessageBytes = maximumMessageBytes
    }

    /// Bounds on what a peer may claim; anything outside is a `ProtocolError`,
    /// so no value from the wire can overflow arithmetic or flood a log.
    public enum Limits {
        /// Jobs one worker may run at once.
        public static let slots = 1...1024
        /// Names, hosts, GPU names.
        public static let nameBytes = 256
        /// Job ids.
        public static let idBytes = 128
        /// Leases.
        public static let leaseBytes = 64
        /// Progress lines and goodbye reasons.
        public static let messageBytes = 4096
        public static let heartbeatMilliseconds = 1...3_600_000
        public static let attempts = 0...1_000_000
    }

    struct Header: Codable {
        var v: Int
        var type: String
        var id: String?
        var kind: WorkerKind?
        var attempt: Int?
        var lease: String?
        var credit: Int?
        var message: String?
        var retry: Bool?
        var hello: Hello?
        var welcome: Welcome?
    }

    public func encode(_ message: BusMessage) -> [Data] {
        var header = Header(v: busProtocolVersion, type: message.type)
        var body: Data?
        switch message {
        case .hello(let hello): header.hello = hello
        case .welcome(let welcome): header.welcome = welcome
        case .ready(let credit): header.credit = credit
        case .job(let job):
            header.id = job.id
            header.kind = job.kind
            header.attempt = job.attempt
            header.lease = job.lease
            body = job.payload
        case .progress(let id, let lease, let text):
            header.id = id
            header.lease = lease
            header.message = text
        case .result(let id, let lease, let payload):
            header.id = id
            header.lease = lease
            body = payload
        case .ack(let id), .cancel(let id): header.id = id
        case .heartbeat, .drain: break
        case .bye(let reason, let retry):
            header.message = reason
            header.retry = retry
        }
        // Encoding a struct of strings, numbers and Codable values cannot fail.
        let encoded = try! JSONEncoder().encode(header)
        return body.map { [encoded, $0] } ?? [encoded]
    }

    public func decode(_ frames: [Data]) throws(ProtocolError) -> BusMessage {
        let size = frames.reduce(0) { $0 + $1.count }
        guard size <= maximumMessageBytes else { throw .tooLarge(bytes: size, limit: maximumMessageBytes) }
        guard let first = frames.first, frames.count <= 2 else { throw .frameCount(frames.count) }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: first)
        } catch {
            throw .malformedHeader(String(describing: error))
        }
        guard header.v == busProtocolVersion else { throw .unsupportedVersion(header.v) }
        let body = frames.count == 2 ? frames[1] : nil
        func require<T>(_ value: T?, _ field: String) throws(ProtocolError) -> T {
            guard let value else { throw .missingField(type: header.type, field: field) }
            return value
        }
        func check(_ holds: Bool, _ field: String, _ rule: String) throws(ProtocolError) {
            guard holds else { throw .outOfRange(type: header.type, field: field, rule: rule) }
        }
        func text(_ value: String?, _ field: String, limit: Int) throws(ProtocolError) -> String {
            let value = try require(value, field)
            try check(value.utf8.count <= limit, field, "at most \(limit) bytes")
            return value
        }
        switch header.type {
        case "hello":
            let hello = try require(header.hello, "hello")
            let slots = hello.capabilities.slots
            try check(Limits.slots.contains(slots), "slots", "\(Limits.slots.lowerBound)…\(Limits.slots.upperBound)")
            try check(hello.running.count <= slots, "running", "at most slots (\(slots)) job ids")
            try check(hello.running.allSatisfy { $0.id.utf8.count <= Limits.idBytes && $0.lease.utf8.count <= Limits.leaseBytes },
                      "running", "ids of at most \(Limits.idBytes) bytes and leases of at most \(Limits.leaseBytes)")
            _ = try text(hello.name, "name", limit: Limits.nameBytes)
            _ = try text(hello.host, "host", limit: Limits.nameBytes)
            try check((hello.capabilities.gpuName?.utf8.count ?? 0) <= Limits.nameBytes, "gpuName", "at most \(Limits.nameBytes) bytes")
            return .hello(hello)
        case "welcome":
            let welcome = try require(header.welcome, "welcome")
            _ = try text(welcome.workerID, "workerID", limit: Limits.nameBytes)
            try check(Limits.heartbeatMilliseconds.contains(welcome.heartbeatMilliseconds), "heartbeatMilliseconds",
                      "\(Limits.heartbeatMilliseconds.lowerBound)…\(Limits.heartbeatMilliseconds.upperBound)")
            return .welcome(welcome)
        case "ready":
            let credit = try require(header.credit, "credit")
            try check(Limits.slots.contains(credit), "credit", "\(Limits.slots.lowerBound)…\(Limits.slots.upperBound)")
            return .ready(credit: credit)
        case "job":
            let attempt = try require(header.attempt, "attempt")
            try check(Limits.attempts.contains(attempt), "attempt", "\(Limits.attempts.lowerBound)…\(Limits.attempts.upperBound)")
            return .job(JobAssignment(
                id: try text(header.id, "id", limit: Limits.idBytes), kind: try require(header.kind, "kind"),
                attempt: attempt, lease: try text(header.lease, "lease", limit: Limits.leaseBytes),
                payload: try require(body, "body frame")))
        case "progress":
            return .progress(
                jobID: try text(header.id, "id", limit: Limits.idBytes),
                lease: try text(header.lease, "lease", limit: Limits.leaseBytes),
                message: try text(header.message, "message", limit: Limits.messageBytes))
        case "result":
            return .result(
                jobID: try text(header.id, "id", limit: Limits.idBytes),
                lease: try text(header.lease, "lease", limit: Limits.leaseBytes), payload: try require(body, "body frame"))
        case "ack": return .ack(jobID: try text(header.id, "id", limit: Limits.idBytes))
        case "heartbeat": return .heartbeat
        case "cancel": return .cancel(jobID: try text(header.id, "id", limit: Limits.idBytes))
        case "drain": return .drain
        case "bye":
            return .bye(reason: try text(header.message ?? "", "message", limit: Limits.messageBytes), retry: header.retry ?? false)
        default:
            throw .unknownType(String(header.type.prefix(64)))
        }
    }
}

/// Why received frames are not a valid message.
public enum ProtocolError: Error, Equatable, CustomStringConvertible {
    case tooLarge(bytes: Int, limit: Int)
    case frameCount(Int)
    case malformedHeader(String)
    case unsupportedVersion(Int)
    case unknownType(String)
    case missingField(type: String, field: String)
    /// A value outside what the protocol allows.
    case outOfRange(type: String, field: String, rule: String)

    public var description: String {
        switch self {
        case .tooLarge(let bytes, let limit): "message of \(bytes) bytes exceeds the limit of \(limit)"
        case .frameCount(let count): "message has \(count) frames; expected a header and at most one body"
        case .malformedHeader(let detail): "header is not valid JSON of the protocol: \(detail)"
        case .unsupportedVersion(let version):
            "protocol version \(version) is not supported; this build speaks version \(busProtocolVersion)"
        case .unknownType(let type): "unknown message type '\(type)'"
        case .missingField(let type, let field): "\(type) message lacks its \(field)"
        case .outOfRange(let type, let field, let rule): "\(type) message has a \(field) outside the protocol's bounds (\(rule))"
        }
    }
}
