import Foundation
import GECore
import TOMLKit

/// A seed: the model file to evolve and how to screen, train and score it,
/// read from the `seed.toml` of a seed folder.
///
///     [seed]
///     name = "tiny"
///     genome = "model.py"               # the file evolved
///     marker = "# --OPTION--"           # default
///     required_symbols = ["Net"]        # names every variant must keep
///
///     [screen]                          # quick check before training
///     command = "python3 screen.py --output {output}"
///     timeout = 120                     # seconds
///
///     [train]
///     command = "python3 train.py --data {data} --device {device} --epochs {epochs} --output {output}"
///     timeout = 3600
///     epochs = 10
///     data = "data"                     # relative to the seed folder, or absolute
///     result = "result.json"            # the file {output} names
///
///     # Placeholders: {output} {device} {epochs} {data}, and {seed_dir}, the
///     # seed folder on the worker (for helpers shared between seeds).
///
///     [[objectives]]
///     name = "accuracy"
///     key = "test_accuracy"             # key in the result file
///     direction = "maximize"            # or "minimize"
public struct SeedManifest: Sendable, Equatable {
    public struct Command: Sendable, Equatable {
        /// A shell command with `{placeholders}`.
        public var template: String
        /// Hard wall-clock limit in seconds.
        public var timeout: Double
    }

    public struct Objective: Sendable, Equatable {
        public var name: String
        /// The key of the value in the result file.
        public var key: String
        public var maximize: Bool
    }

    public var name: String
    /// The seed folder (absolute).
    public var directory: URL
    public var genomeFile: String
    public var marker: String
    public var requiredSymbols: [String]
    public var screen: Command
    public var train: Command
    public var epochs: Int
    /// The data path handed to `{data}`, if the seed uses one.
    public var data: String?
    /// The file the train command writes its result to.
    public var resultFile: String
    public var objectives: [Objective]

    /// Objective directions as weights (+1 maximize, −1 minimize).
    public var weights: [Double] { objectives.map { $0.maximize ? 1 : -1 } }

    /// The seed's genome file text.
    public func genomeSource() throws(SeedManifestError) -> String {
        let path = directory.appendingPathComponent(genomeFile).path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SeedManifestError(file: manifestPath, key: "seed.genome", message: "cannot read \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    var manifestPath: String { directory.appendingPathComponent("seed.toml").path }

    /// Reads `<directory>/seed.toml`.
    public static func load(directory: String) throws(SeedManifestError) -> SeedManifest {
        let folder = URL(fileURLWithPath: directory).standardizedFileURL
        let file = folder.appendingPathComponent("seed.toml").path
        guard let data = FileManager.default.contents(atPath: file) else {
            throw SeedManifestError(file: file, key: nil, message: "no seed.toml in \(folder.path)")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: String(decoding: data, as: UTF8.self))
        } catch let error as TOMLParseError {
            throw SeedManifestError(
                file: file, key: nil, message: "not valid TOML (line \(error.source.begin.line)): \(error.description)")
        } catch {
            throw SeedManifestError(file: file, key: nil, message: "not valid TOML: \(error)")
        }
        return try ManifestReader(file: file, folder: folder).read(table)
    }
}

/// A manifest that cannot be used, naming the key to fix.
public struct SeedManifestError: Error, Equatable, CustomStringConvertible {
    public let file: String
    public let key: String?
    public let message: String

    public var description: String {
        "\(file): " + (key.map { "\($0): " } ?? "") + message
    }
}

/// Reads the TOML tables of a manifest, with errors naming the key.
struct ManifestReader {
    let file: String
    let folder: URL

    func fail(_ key: String?, _ message: String) -> SeedManifestError {
        SeedManifestError(file: file, key: key, message: message)
    }

