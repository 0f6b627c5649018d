/// When a setting may change (see `gectl config get`).
public enum SettingScope: String, Codable, Sendable {
    /// A property of the daemon process (paths, endpoints): may differ at every start.
    case daemon
    /// Fixed when a run is created; a resumed run keeps its own.
    case run
    /// Part of the run and safe to change while it runs; each change is recorded.
    case live
}

/// One setting as `gectl config get` lists it.
public struct SettingReport: Codable, Sendable, Equatable {
    /// The dotted key of ged.toml.
    public var key: String
    /// The value in force, as TOML writes it.
    public var value: String
    public var scope: SettingScope
    /// What values it takes.
    public var accepts: String
    public var help: String

    public init(key: String, value: String, scope: SettingScope, accepts: String, help: String) {
        self.key = key
        self.value = value
        self.scope = scope
        self.accepts = accepts
        self.help = help
    }
}
