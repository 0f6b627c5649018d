import Foundation
import GEBus
import GECore
import GETOML
import TOMLKit

/// Everything `ged` is configured with: the TOML file, then command-line
/// overrides.
public struct DaemonSettings: Sendable, Equatable {
    public var stateDirectory = "/var/lib/ged"
    public var seedDirectory = "/usr/share/ged/sota/ExquisiteNetV2"
    public var promptsDirectory = "/usr/share/ged/prompts"
    public var engine = EngineConfig()
    public var rngSeed: UInt64 = 1
    public var workEndpoint = "tcp://127.0.0.1:5555"
    public var controlEndpoint = "ipc:///run/ged/control.sock"
    public var eventsEndpoint = "ipc:///run/ged/events.sock"
    public var broker = BrokerConfig()
    /// Seconds an LLM job may take (all its retries) before it is taken
    /// back and handed to another worker.
    public var llmJobDeadline = 1800.0
    /// The daemon's CURVE key pair file; CURVE is on when set.
    public var serverKeys: String?
    /// Directory of authorized worker public keys (with CURVE).
    public var authorizedKeys: String?
    /// Directory of authorized operator (gectl) public keys, for a tcp:// control endpoint.
    public var operatorKeys: String?
    /// Whether the work endpoint may listen beyond loopback without CURVE.
    public var allowPlaintext = false
    /// Engine snapshot every this many inputs (bounds replay after a crash).
    public var snapshotEvery = 500
    /// `host:port` of the dashboard and `/metrics`; off when `nil`.
    public var httpListen: String?
    /// Whether a seed's fidelity rungs are used (see `EngineConfig.Fidelity`).
    public var multiFidelity = true
    /// The promotion ratio η of multi-fidelity evaluation.
    public var promotionEta = 3
    /// The preset a new run is created from (`ged --preset`), recorded with it.
    public var preset: String?

    public init() {}

    /// The keys the configuration file gave (the rest are defaults). On
    /// resume, only given keys are compared with the run's own settings.
    public var given: Set<String> = []

    /// Reads a configuration file over the defaults. Unknown keys and bad
    /// values are errors naming the key.
    public static func load(file: String) throws(ConfigError) -> DaemonSettings {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigError(key: file, message: "cannot read the configuration file")
        }
        var settings = DaemonSettings()
        try settings.apply(Setting.reader.parse(String(decoding: data, as: UTF8.self), source: file))
        return settings
    }

    /// Reads every known setting from a parsed file; refuses unknown keys.
    mutating func apply(_ root: TOMLTable) throws(ConfigError) {
        let reader = Setting.reader
        let sections = Dictionary(grouping: Setting.all, by: \.section)
        try reader.allowOnly(Set(sections.keys), in: root, prefix: "")
        var seen = Set<String>()
        for section in Setting.all.map(\.section) where seen.insert(section).inserted {
            let settings = sections[section] ?? []
            guard let table = try reader.table(root, section) else { continue }
            try reader.allowOnly(Set(settings.map(\.name)), in: table, prefix: section + ".")
            for setting in settings where try setting.read(from: table, into: &self) {
                given.insert(setting.key)
            }
        }
    }

    /// Checks what single settings cannot: how they go together.
    public func validate() throws(ConfigError) {
        try engine.validate()
        if controlEndpoint.hasPrefix("tcp://"), serverKeys == nil || operatorKeys == nil {
            throw ConfigError(
                key: "bus.control",
                message: "a tcp:// control endpoint lets anyone who reaches it steer the run, so it needs CURVE: set bus.server_keys and bus.operator_keys (a folder of gectl public keys, made with gectl --generate-keys), or use an ipc:// path")
        }
        if serverKeys == nil, !allowPlaintext, Self.isBeyondLoopback(workEndpoint) {
            throw ConfigError(
                key: "bus.work",
                message: "\(workEndpoint) accepts workers from the network without CURVE, so anyone who reaches it can send results: turn CURVE on (bus.server_keys, bus.authorized_keys; ged --generate-keys), bind 127.0.0.1, or set bus.allow_plaintext = true on a network you trust")
        }
        if let listen = httpListen, Self.hostAndPort(listen) == nil {
            throw ConfigError(key: "http.listen", message: "must be host:port with a port 1…65535, e.g. 127.0.0.1:8080; got \"\(listen)\"")
        }
        if serverKeys != nil, authorizedKeys == nil {
            throw ConfigError(key: "bus.authorized_keys", message: "CURVE is on (bus.server_keys): name the directory of authorized worker keys")
        }
    }

    /// The host and port of a `host:port` address, if it is one.
    public static func hostAndPort(_ address: String) -> (host: String, port: Int)? {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
              (1...65535).contains(port), colon > address.startIndex
        else { return nil }
        return (String(address[..<colon]), port)
    }

    /// Whether a tcp:// endpoint listens on more than the loopback interface.
    static func isBeyondLoopback(_ endpoint: String) -> Bool {
        guard endpoint.hasPrefix("tcp://") else { return false }
        let address = endpoint.dropFirst("tcp://".count)
        let host = address.lastIndex(of: ":").map { String(address[..<$0]) } ?? String(address)
        return !["127.0.0.1", "localhost", "[::1]", "::1", "lo"].contains(host) && !host.hasPrefix("127.")
    }
}
