import Foundation
import GECore
import GETOML
import TOMLKit

/// A seed: the model file to evolve and how to screen, train and score it,
/// read from the `seed.toml` of a seed folder.
///
///     [seed]
///     name = "tiny"
///     genome = "model.py"               # the file evolved
///     marker = "# --OPTION--"           # default
///     required_symbols = ["Net"]        # names every variant must keep
///     input_shape = [3, 224, 224]       # optional: one input as training feeds it,
///                                       # {input_shape} ("3,224,224") in every command
///
///     [screen]                          # quick check before training
///     command = "python3 screen.py --output {output}"
///     timeout = 120                     # seconds
///
///     [train]
///     command = "python3 train.py --data {data} --device {device} --epochs {epochs} --output {output}"
///     timeout = 3600
///     epochs = 10
///     rungs = [1, 3, 10]                # optional: multi-fidelity epochs, lowest first, last = epochs
///     data = "data"                     # relative to the seed folder, or absolute
///     result = "result.json"            # the file {output} names
///
///     # Placeholders: {output} {device} {epochs} {data} {input_shape}, and {seed_dir},
///     # the seed folder on the worker (for helpers shared between seeds).
///
///     [[objectives]]
///     name = "accuracy"
///     key = "test_accuracy"             # key in the result file
///     direction = "maximize"            # or "minimize"
///     from = "result"                   # self-reported by the job; or "screen": the trusted
///                                       # screen step; or "grading": graded by the worker
///
///     [grading]                         # optional: held-out grading the job cannot forge
///     command = "python3 predict.py --output {output}"   # after training, sandboxed
///     timeout = 120
///     predictions = "predictions.json"  # the file {output} names: a JSON list, one per label
///     labels = "grading/test_labels.json"  # the worker's; its folder is hidden from every job
///     metric = "accuracy"               # objectives take it with key = "accuracy", from = "grading"
///
///     [limits]                          # per job; all optional (worker flags may lower them)
///     memory_mb = 8192                  # address space of CPU jobs
///     processes = 512                   # processes and threads
///     disk_mb = 4096                    # the job folder, checked while it runs
///     tmp_mb = 1024                     # the private /tmp and /dev/shm, each
///
///     [seed] may also name `environment = ["VAR", ...]`: variables of the
///     worker's environment the job receives (nothing else is passed).
public struct SeedManifest: Sendable, Equatable {
    public struct Command: Sendable, Equatable {
        /// A shell command with `{placeholders}`.
        public var template: String
        /// Hard wall-clock limit in seconds.
        public var timeout: Double
    }

    public struct Objective: Sendable, Equatable {
        public var name: String
        /// The key of the value in the result file (or the screen's, or the
        /// grading metric).
        public var key: String
        public var maximize: Bool
        public var source: ObjectiveSource = .result

        /// The key of the value among a training run's metrics.
        public var metricKey: String {
            switch source {
            case .result: key
            case .screen: "screen." + key
            case .grading: "graded." + key
            }
        }
    }

    /// Held-out grading: after training, a sandboxed command writes its
    /// predictions for test inputs; the worker scores them against labels
    /// that never enter a sandbox.
    public struct Grading: Sendable, Equatable {
        /// How predictions are scored.
        public enum Metric: String, Sendable, Equatable, CaseIterable {
            /// The fraction of predictions equal to their label.
            case accuracy
        }

        public var command: Command
        /// The file the command writes (`{output}`): a JSON list with one
        /// prediction per label, in order.
        public var predictions: String
        /// The labels file: a JSON list of integers or strings; relative to
        /// the seed folder, or absolute. Its folder is hidden from jobs.
        public var labels: String
        public var metric: Metric
    }

    /// Per-job resource limits the seed asks for; `nil`: the worker's default.
    public struct Limits: Sendable, Equatable {
        public var memoryMB: Int?
        public var processes: Int?
        public var diskMB: Int?
        public var tmpMB: Int?
    }

