import ArgumentParser
import Foundation
import GEBus

/// How a worker reaches the daemon: the options both workers share.
public struct WorkerConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The daemon's work endpoint.", valueName: "endpoint"))
    public var connect = "tcp://127.0.0.1:5555"

    @Option(help: "Name shown in `gectl workers` (default: <kind><index>@<host>).")
    public var name: String?

    @Option(help: ArgumentHelp(
        "The daemon's CURVE public key, or a file holding it; enables encryption and authentication.",
        valueName: "key-or-file"))
    public var serverKey: String?

    @Option(help: ArgumentHelp(
        "This worker's CURVE key pair file (required with --server-key). Create one with --generate-keys.",
        valueName: "file"))
    public var keys: String?

    @OptionGroup public var keyGeneration: KeyGenerationOptions

    public init() {}

    public func validate() throws {
        if serverKey != nil, keys == nil, keyGeneration.generateKeys == nil {
            throw ValidationError("--server-key needs --keys, this worker's key pair file")
        }
        if keys != nil, serverKey == nil {
            throw ValidationError("--keys needs --server-key, the daemon's public key")
        }
    }

    /// Handles `--generate-keys`; returns true when the command should exit.
    public func generateKeysIfAsked() throws -> Bool {
        try keyGeneration.generateIfAsked(role: "copy it into the daemon's bus.authorized_keys folder")
    }

    /// The worker configuration these options describe.
    public func workerConfig(kind: WorkerKind, defaultName: String, capabilities: WorkerCapabilities) throws -> WorkerConfig {
        let host = ProcessInfo.processInfo.hostName
        var curve: CurveClientKeys?
        if let serverKey, let keys {
            let serverPublicKey = FileManager.default.fileExists(atPath: serverKey)
                ? try CurveKeyFile.publicKey(at: serverKey) : serverKey
            curve = try CurveClientKeys(keys: CurveKeyPair.load(from: keys), serverPublicKey: serverPublicKey)
        }
        let hello = Hello(kind: kind, name: name ?? "\(defaultName)@\(host)", host: host, capabilities: capabilities)
        return WorkerConfig(endpoint: connect, hello: hello, curve: curve)
    }
}
