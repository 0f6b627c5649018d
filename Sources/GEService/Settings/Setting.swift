import GECore
import GEProtocol
import GETOML
import TOMLKit

/// One key of `ged.toml`: where its value goes in `DaemonSettings`, what it
/// accepts, when it may change, and a help line. The catalogue of these
/// (`Setting.all`) is the only place a key is spelled: TOML parsing,
/// `gectl config get/set`, validation errors and docs/CONFIGURATION.md all
/// come from it.
public struct Setting: Sendable {
    public typealias Scope = SettingScope

    /// The dotted TOML key, e.g. `evolution.evaluation_budget`.
    public let key: String
    public let scope: Scope
    /// What values it takes, e.g. `integer 1…10000000`.
    public let accepts: String
    public let help: String
    private let read: @Sendable (TOMLReader<ConfigError>, TOMLTable, inout DaemonSettings) throws(ConfigError) -> Bool
    private let show: @Sendable (DaemonSettings) -> String

    /// The section (`evolution`) and the name within it (`evaluation_budget`).
    public var section: String { String(key.prefix { $0 != "." }) }
    public var name: String { String(key.drop { $0 != "." }.dropFirst()) }

    /// Reads this setting from its section table into `settings`; returns
    /// whether the table gave it.
    func read(from table: TOMLTable, into settings: inout DaemonSettings) throws(ConfigError) -> Bool {
        try read(Self.reader, table, &settings)
    }

    /// Sets the value from text as `gectl config set` sends it: a TOML
    /// value (`0.5`, `[0.1, 0.3]`, `"steady"`); bare words are taken as strings.
    public func set(_ text: String, in settings: inout DaemonSettings) throws(ConfigError) {
        let document: TOMLTable
        do {
            document = try TOMLTable(string: "\(name) = \(text)")
        } catch {
            guard let table = try? TOMLTable(string: "\(name) = \(Self.literal(text))") else {
                throw ConfigError(key: key, message: "cannot read \(text) as a value; expected \(accepts)")
            }
            document = table
        }
        _ = try read(from: document, into: &settings)
    }

