import TOMLKit

/// Typed reads from a parsed TOML document, for `ged.toml` and `seed.toml`
/// alike: every error names the dotted key to fix, in the caller's error type.
public struct TOMLReader<Failure: Error>: Sendable {
    private let fail: @Sendable (_ key: String, _ message: String) -> Failure

    /// - Parameter fail: makes the caller's error from a dotted key and a message.
    public init(fail: @escaping @Sendable (_ key: String, _ message: String) -> Failure) {
        self.fail = fail
    }

    /// Parses TOML text; `source` names the file in errors.
    public func parse(_ text: String, source: String) throws(Failure) -> TOMLTable {
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw fail(source, "not valid TOML (line \(error.source.begin.line)): \(error.description)")
        } catch {
            throw fail(source, "not valid TOML: \(error)")
        }
    }

    /// The sub-table at `key` of `table`; `nil` when absent.
    public func table(_ table: TOMLTable, _ key: String, prefix: String = "") throws(Failure) -> TOMLTable? {
        guard let value = table[key] else { return nil }
        guard let found = value.table else { throw fail(prefix + key, "must be a table [\(prefix + key)]") }
        return found
    }

    /// Refuses keys of `table` that are not in `keys`, listing the known ones.
    public func allowOnly(_ keys: Set<String>, in table: TOMLTable, prefix: String) throws(Failure) {
        for key in table.keys.sorted() where !keys.contains(key) {
            throw fail(prefix + key, "unknown key; known here: " + keys.sorted().joined(separator: ", "))
        }
    }

    /// The value at `key` converted by `convert`; `nil` when absent, an
    /// error saying what was expected when present but of another type.
    public func read<T>(
        _ table: TOMLTable, _ key: String, prefix: String, expected: String,
        _ convert: (any TOMLValueConvertible) -> T?
    ) throws(Failure) -> T? {
        guard let value = table[key] else { return nil }
        guard let converted = convert(value) else { throw fail(prefix + key, "must be \(expected)") }
        return converted
    }

    public func string(_ table: TOMLTable, _ key: String, prefix: String) throws(Failure) -> String? {
        try read(table, key, prefix: prefix, expected: "a non-empty string") { $0.string.flatMap { $0.isEmpty ? nil : $0 } }
    }

    public func int(_ table: TOMLTable, _ key: String, prefix: String) throws(Failure) -> Int? {
        try read(table, key, prefix: prefix, expected: "an integer") { $0.int }
    }

    /// A number; integers are accepted where a real number is expected.
    public func double(_ table: TOMLTable, _ key: String, prefix: String) throws(Failure) -> Double? {
        try read(table, key, prefix: prefix, expected: "a number") { $0.double ?? $0.int.map(Double.init) }
    }

    public func bool(_ table: TOMLTable, _ key: String, prefix: String) throws(Failure) -> Bool? {
        try read(table, key, prefix: prefix, expected: "true or false") { $0.bool }
    }

    public func strings(_ table: TOMLTable, _ key: String, prefix: String) throws(Failure) -> [String]? {
        try read(table, key, prefix: prefix, expected: "an array of strings") { value in
            guard let array = value.array else { return nil }
            let strings = array.compactMap(\.string)
            return strings.count == array.count ? strings : nil
        }
    }

    /// `[low, high]` with low <= high.
    public func pair(_ table: TOMLTable, _ key: String, prefix: String) throws(Failure) -> (Double, Double)? {
        try read(table, key, prefix: prefix, expected: "[low, high] with low <= high") { value in
            let numbers = value.array?.compactMap { $0.double ?? $0.int.map(Double.init) } ?? []
            guard numbers.count == 2, numbers[0] <= numbers[1] else { return nil }
            return (numbers[0], numbers[1])
        }
    }
}