    func read(_ root: TOMLTable) throws(SeedManifestError) -> SeedManifest {
        try allowOnly(["seed", "screen", "train", "objectives"], in: root, prefix: "")
        let seed = try table(root, "seed")
        let screen = try table(root, "screen")
        let train = try table(root, "train")
        try allowOnly(["name", "genome", "marker", "required_symbols"], in: seed, prefix: "seed.")
        try allowOnly(["command", "timeout"], in: screen, prefix: "screen.")
        try allowOnly(["command", "timeout", "epochs", "data", "result"], in: train, prefix: "train.")
        let genome = try string(seed, "genome", "seed.")
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(genome).path) else {
            throw fail("seed.genome", "the file \(genome) is not in \(folder.path)")
        }
        let epochs = try integer(train, "epochs", "train.", default: 1)
        guard epochs >= 1 else { throw fail("train.epochs", "must be at least 1, got \(epochs)") }
        guard let objectives = root["objectives"]?.array, !objectives.isEmpty else {
            throw fail("objectives", "add at least one [[objectives]] table with name, key and direction")
        }
        return SeedManifest(
            name: try string(seed, "name", "seed.", default: folder.lastPathComponent),
            directory: folder, genomeFile: genome,
            marker: try string(seed, "marker", "seed.", default: Genome.defaultMarker),
            requiredSymbols: try strings(seed, "required_symbols", "seed."),
            screen: try command(screen, "screen."), train: try command(train, "train."), epochs: epochs,
            data: try optionalString(train, "data", "train."),
            resultFile: try string(train, "result", "train.", default: "result.json"),
            objectives: try objectives.enumerated().map { (index, value) throws(SeedManifestError) in
                try objective(value, key: "objectives[\(index)]")
            })
    }

    func objective(_ value: any TOMLValueConvertible, key: String) throws(SeedManifestError) -> SeedManifest.Objective {
        guard let table = value.table else { throw fail(key, "must be a table with name, key and direction") }
        try allowOnly(["name", "key", "direction"], in: table, prefix: key + ".")
        let direction = try string(table, "direction", key + ".")
        guard ["maximize", "minimize"].contains(direction) else {
            throw fail(key + ".direction", "must be \"maximize\" or \"minimize\", got \"\(direction)\"")
        }
        return SeedManifest.Objective(
            name: try string(table, "name", key + "."), key: try string(table, "key", key + "."),
            maximize: direction == "maximize")
    }

    func command(_ table: TOMLTable, _ prefix: String) throws(SeedManifestError) -> SeedManifest.Command {
        let timeout = try number(table, "timeout", prefix)
        guard timeout > 0 else { throw fail(prefix + "timeout", "must be a positive number of seconds") }
        return SeedManifest.Command(template: try string(table, "command", prefix), timeout: timeout)
    }

    func table(_ root: TOMLTable, _ key: String) throws(SeedManifestError) -> TOMLTable {
        guard let value = root[key] else { throw fail(key, "missing table [\(key)]") }
        guard let table = value.table else { throw fail(key, "must be a table [\(key)]") }
        return table
    }

    func allowOnly(_ keys: Set<String>, in table: TOMLTable, prefix: String) throws(SeedManifestError) {
        for key in table.keys.sorted() where !keys.contains(key) {
            throw fail(prefix + key, "unknown key; known keys here: " + keys.sorted().joined(separator: ", "))
        }
    }

    func string(_ table: TOMLTable, _ key: String, _ prefix: String, default fallback: String? = nil)
        throws(SeedManifestError) -> String
    {
        guard let value = try optionalString(table, key, prefix) ?? fallback else {
            throw fail(prefix + key, "missing")
        }
        return value
    }

    func optionalString(_ table: TOMLTable, _ key: String, _ prefix: String) throws(SeedManifestError) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string, !text.isEmpty else { throw fail(prefix + key, "must be a non-empty string") }
        return text
    }

    func strings(_ table: TOMLTable, _ key: String, _ prefix: String) throws(SeedManifestError) -> [String] {
        guard let value = table[key] else { return [] }
        guard let array = value.array else { throw fail(prefix + key, "must be an array of strings") }
        var result: [String] = []
        for item in array {
            guard let text = item.string else { throw fail(prefix + key, "must be an array of strings") }
            result.append(text)
        }
        return result
    }

    func integer(_ table: TOMLTable, _ key: String, _ prefix: String, default fallback: Int) throws(SeedManifestError) -> Int {
        guard let value = table[key] else { return fallback }
        guard let number = value.int else { throw fail(prefix + key, "must be an integer") }
        return number
    }

    func number(_ table: TOMLTable, _ key: String, _ prefix: String) throws(SeedManifestError) -> Double {
        guard let value = table[key] else { throw fail(prefix + key, "missing") }
        if let number = value.int { return Double(number) }
        guard let number = value.double else { throw fail(prefix + key, "must be a number") }
        return number
    }
}
