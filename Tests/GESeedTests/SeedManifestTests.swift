import Foundation
import GESeed
import Testing

@Suite struct SeedManifestTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString)")

    func write(_ manifest: String, genome: Bool = true) throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try manifest.write(to: directory.appendingPathComponent("seed.toml"), atomically: true, encoding: .utf8)
        if genome { try "x = 1\n# --OPTION--\ny = 2\n".write(to: directory.appendingPathComponent("model.py"), atomically: true, encoding: .utf8) }
        return directory.path
    }

    static let valid = """
        [seed]
        name = "demo"
        genome = "model.py"
        required_symbols = ["Net"]
        [screen]
        command = "python3 screen.py --output {output}"
        timeout = 60
        [train]
        command = "python3 train.py --output {output}"
        timeout = 600.5
        epochs = 3
        data = "/data/cifar"
        [[objectives]]
        name = "accuracy"
        key = "test_accuracy"
        direction = "maximize"
        [[objectives]]
        name = "parameters"
        key = "parameters"
        direction = "minimize"
        """

    @Test func readsAValidManifest() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = try SeedManifest.load(directory: write(Self.valid))
        #expect(manifest.name == "demo" && manifest.genomeFile == "model.py" && manifest.marker == "# --OPTION--")
        #expect(manifest.requiredSymbols == ["Net"])
        #expect(manifest.screen.timeout == 60 && manifest.train.timeout == 600.5 && manifest.epochs == 3)
        #expect(manifest.data == "/data/cifar" && manifest.resultFile == "result.json")
        #expect(manifest.objectives.map(\.key) == ["test_accuracy", "parameters"])
        #expect(manifest.weights == [1, -1])
        #expect(try manifest.genomeSource().hasPrefix("x = 1"))
        #expect(manifest.rungs == nil)
        let laddered = try SeedManifest.load(directory: write(Self.valid.replacingOccurrences(of: "epochs = 3", with: "epochs = 3\nrungs = [1, 2, 3]")))
        #expect(laddered.rungs == [1, 2, 3])
    }

    @Test(arguments: [
        ("timeout = 60", "timeout = -1", "screen.timeout: must be a positive number of seconds"),
        ("direction = \"maximize\"", "direction = \"up\"", "objectives[0].direction: must be \"maximize\" or \"minimize\", got \"up\""),
        ("epochs = 3", "epochs = 3\ncolour = \"red\"", "train.colour: unknown key"),
        ("genome = \"model.py\"", "genome = \"other.py\"", "seed.genome: the file other.py is not in"),
        ("epochs = 3", "epochs = \"three\"", "train.epochs: must be an integer"),
        ("command = \"python3 screen.py --output {output}\"\n", "", "screen.command: missing"),
        ("[seed]", "[sed]", "sed: unknown key"),
        ("timeout = 60", "timeout = 60\n[broken", "not valid TOML (line"),
        ("epochs = 3", "epochs = 3\nrungs = [3]", "train.rungs: must list 2 to 8 increasing epoch counts"),
        ("epochs = 3", "epochs = 3\nrungs = [2, 1, 3]", "train.rungs: must list 2 to 8 increasing epoch counts"),
        ("epochs = 3", "epochs = 3\nrungs = [0, 3]", "train.rungs: must list 2 to 8 increasing epoch counts"),
        ("epochs = 3", "epochs = 3\nrungs = [1, \"3\"]", "train.rungs: must list 2 to 8 increasing epoch counts"),
        ("epochs = 3", "epochs = 3\nrungs = [1, 9223372036854775807]", "train.rungs: must list 2 to 8"),
        ("epochs = 3", "epochs = 3\nrungs = [1, 2]", "train.rungs: the last rung is full fidelity and must equal train.epochs (3), got 2"),
    ])
    func badManifestsNameTheKey(original: String, replacement: String, message: String) throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = Self.valid.replacingOccurrences(of: original, with: replacement)
        let error = #expect(throws: SeedManifestError.self) { try SeedManifest.load(directory: write(text)) }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix(directory.path) == true)
    }

    static let graded = valid.replacingOccurrences(of: "key = \"test_accuracy\"", with: "key = \"accuracy\"\nfrom = \"grading\"")
        + """

        [grading]
        command = "python3 predict.py --output {output}"
        timeout = 30
        labels = "grading/labels.json"
        """

    func writeGraded(_ text: String = graded) throws -> String {
        let folder = try write(text)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("grading"), withIntermediateDirectories: true)
        try "[1, 2]".write(to: directory.appendingPathComponent("grading/labels.json"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func readsHeldOutGrading() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let manifest = try SeedManifest.load(directory: writeGraded())
        #expect(manifest.grading?.predictions == "predictions.json" && manifest.grading?.metric == .accuracy)
        #expect(manifest.grading?.command.timeout == 30)
        #expect(manifest.objectives.map(\.source) == [.grading, .result])
        #expect(manifest.objectives.map(\.metricKey) == ["graded.accuracy", "parameters"])
        #expect(manifest.labelsPath == directory.standardizedFileURL.path + "/grading/labels.json")
        #expect(manifest.gradingFolder == directory.standardizedFileURL.path + "/grading")
    }

    @Test(arguments: [
        ("labels = \"grading/labels.json\"", "labels = \"labels.json\"", "grading.labels: must lie in a folder of its own"),
        ("labels = \"grading/labels.json\"", "labels = \"grading/../seed.toml\"", "grading.labels: must lie in a folder of its own"),
        ("labels = \"grading/labels.json\"", "labels = \"grading/labels.json\"\nmetric = \"f1\"", "grading.metric: must be one of \"accuracy\", got \"f1\""),
        ("key = \"accuracy\"", "key = \"top5\"", "objectives[0].key: must be \"accuracy\", the grading metric, got \"top5\""),
        ("from = \"grading\"", "from = \"oracle\"", "objectives[0].from: must be \"result\", \"screen\" or \"grading\", got \"oracle\""),
        ("[grading]", "[grading]\nsecret = 1", "grading.secret: unknown key"),
    ])
    func badGradingNamesTheKey(original: String, replacement: String, message: String) throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = #expect(throws: SeedManifestError.self) {
            try SeedManifest.load(directory: writeGraded(Self.graded.replacingOccurrences(of: original, with: replacement)))
        }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test func theInputShapeIsDeclaredOnceAndFillsEveryCommand() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = Self.valid
            .replacingOccurrences(of: "required_symbols = [\"Net\"]", with: "required_symbols = [\"Net\"]\ninput_shape = [3, 224, 224]")
            .replacingOccurrences(of: "screen.py --output", with: "screen.py --input 2,{input_shape} --output")
        let manifest = try SeedManifest.load(directory: write(text))
        #expect(manifest.inputShape == [3, 224, 224])
        let values = manifest.placeholderValues(output: "out.json", device: "cuda:1", epochs: 7)
        #expect(values["input_shape"] == "3,224,224" && values["epochs"] == "7" && values["data"] == "/data/cifar")
    }

    @Test(arguments: [
        ("input_shape = [3, 0, 224]", "seed.input_shape: must be a list of positive integers"),
        ("input_shape = \"3x224x224\"", "seed.input_shape: must be a list of positive integers"),
        ("input_shape = []", "seed.input_shape: must be a list of positive integers"),
        ("input_shape = [3, 99999999999]", "seed.input_shape: must be a list of positive integers"),
        ("", "seed.input_shape: screen.command uses {input_shape}: declare it"),
    ])
    func aBadOrMissingInputShapeNamesTheKey(declaration: String, message: String) throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = Self.valid
            .replacingOccurrences(of: "required_symbols = [\"Net\"]", with: "required_symbols = [\"Net\"]\n" + declaration)
            .replacingOccurrences(of: "screen.py --output", with: "screen.py --input 2,{input_shape} --output")
        let error = #expect(throws: SeedManifestError.self) { try SeedManifest.load(directory: write(text)) }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test func gradedObjectivesNeedAGradingTable() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = Self.graded.components(separatedBy: "[grading]").first!
        let error = #expect(throws: SeedManifestError.self) { try SeedManifest.load(directory: write(text)) }
        #expect(error?.description.contains("objectives[0].from: \"grading\" needs a [grading] table") == true, "\(String(describing: error))")
    }

    @Test func aFolderWithoutManifestIsAClearError() {
        #expect(throws: SeedManifestError.self) { try SeedManifest.load(directory: "/nonexistent/seed") }
    }
}
