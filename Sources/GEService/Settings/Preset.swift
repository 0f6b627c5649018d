import Foundation
import GECore

/// A named set of evolution settings (`ged --preset paper`): a TOML file
/// with `[evolution]`, `[variation]` and `[prompts]` keys, applied under the
/// configuration file — defaults, then the preset, then ged.toml, then flags.
public struct Preset: Sendable, Equatable {
    /// The name the run records (the file's name without `.toml`).
    public let name: String
    public let path: String
    /// The settings the preset gives, over the defaults.
    let settings: DaemonSettings

    /// Reads the preset `reference`: a path (with a `/` or ending in
    /// `.toml`), or a name looked up as `NAME.toml` in `folders`.
    public init(_ reference: String, folders: [String]) throws(ConfigError) {
        let candidates = reference.contains("/") || reference.hasSuffix(".toml")
            ? [reference] : folders.map { "\($0)/\(reference).toml" }
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            let shipped = folders.flatMap { folder in
                ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                    .filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }
            }
            throw ConfigError(
                key: "--preset",
                message: "no preset \(reference): looked for \(candidates.joined(separator: " and "))"
                    + (shipped.isEmpty ? "" : "; known presets: \(Set(shipped).sorted().joined(separator: ", "))"))
        }
        let settings = try DaemonSettings.load(file: path)
        for key in settings.given.sorted() where Setting.named(key)?.scope == .daemon {
            throw ConfigError(
                key: key, message: "\(path) sets it, but a preset holds only evolution settings; put it in ged.toml")
        }
        self.name = (URL(fileURLWithPath: path).lastPathComponent as NSString).deletingPathExtension
        self.path = path
        self.settings = settings
    }

    /// The folders a preset name is looked up in: `presets/` beside the
    /// prompts folder (a checkout, or /usr/share/ged), then /usr/share/ged/presets.
    public static func folders(promptsDirectory: String) -> [String] {
        let beside = URL(fileURLWithPath: promptsDirectory).deletingLastPathComponent().appendingPathComponent("presets").path
        return beside == "/usr/share/ged/presets" ? [beside] : [beside, "/usr/share/ged/presets"]
    }

    /// `settings` with the preset's values for every key they do not give
    /// themselves; the preset's keys count as given.
    public func applied(under settings: DaemonSettings) throws(ConfigError) -> DaemonSettings {
        var result = settings
        for key in self.settings.given.sorted() where !settings.given.contains(key) {
            guard let setting = Setting.named(key) else { continue }
            try setting.set(setting.value(in: self.settings), in: &result)
            result.given.insert(key)
        }
        result.preset = name
        return result
    }
}