    public var name: String
    /// The seed folder (absolute).
    public var directory: URL
    public var genomeFile: String
    public var marker: String
    public var requiredSymbols: [String]
    /// One input as training feeds it (e.g. `[3, 224, 224]`), declared once
    /// so that the screen builds the model at the size training uses.
    public var inputShape: [Int]?
    public var screen: Command
    public var train: Command
    public var epochs: Int
    /// Fidelity rungs, in epochs, lowest first (`train.rungs`): with
    /// multi-fidelity evaluation a child trains at the first, and the top
    /// 1/η of each rung go on to the next. `nil`: one fidelity, `epochs`.
    public var rungs: [Int]?
    /// The data path handed to `{data}`, if the seed uses one.
    public var data: String?
    /// The file the train command writes its result to.
    public var resultFile: String
    public var objectives: [Objective]
    public var limits = Limits()
    /// Held-out grading, for seeds that opt in.
    public var grading: Grading?
    /// Names of worker environment variables the job receives.
    public var environment: [String] = []
    /// The text of `seed.toml` itself, so a run can keep the manifest it was
    /// created with.
    public var text = ""

    /// Objective directions as weights (+1 maximize, −1 minimize).
    public var weights: [Double] { objectives.map { $0.maximize ? 1 : -1 } }

    /// The values of the placeholders of the seed's commands, for a job
    /// writing `output` on `device` for `epochs` epochs.
    public func placeholderValues(output: String, device: String, epochs: Int) -> [String: String] {
        [
            "output": output, "device": device, "epochs": String(epochs),
            "data": data.map { $0.hasPrefix("/") ? $0 : directory.path + "/" + $0 } ?? "",
            "seed_dir": directory.path,
            "input_shape": inputShape?.map(String.init).joined(separator: ",") ?? "",
        ]
    }

    /// The labels file of the grading step, absolute.
    public var labelsPath: String? {
        grading.map { $0.labels.hasPrefix("/") ? $0.labels : directory.appendingPathComponent($0.labels).path }
    }

