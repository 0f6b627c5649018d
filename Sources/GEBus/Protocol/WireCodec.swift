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

    public init(maximumMessageBytes: Int = 16 << 20) {
        self.maximumMessageBytes = maximumMessageBytes
    }

    struct Header: Codable {
        var v: Int
        var type: String
        var id: String?
        var kind: WorkerKind?
        var attempt: Int?
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
            body = job.payload
        case .progress(let id, let text):
            header.id = id
            header.message = text
        case .result(let id, let payload):
            header.id = id
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
        switch header.type {
        case "hello": return .hello(try require(header.hello, "hello"))
        case "welcome": return .welcome(try require(header.welcome, "welcome"))
        case "ready": return .ready(credit: try require(header.credit, "credit"))
        case "job":
            return .job(JobAssignment(
                id: try require(header.id, "id"), kind: try require(header.kind, "kind"),
                attempt: try require(header.attempt, "attempt"), payload: try require(body, "body frame")))
        case "progress":
            return .progress(jobID: try require(header.id, "id"), message: try require(header.message, "message"))
        case "result": return .result(jobID: try require(header.id, "id"), payload: try require(body, "body frame"))
        case "ack": return .ack(jobID: try require(header.id, "id"))
        case "heartbeat": return .heartbeat
        case "cancel": return .cancel(jobID: try require(header.id, "id"))
        case "drain": return .drain
        case "bye": return .bye(reason: header.message ?? "", retry: header.retry ?? false)
        default: throw .unknownType(header.type)
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

    public var description: String {
        switch self {
        case .tooLarge(let bytes, let limit): "message of \(bytes) bytes exceeds the limit of \(limit)"
        case .frameCount(let count): "message has \(count) frames; expected a header and at most one body"
        case .malformedHeader(let detail): "header is not valid JSON of the protocol: \(detail)"
        case .unsupportedVersion(let version):
            "protocol version \(version) is not supported; this build speaks version \(busProtocolVersion)"
        case .unknownType(let type): "unknown message type '\(type)'"
        case .missingField(let type, let field): "\(type) message lacks its \(field)"
        }
    }
}
