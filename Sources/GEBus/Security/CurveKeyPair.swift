import CZMQ
import Foundation

/// A CurveZMQ key pair, as Z85 text (40 characters per key).
public struct CurveKeyPair: Sendable, Equatable {
    public let publicKey: String
    public let secretKey: String

    public init(publicKey: String, secretKey: String) throws(CurveKeyError) {
        guard Self.isKey(publicKey), Self.isKey(secretKey) else { throw .malformedKey }
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// A fresh random key pair.
    public static func generate() throws(CurveKeyError) -> CurveKeyPair {
        var publicKey = [CChar](repeating: 0, count: 41)
        var secretKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_keypair(&publicKey, &secretKey) == 0 else { throw .curveUnavailable }
        return try CurveKeyPair(publicKey: publicKey.nulTerminatedString, secretKey: secretKey.nulTerminatedString)
    }

    /// Reads a key pair file written by `write(to:)`.
    public static func load(from path: String) throws(CurveKeyError) -> CurveKeyPair {
        let fields = try CurveKeyFile.fields(at: path)
        guard let publicKey = fields["public-key"], let secretKey = fields["secret-key"] else {
            throw .missingKey(path: path, field: fields["public-key"] == nil ? "public-key" : "secret-key")
        }
        do {
            return try CurveKeyPair(publicKey: publicKey, secretKey: secretKey)
        } catch {
            throw .malformedKeyFile(path: path)
        }
    }

    /// Writes the pair (readable by the owner only) and the public key
    /// beside it as `<path>.pub`, the file to copy into the daemon's
    /// authorized-keys directory.
    public func write(to path: String, overwrite: Bool = false) throws(CurveKeyError) {
        // A key that exists may be the one every worker trusts: replacing it
        // by accident would lock them all out.
        guard overwrite || !FileManager.default.fileExists(atPath: path) else { throw .exists(path: path) }
        let secret = "# CurveZMQ key pair; keep secret.\npublic-key = \"\(publicKey)\"\nsecret-key = \"\(secretKey)\"\n"
        let shared = "# CurveZMQ public key.\npublic-key = \"\(publicKey)\"\n"
        guard FileManager.default.createFile(
            atPath: path, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600]),
            FileManager.default.createFile(atPath: path + ".pub", contents: Data(shared.utf8))
        else { throw .unwritable(path: path) }
    }

    /// The public key's 32 bytes, as CURVE handshakes carry it.
    public var publicKeyBytes: Data {
        var binary = [UInt8](repeating: 0, count: 32)
        // `init` checked that the key decodes.
        _ = zmq_z85_decode(&binary, publicKey)
        return Data(binary)
    }

    static func isKey(_ text: String) -> Bool {
        guard text.utf8.count == 40 else { return false }
        var binary = [UInt8](repeating: 0, count: 32)
        return zmq_z85_decode(&binary, text) != nil
    }
}

/// Reading `key = "value"` files.
public enum CurveKeyFile {
    static func fields(at path: String) throws(CurveKeyError) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        var fields: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].hasPrefix("#") else { continue }
            fields[parts[0]] = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return fields
    }

    /// The public key of a `.pub` (or key pair) file.
    public static func publicKey(at path: String) throws(CurveKeyError) -> String {
        guard let key = try fields(at: path)["public-key"] else { throw .missingKey(path: path, field: "public-key") }
        guard CurveKeyPair.isKey(key) else { throw .malformedKeyFile(path: path) }
        return key
    }
}

/// A key or key file that cannot be used.
public enum CurveKeyError: Error, Equatable, CustomStringConvertible {
    case curveUnavailable
    case malformedKey
    case unreadable(path: String)
    case unwritable(path: String)
    case missingKey(path: String, field: String)
    case malformedKeyFile(path: String)
    case exists(path: String)

    public var description: String {
        switch self {
        case .curveUnavailable: "this libzmq was built without CURVE support"
        case .malformedKey: "a CURVE key must be 40 characters of Z85 text"
        case .unreadable(let path): "cannot read key file \(path)"
        case .unwritable(let path): "cannot write key file \(path)"
        case .missingKey(let path, let field): "key file \(path) has no \(field) line"
        case .malformedKeyFile(let path): "key file \(path) holds a key that is not 40 characters of Z85 text"
        case .exists(let path): "key file \(path) exists already; pass --force to replace it (everyone who trusts its key must then get the new one)"
        }
    }
}
