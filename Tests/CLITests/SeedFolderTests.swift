import Foundation
import GECore
import GESeed
import Testing

extension ProcessSuites {
    @Suite(.serialized) struct SeedFolderTests {
        static let sota = LocalRun.repository.appendingPathComponent("sota").path

        /// Whether PyTorch can be imported.
        static let torchAvailable = imports("torch")
        /// Whether scikit-learn, the source of DigitsCNN's committed data, can be imported.
        static let scikitLearnAvailable = imports("torch, sklearn")

        static func imports(_ modules: String) -> Bool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", "import " + modules]
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return false }
            process.waitUntilExit()
            return process.terminationStatus == 0
        }

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

        @Test(.enabled(if: torchAvailable, "PyTorch is not installed (pip install torch==2.13.0+cpu): seed screens and training are not tested"))
        func gectlSeedCheckScreensBothSeeds() throws {
            let exquisite = try ProcessRunner.run("gectl", ["seed", "check", Self.sota + "/ExquisiteNetV2"])
            #expect(exquisite.status == 0, "\(exquisite.stderr)")
            #expect(exquisite.stdout.contains("screen passed: 518230 parameters"), "the paper's 0.518230M parameters")
            let digits = try ProcessRunner.run("gectl", ["seed", "check", Self.sota + "/DigitsCNN"])
            #expect(digits.status == 0 && digits.stdout.contains("screen passed: 24058 parameters"), "\(digits.stderr)")
        }

        @Test(.enabled(if: torchAvailable, "PyTorch is not installed (pip install torch==2.13.0+cpu): seed training is not tested"))
        func bothSeedsTrainAndPredictTheTestSet() throws {
            let exquisite = try train(seed: "ExquisiteNetV2", arguments: ["--smoke"])
            #expect(exquisite.result["parameters"] as? Int == 518_230)
            #expect(exquisite.result["epochs"] as? Int == 2)
            #expect(exquisite.result["test_accuracy"] == nil, "the test set is not the job's to score")
            #expect(exquisite.predictions.count == 32)
            let digits = try train(seed: "DigitsCNN", arguments: [])
            #expect(digits.result["parameters"] as? Int == 24_058)
            #expect(digits.result["test_accuracy"] == nil, "the test set is not the job's to score")
            let labels = try JSONDecoder().decode([Int].self, from: Data(contentsOf: URL(fileURLWithPath: Self.sota + "/DigitsCNN/grading/test_labels.json")))
            #expect(labels.count == 360 && digits.predictions.count == 360)
            let correct = zip(labels, digits.predictions).filter { $0 == $1 }.count
            #expect(Double(correct) / 360 > 0.9, "graded accuracy \(correct)/360")
        }

        @Test(.enabled(if: scikitLearnAvailable, "scikit-learn is not installed (pip install scikit-learn): DigitsCNN's data is not rebuilt"))
        func digitsDataIsWhatPrepareDataWrites() throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("digits-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            try FileManager.default.copyItem(atPath: Self.sota + "/DigitsCNN/prepare_data.py", toPath: folder.path + "/prepare_data.py")
            let result = try ProcessRunner.run("/usr/bin/env", ["python3", folder.path + "/prepare_data.py"])
            #expect(result.status == 0, "\(result.stderr)")
            for file in ["data/train.json", "data/test_inputs.json", "grading/test_labels.json"] {
                #expect(FileManager.default.contents(atPath: folder.path + "/" + file) == FileManager.default.contents(atPath: Self.sota + "/DigitsCNN/" + file), "\(file)")
            }
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

        /// Runs a seed's train.py, then its predict.py, in a copy of its
        /// folder (without the grading labels, as a job folder is) and returns
        /// the result file and the predictions.
        func train(seed: String, arguments: [String]) throws -> (result: [String: Any], predictions: [Int]) {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("train-\(UUID().uuidString)")
            try FileManager.default.copyItem(atPath: Self.sota + "/" + seed, toPath: folder.path)
            try? FileManager.default.removeItem(at: folder.appendingPathComponent("grading"))
            defer { try? FileManager.default.removeItem(at: folder) }
            for script in ["train.py", "predict.py"] {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = ["python3", script] + arguments
                process.currentDirectoryURL = folder
                process.standardOutput = FileHandle.nullDevice
                let errors = Pipe()
                process.standardError = errors
                try process.run()
                let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                guard process.terminationStatus == 0 else { throw HarnessFailure(log: "\(script): \(log)") }
            }
            let data = try Data(contentsOf: folder.appendingPathComponent("result.json"))
            let predictions = try JSONDecoder().decode([Int].self, from: Data(contentsOf: folder.appendingPathComponent("predictions.json")))
            return (try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:], predictions)
        }
    }
}

struct HarnessFailure: Error, CustomStringConvertible {
    let log: String
    var description: String { "training failed:\n\(log)" }
}
