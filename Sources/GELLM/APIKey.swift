import Foundation

/// An API key, read from the environment or a file (a systemd credential).
/// Its description never shows the key.
public struct APIKey: Sendable, CustomStringConvertible {
    let value: String

    public init(_ value: String) {
        self.value = value
    }

    /// Reads the key from the environment variable `name`.
    public static func fromEnvironment(_ name: String) throws(APIKeyError) -> APIKey {
        guard let value = ProcessInfo.processInfo.environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines),
            !value.isEmpty
        else { throw .missingVariable(name) }
        return APIKey(value)
    }

    /// Reads the key from a file; a relative path is looked up in systemd's
    /// `$CREDENTIALS_DIRECTORY` when set.
    public static func fromFile(_ path: String) throws(APIKeyError) -> APIKey {
        var resolved = path
        if !path.hasPrefix("/"), let directory = ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"] {
            resolved = directory + "/" + path
        }
        guard let data = FileManager.default.contents(atPath: resolved) else { throw .unreadableFile(resolved) }
        let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw .emptyFile(resolved) }
        return APIKey(value)
    }

    public var description: String { "APIKey(redacted)" }
}

/// A key that could not be read.
public enum APIKeyError: Error, Equatable, CustomStringConvertible {
    case missingVariable(String)
    case unreadableFile(String)
    case emptyFile(String)

    public var description: String {
        switch self {
        case .missingVariable(let name): "the environment variable \(name) holding the API key is not set"
        case .unreadableFile(let path): "cannot read the API key file \(path)"
        case .emptyFile(let path): "the API key file \(path) is empty"
        }
    }
}