    /// `text` as a TOML string literal.
    public static func literal(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// The value in `settings`, as TOML would write it.
    public func value(in settings: DaemonSettings) -> String { show(settings) }

    static let reader = TOMLReader<ConfigError> { key, message in ConfigError(key: key, message: message) }

    // MARK: Kinds of setting

    private init(
        _ key: String, _ scope: Scope, accepts: String, help: String,
        read: @escaping @Sendable (TOMLReader<ConfigError>, TOMLTable, inout DaemonSettings) throws(ConfigError) -> Bool,
        show: @escaping @Sendable (DaemonSettings) -> String
    ) {
        self.key = key
        self.scope = scope
        self.accepts = accepts
        self.help = help
        self.read = read
        self.show = show
    }

    /// A setting whose TOML value is read by `read` and checked by `check`
    /// (which returns a message when the value is out of bounds).
    private static func value<T: Sendable>(
        _ key: String, _ path: WritableKeyPath<DaemonSettings, T> & Sendable, _ scope: Scope, accepts: String,
        help: String, show: @escaping @Sendable (T) -> String,
        read: @escaping @Sendable (TOMLReader<ConfigError>, TOMLTable, _ name: String, _ prefix: String) throws(ConfigError) -> T?,
        check: @escaping @Sendable (T) -> Bool = { _ in true }
    ) -> Setting {
        let name = String(key.drop { $0 != "." }.dropFirst())
        let prefix = String(key.prefix { $0 != "." }) + "."
        return Setting(key, scope, accepts: accepts, help: help, read: { reader, table, settings throws(ConfigError) in
            guard let value = try read(reader, table, name, prefix) else { return false }
            guard check(value) else { throw ConfigError(key: key, message: "must be \(accepts), got \(show(value))") }
            settings[keyPath: path] = value
            return true
        }, show: { show($0[keyPath: path]) })
    }

    static func int(
        _ key: String, _ path: WritableKeyPath<DaemonSettings, Int> & Sendable, _ bounds: ClosedRange<Int>,
        _ scope: Scope, _ help: String
    ) -> Setting {
        value(key, path, scope, accepts: "an integer \(bounds.lowerBound)…\(bounds.upperBound)", help: help,
                     show: { String($0) }, read: { reader, table, name, prefix throws(ConfigError) in
                         try reader.int(table, name, prefix: prefix)
                     }, check: bounds.contains)
    }

    static func double(
        _ key: String, _ path: WritableKeyPath<DaemonSettings, Double> & Sendable, _ bounds: ClosedRange<Double>,
        _ scope: Scope, _ help: String
    ) -> Setting {
        value(key, path, scope, accepts: "a number \(bounds.lowerBound)…\(bounds.upperBound)", help: help,
                     show: { String($0) }, read: { reader, table, name, prefix throws(ConfigError) in
                         try reader.double(table, name, prefix: prefix)
                     }, check: bounds.contains)
    }

    static func optionalInt(
        _ key: String, _ path: WritableKeyPath<DaemonSettings, Int?> & Sendable, _ bounds: ClosedRange<Int>,
        _ scope: Scope, _ help: String
    ) -> Setting {
        value(key, path, scope, accepts: "an integer \(bounds.lowerBound)…\(bounds.upperBound)", help: help,
              show: { $0.map(String.init) ?? "(not set)" }, read: { reader, table, name, prefix throws(ConfigError) -> Int?? in
                  try reader.int(table, name, prefix: prefix).map { .some($0) }
              }, check: { $0.map(bounds.contains) ?? true })
    }

    static func optionalDouble(
        _ key: String, _ path: WritableKeyPath<DaemonSettings, Double?> & Sendable, _ bounds: ClosedRange<Double>,
        _ scope: Scope, _ help: String
    ) -> Setting {
        value(key, path, scope, accepts: "a number \(bounds.lowerBound)…\(bounds.upperBound)", help: help,
              show: { $0.map { String($0) } ?? "(not set)" }, read: { reader, table, name, prefix throws(ConfigError) -> Double?? in
                  try reader.double(table, name, prefix: prefix).map { .some($0) }
              }, check: { $0.map(bounds.contains) ?? true })
    }

    /// A list of names; `nil` (not set) means every one.
    static func optionalNames(
        _ key: String, _ path: WritableKeyPath<DaemonSettings, [String]?> & Sendable, _ scope: Scope, _ help: String
    ) -> Setting {
        value(key, path, scope, accepts: "a non-empty list of names", help: help,
              show: { $0.map { "[" + $0.map(literal).joined(separator: ", ") + "]" } ?? "(all)" },
              read: { reader, table, name, prefix throws(ConfigError) -> [String]?? in
                  try reader.strings(table, name, prefix: prefix).map { .some($0) }
              }, check: { $0.map { !$0.isEmpty && !$0.contains(where: \.isEmpty) } ?? true })
    }

    static func bool(
        _ key: String, _ path: WritableKeyPath<DaemonSettings, Bool> & Sendable, _ scope: Scope, _ help: String
    ) -> Setting {
        value(key, path, scope, accepts: "true or false", help: help, show: { String($0) }) {
            reader, table, name, prefix throws(ConfigError) in try reader.bool(table, name, prefix: prefix)
        }
    }

    static func string(
        _ key: String, _ path: WritableKeyPath<DaemonSettings, String> & Sendable, _ scope: Scope, _ help: String
    ) -> Setting {
        value(key, path, scope, accepts: "a string", help: help, show: { literal($0) }) {
            reader, table, name, prefix throws(ConfigError) in try reader.string(table, name, prefix: prefix)
        }
    }

    static func optionalString(
        _ key: String, _ path: WritableKeyPath<DaemonSettings, String?> & Sendable, _ scope: Scope, _ help: String
    ) -> Setting {
        value(key, path, scope, accepts: "a string", help: help, show: { $0.map(literal) ?? "(not set)" }) {
            reader, table, name, prefix throws(ConfigError) -> String?? in
            try reader.string(table, name, prefix: prefix).map { .some($0) }
        }
    }

    static func choice<T: RawRepresentable & CaseIterable & Sendable>(
        _ key: String, _ path: WritableKeyPath<DaemonSettings, T> & Sendable, _ scope: Scope, _ help: String
    ) -> Setting where T.RawValue == String {
        let names = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
        return value(key, path, scope, accepts: names, help: help, show: { "\"\($0.rawValue)\"" }) {
            reader, table, name, prefix throws(ConfigError) in
            guard let text = try reader.string(table, name, prefix: prefix) else { return nil }
            guard let parsed = T(rawValue: text) else {
                throw ConfigError(key: key, message: "must be \(names), got \"\(text)\"")
            }
            return parsed
        }
    }

    static func doubleRange(
        _ key: String, _ path: WritableKeyPath<DaemonSettings, ClosedRange<Double>> & Sendable,
        _ bounds: ClosedRange<Double>, _ scope: Scope, _ help: String
    ) -> Setting {
        value(key, path, scope, accepts: "[low, high] within \(bounds.lowerBound)…\(bounds.upperBound)",
                     help: help, show: { "[\($0.lowerBound), \($0.upperBound)]" }, read: { reader, table, name, prefix throws(ConfigError) in
                         try reader.pair(table, name, prefix: prefix).map { $0.0...$0.1 }
                     }, check: { bounds.contains($0.lowerBound) && bounds.contains($0.upperBound) })
    }

    static func intRange(
        _ key: String, _ path: WritableKeyPath<DaemonSettings, ClosedRange<Int>> & Sendable,
        _ bounds: ClosedRange<Int>, _ scope: Scope, _ help: String
    ) -> Setting {
        value(key, path, scope, accepts: "[low, high] integers within \(bounds.lowerBound)…\(bounds.upperBound)",
                     help: help, show: { "[\($0.lowerBound), \($0.upperBound)]" }, read: { reader, table, name, prefix throws(ConfigError) in
                         guard let pair = try reader.pair(table, name, prefix: prefix) else { return nil }
                         guard pair.0.rounded() == pair.0, pair.1.rounded() == pair.1,
                             Double(bounds.lowerBound) <= pair.0, pair.1 <= Double(bounds.upperBound)
                         else {
                             throw ConfigError(key: key, message: "must be [low, high] integers within \(bounds.lowerBound)…\(bounds.upperBound)")
                         }
                         return Int(pair.0)...Int(pair.1)
                     })
    }

    /// The model list: an array of inline tables `{ name = "…", input_price
    /// = 0.15, output_price = 0.6 }` (prices per million tokens, optional).
    static func models(
        _ key: String, _ path: WritableKeyPath<DaemonSettings, [LLMModel]> & Sendable, _ scope: Scope, _ help: String
    ) -> Setting {
        let accepts = "an array of { name = \"…\", input_price = 0.0, output_price = 0.0 }"
        return value(key, path, scope, accepts: accepts, help: help, show: { models in
            "[" + models.map { "{ name = \(literal($0.name)), input_price = \($0.inputPrice), output_price = \($0.outputPrice) }" }
                .joined(separator: ", ") + "]"
        }, read: { reader, table, name, prefix throws(ConfigError) -> [LLMModel]? in
            guard let value = table[name] else { return nil }
            guard let array = value.array else { throw ConfigError(key: key, message: "must be \(accepts)") }
            var models: [LLMModel] = []
            for (index, element) in array.enumerated() {
                let entry = "\(key)[\(index)]"
                guard let model = element.table else { throw ConfigError(key: entry, message: "must be a table { name = \"…\" }") }
                try reader.allowOnly(["name", "input_price", "output_price"], in: model, prefix: entry + ".")
                guard let modelName = try reader.string(model, "name", prefix: entry + ".") else {
                    throw ConfigError(key: entry + ".name", message: "is required: the model's name as its LLM workers advertise it (ge-llm-worker --model)")
                }
                models.append(LLMModel(
                    name: modelName, inputPrice: try reader.double(model, "input_price", prefix: entry + ".") ?? 0,
                    outputPrice: try reader.double(model, "output_price", prefix: entry + ".") ?? 0))
            }
            var portfolio = ModelPortfolio()
            portfolio.models = models
            try portfolio.validate()
            return models
        })
    }

    /// A 64-bit seed: any TOML integer, its bits taken as they are.
    static func seed(
        _ key: String, _ path: WritableKeyPath<DaemonSettings, UInt64> & Sendable, _ scope: Scope, _ help: String
    ) -> Setting {
        value(key, path, scope, accepts: "an integer", help: help, show: { String(Int64(bitPattern: $0)) }) {
            reader, table, name, prefix throws(ConfigError) in
            try reader.int(table, name, prefix: prefix).map { UInt64(bitPattern: Int64($0)) }
        }
    }
}
