import Foundation
import GECore
import GESeed
import Testing

extension ProcessSuites {
    @Suite(.serialized) struct SeedFolderTests {
        static let sota = LocalRun.repository.appendingPathComponent("sota").path

        /// Whether PyTorch (and scikit-learn, for the CPU seed) can be imported.
        static let torchAvailable: Bool = {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", "import torch, sklearn"]
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return false }
            process.waitUntilExit()
            return process.terminationStatus == 0
        }()

        @Test(arguments: [
            ("ExquisiteNetV2", ["FCT", "EVE", "ME", "SE", "SE_LN", "DFSEBV2", "DW", "ExquisiteNetV2", "get_optimizer"]),
            ("DigitsCNN", ["ConvBlock", "Head", "DigitsNet", "get_optimizer"]),
        ])
        func seedsSplitIntoOneSegmentPerBlockWithNotes(seed: String, blocks: [String]) throws {
            let manifest = try SeedManifest.load(directory: Self.sota + "/" + seed)
            let genome = Genome(source: try manifest.genomeSource(), marker: manifest.marker)
            #expect(genome.source == (try manifest.genomeSource()))
            #expect(genome.mutableSegmentIndices.map { CodeExtractor.definedNames(in: genome.code(ofSegment: $0)) } == blocks.map { [$0] })
            #expect(genome.mutableSegmentIndices.allSatisfy { genome.note(ofSegment: $0) != nil })
            #expect(manifest.weights == [1, -1])
            #expect(manifest.requiredSymbols.allSatisfy(blocks.contains))
        }

        @Test(.enabled(if: torchAvailable, "PyTorch or scikit-learn is not installed (pip install torch==2.13.0+cpu scikit-learn): seed screens and training are not tested"))
        func gectlSeedCheckScreensBothSeeds() throws {
            let exquisite = try ProcessRunner.run("gectl", ["seed", "check", Self.sota + "/ExquisiteNetV2"])
            #expect(exquisite.status == 0, "\(exquisite.stderr)")
            #expect(exquisite.stdout.contains("screen passed: 518230 parameters"), "the paper's 0.518230M parameters")
            let digits = try ProcessRunner.run("gectl", ["seed", "check", Self.sota + "/DigitsCNN"])
            #expect(digits.status == 0 && digits.stdout.contains("screen passed: 24058 parameters"), "\(digits.stderr)")
        }

        @Test(.enabled(if: torchAvailable, "PyTorch or scikit-learn is not installed (pip install torch==2.13.0+cpu scikit-learn): seed training is not tested"))
        func bothSeedsTrainAndWriteTheirResults() throws {
            let exquisite = try train(seed: "ExquisiteNetV2", arguments: ["--smoke", "--output", "result.json"])
            #expect(exquisite["parameters"] as? Int == 518_230)
            #expect(exquisite["epochs"] as? Int == 2)
            #expect((exquisite["test_accuracy"] as? Double).map { (0...1).contains($0) } == true)
            let digits = try train(seed: "DigitsCNN", arguments: ["--epochs", "12", "--output", "result.json"])
            #expect((digits["test_accuracy"] as? Double ?? 0) > 0.9, "\(digits)")
            #expect(digits["parameters"] as? Int == 24_058)
        }

        @Test func aSeedMissingARequiredSymbolIsRefused() throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString)")
            try FileManager.default.copyItem(atPath: Self.sota + "/DigitsCNN", toPath: folder.path)
            defer { try? FileManager.default.removeItem(at: folder) }
            let network = folder.appendingPathComponent("network.py")
            let text = try String(contentsOf: network, encoding: .utf8).replacingOccurrences(of: "def get_optimizer", with: "def make_optimizer")
            try text.write(to: network, atomically: true, encoding: .utf8)
            let result = try ProcessRunner.run("gectl", ["seed", "check", folder.path, "--no-screen"])
            #expect(result.status == 1)
            #expect(result.stderr == "gectl: required symbols not defined in network.py: get_optimizer\n")
        }

        /// Runs a seed's train.py in a copy of its folder and returns the result file.
        func train(seed: String, arguments: [String]) throws -> [String: Any] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("train-\(UUID().uuidString)")
            try FileManager.default.copyItem(atPath: Self.sota + "/" + seed, toPath: folder.path)
            defer { try? FileManager.default.removeItem(at: folder) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "train.py"] + arguments
            process.currentDirectoryURL = folder
            process.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw HarnessFailure(log: log) }
            let data = try Data(contentsOf: folder.appendingPathComponent("result.json"))
            return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        }
    }
}

struct HarnessFailure: Error, CustomStringConvertible {
    let log: String
    var description: String { "training failed:\n\(log)" }
}