    /// The folder that holds the grading labels: never copied into a job
    /// folder and hidden in every sandbox.
    public var gradingFolder: String? {
        labelsPath.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
    }

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
        return try parse(String(decoding: data, as: UTF8.self), directory: folder)
    }

    /// Parses the text of a `seed.toml` that belongs to the seed folder
    /// `directory`. With `checkFiles`, the genome file must exist there.
    public static func parse(_ text: String, directory: URL, checkFiles: Bool = true) throws(SeedManifestError) -> SeedManifest {
        let file = directory.appendingPathComponent("seed.toml").path
        let reader = ManifestReader(file: file, folder: directory, checkFiles: checkFiles)
        var manifest = try reader.read(reader.toml.parse(text, source: file))
        manifest.text = text
        return manifest
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
    let checkFiles: Bool

    var toml: TOMLReader<SeedManifestError> {
        let file = self.file
        return TOMLReader { key, message in
            SeedManifestError(file: file, key: key == file ? nil : key, message: message)
        }
    }

    func fail(_ key: String?, _ message: String) -> SeedManifestError {
        SeedManifestError(file: file, key: key, message: message)
    }

    /// `[seed] input_shape`: positive dimensions, if given.
    func inputShape(_ seed: TOMLTable) throws(SeedManifestError) -> [Int]? {
        guard let values = seed["input_shape"] else { return nil }
        guard let array = values.array, !array.isEmpty,
            case let dimensions = array.compactMap(\.int), dimensions.count == array.count,
            dimensions.allSatisfy({ (1...1_000_000).contains($0) })
        else {
            throw fail("seed.input_shape", "must be a list of positive integers (one input, without the batch), e.g. [3, 224, 224]")
        }
        return dimensions
    }

    func rungs(_ train: TOMLTable) throws(SeedManifestError) -> [Int]? {
        guard let values = train["rungs"] else { return nil }
        guard let array = values.array, case let rungs = array.compactMap(\.int), rungs.count == array.count,
            (2...EngineConfig.maxRungs).contains(rungs.count), rungs.allSatisfy({ (1...1_000_000).contains($0) }),
            zip(rungs, rungs.dropFirst()).allSatisfy({ $0 < $1 })
        else {
            throw fail("train.rungs", "must list 2 to \(EngineConfig.maxRungs) increasing epoch counts, lowest first, e.g. [1, 4, 12]")
        }
        return rungs
    }

    func read(_ root: TOMLTable) throws(SeedManifestError) -> SeedManifest {
        try toml.allowOnly(["seed", "screen", "train", "grading", "objectives", "limits"], in: root, prefix: "")
        let seed = try table(root, "seed")
        let screen = try table(root, "screen")
        let train = try table(root, "train")
        try toml.allowOnly(["name", "genome", "marker", "required_symbols", "environment", "input_shape"], in: seed, prefix: "seed.")
        try toml.allowOnly(["command", "timeout"], in: screen, prefix: "screen.")
        try toml.allowOnly(["command", "timeout", "epochs", "rungs", "data", "result"], in: train, prefix: "train.")
        let genome = try required(toml.string(seed, "genome", prefix: "seed."), "seed.genome")
        if checkFiles, !FileManager.default.fileExists(atPath: folder.appendingPathComponent(genome).path) {
            throw fail("seed.genome", "the file \(genome) is not in \(folder.path)")
        }
        let epochs = try toml.int(train, "epochs", prefix: "train.") ?? 1
        guard epochs >= 1 else { throw fail("train.epochs", "must be at least 1, got \(epochs)") }
        guard let objectives = root["objectives"]?.array, !objectives.isEmpty else {
            throw fail("objectives", "add at least one [[objectives]] table with name, key and direction")
        }
        var manifest = SeedManifest(
            name: try toml.string(seed, "name", prefix: "seed.") ?? folder.lastPathComponent,
            directory: folder, genomeFile: genome,
            marker: try toml.string(seed, "marker", prefix: "seed.") ?? Genome.defaultMarker,
            requiredSymbols: try toml.strings(seed, "required_symbols", prefix: "seed.") ?? [],
            screen: try command(screen, "screen."), train: try command(train, "train."), epochs: epochs,
            data: try toml.string(train, "data", prefix: "train."),
            resultFile: try toml.string(train, "result", prefix: "train.") ?? "result.json",
            objectives: try objectives.enumerated().map { (index, value) throws(SeedManifestError) in
                try objective(value, key: "objectives[\(index)]")
            })
        manifest.environment = try toml.strings(seed, "environment", prefix: "seed.") ?? []
        manifest.inputShape = try inputShape(seed)
        manifest.rungs = try rungs(train)
        if let top = manifest.rungs?.last, top != epochs {
            throw fail("train.rungs", "the last rung is full fidelity and must equal train.epochs (\(epochs)), got \(top)")
        }
        if let grading = try toml.table(root, "grading") {
            manifest.grading = try self.grading(grading)
        }
        let commands = [("screen", manifest.screen), ("train", manifest.train)] + (manifest.grading.map { [("grading", $0.command)] } ?? [])
        if manifest.inputShape == nil, let (section, _) = commands.first(where: { $0.1.template.contains("{input_shape}") }) {
            throw fail("seed.input_shape", "\(section).command uses {input_shape}: declare it, e.g. input_shape = [3, 224, 224]")
        }
        for (index, objective) in manifest.objectives.enumerated() where objective.source == .grading {
            let key = "objectives[\(index)]"
            guard let grading = manifest.grading else {
                throw fail(key + ".from", "\"grading\" needs a [grading] table with command, predictions, labels and metric")
            }
            guard objective.key == grading.metric.rawValue else {
                throw fail(key + ".key", "must be \"\(grading.metric.rawValue)\", the grading metric, got \"\(objective.key)\"")
            }
        }
        if let limits = try toml.table(root, "limits") {
            try toml.allowOnly(["memory_mb", "processes", "disk_mb", "tmp_mb"], in: limits, prefix: "limits.")
            func positive(_ key: String) throws(SeedManifestError) -> Int? {
                guard let value = try toml.int(limits, key, prefix: "limits.") else { return nil }
                guard (1...1 << 40).contains(value) else { throw fail("limits." + key, "must be a positive integer, got \(value)") }
                return value
            }
            manifest.limits = SeedManifest.Limits(
                memoryMB: try positive("memory_mb"), processes: try positive("processes"), diskMB: try positive("disk_mb"),
                tmpMB: try positive("tmp_mb"))
        }
        return manifest
    }

    func objective(_ value: any TOMLValueConvertible, key: String) throws(SeedManifestError) -> SeedManifest.Objective {
        guard let table = value.table else { throw fail(key, "must be a table with name, key and direction") }
        let prefix = key + "."
        try toml.allowOnly(["name", "key", "direction", "from"], in: table, prefix: prefix)
        let from = try toml.string(table, "from", prefix: prefix) ?? "result"
        guard let source = ObjectiveSource(rawValue: from) else {
            throw fail(prefix + "from", "must be \"result\", \"screen\" or \"grading\", got \"\(from)\"")
        }
        let direction = try required(toml.string(table, "direction", prefix: prefix), prefix + "direction")
        guard ["maximize", "minimize"].contains(direction) else {
            throw fail(prefix + "direction", "must be \"maximize\" or \"minimize\", got \"\(direction)\"")
        }
        return SeedManifest.Objective(
            name: try required(toml.string(table, "name", prefix: prefix), prefix + "name"),
            key: try required(toml.string(table, "key", prefix: prefix), prefix + "key"),
            maximize: direction == "maximize", source: source)
    }

    func grading(_ table: TOMLTable) throws(SeedManifestError) -> SeedManifest.Grading {
        let prefix = "grading."
        try toml.allowOnly(["command", "timeout", "predictions", "labels", "metric"], in: table, prefix: prefix)
        let labels = try required(toml.string(table, "labels", prefix: prefix), prefix + "labels")
        let parts = labels.split(separator: "/")
        // The labels' folder is hidden from jobs: it must be a folder of
        // their own, not the seed folder (which jobs need) or one above.
        guard !parts.contains(".."), labels.hasPrefix("/") || parts.count >= 2 else {
            throw fail(prefix + "labels", "must lie in a folder of its own inside the seed folder (e.g. \"grading/test_labels.json\") or be an absolute path, got \"\(labels)\"")
        }
        let metric = try toml.string(table, "metric", prefix: prefix) ?? SeedManifest.Grading.Metric.accuracy.rawValue
        guard let known = SeedManifest.Grading.Metric(rawValue: metric) else {
            let names = SeedManifest.Grading.Metric.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw fail(prefix + "metric", "must be one of \(names), got \"\(metric)\"")
        }
        return SeedManifest.Grading(
            command: try command(table, prefix),
            predictions: try toml.string(table, "predictions", prefix: prefix) ?? "predictions.json",
            labels: labels, metric: known)
    }

    func command(_ table: TOMLTable, _ prefix: String) throws(SeedManifestError) -> SeedManifest.Command {
        let timeout = try required(toml.double(table, "timeout", prefix: prefix), prefix + "timeout")
        guard timeout > 0, timeout.isFinite else { throw fail(prefix + "timeout", "must be a positive number of seconds") }
        return SeedManifest.Command(
            template: try required(toml.string(table, "command", prefix: prefix), prefix + "command"), timeout: timeout)
    }

    func table(_ root: TOMLTable, _ key: String) throws(SeedManifestError) -> TOMLTable {
        try required(toml.table(root, key), key, message: "missing table [\(key)]")
    }

    func required<T>(_ value: T?, _ key: String, message: String = "missing") throws(SeedManifestError) -> T {
        guard let value else { throw fail(key, message) }
        return value
    }
}
