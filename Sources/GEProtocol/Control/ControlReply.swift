import Foundation

/// The daemon's reply: `body` is the command's JSON, or `error` one line.
public struct ControlReply: Codable, Sendable, Equatable {
    public var ok: Bool
    public var error: String?
    public var body: Data?

    public static func success<T: Encodable>(_ value: T) -> ControlReply {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return ControlReply(ok: true, error: nil, body: try encoder.encode(value))
        } catch {
            return .failure("cannot encode the reply: \(error)")
        }
    }

    public static func failure(_ message: String) -> ControlReply {
        ControlReply(ok: false, error: message, body: nil)
    }
}
