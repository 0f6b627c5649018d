import Foundation
import GECore
@testable import GEService
import Testing

@Suite struct PresetTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let folders = Preset.folders(promptsDirectory: repository.appendingPathComponent("prompts").path)

    @Test func theShippedPresetsLoadValidateAndFitTheirGenerations() throws {
        let paper = try Preset("paper", folders: Self.folders).applied(under: DaemonSettings())
        #expect(paper.preset == "paper")
        #expect(paper.engine.mode == .generational && paper.engine.initialPopulation == 144)
        #expect(paper.engine.offspringPerGeneration == 44 && paper.engine.maxGenerations == 30)
        #expect(!paper.engine.evaluateSeed && paper.engine.variation.failureRepairProbability == 0)
        let head = try Preset("reference-head", folders: Self.folders).applied(under: DaemonSettings())
        #expect(head.engine.initialPopulation == 32 && head.engine.offspringPerGeneration == 8)
        for settings in [paper, head] {
            try settings.validate()
            // The budget is what the generations can use, no more and no less.
            let engine = settings.engine
            #expect(engine.evaluationBudget == engine.initialPopulation + engine.maxGenerations! * engine.offspringPerGeneration)
        }
        let steady = try Preset("steady", folders: Self.folders).applied(under: DaemonSettings())
        #expect(steady.engine == DaemonSettings().engine, "the steady preset writes out the defaults")
    }

    @Test func theConfigurationFileWinsOverThePresetAndThePresetKeysCountAsGiven() throws {
        var file = DaemonSettings()
        try file.apply(Setting.reader.parse("[evolution]\nevaluation_budget = 50\n", source: "ged.toml"))
        let settings = try Preset("paper", folders: Self.folders).applied(under: file)
        #expect(settings.engine.evaluationBudget == 50)
        #expect(settings.engine.initialPopulation == 144)
        #expect(settings.given.contains("evolution.initial_population") && settings.given.contains("evolution.evaluation_budget"))
    }

    @Test func anUnknownPresetNamesWhereItLookedAndTheKnownOnes() {
        #expect {
            try Preset("papr", folders: Self.folders)
        } throws: { error in
            let message = "\(error)"
            return message.contains("no preset papr") && message.contains("paper, reference-head, steady")
        }
    }

    @Test func aPresetMayNotSetDaemonSettings() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("preset-\(UUID().uuidString).toml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "[evolution]\nevaluation_budget = 10\n[bus]\nwork = \"tcp://0.0.0.0:1\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError(key: "bus.work", message: "\(path) sets it, but a preset holds only evolution settings; put it in ged.toml")) {
            try Preset(path, folders: [])
        }
    }
}
