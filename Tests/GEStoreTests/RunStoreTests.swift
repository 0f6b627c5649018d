import Foundation
import GECore
import GEStore
import GRDB
import Testing

@Suite struct RunStoreTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("runstore-\(UUID().uuidString)")

    func makeStore() throws -> RunStore {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try RunStore(path: directory.appendingPathComponent("ged.sqlite").path)
    }

    @Test func inputsSnapshotsAndIndividualsRoundTrip() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try makeStore()
        #expect(try store.settings() == nil)
        var config = EngineConfig()
        config.initialPopulation = 2
        let seed = Genome(source: "x = 1\n# --OPTION--\nclass A:\n    pass\n")
        let settings = RunStore.RunSettings(seedDirectory: "/s/tiny", seedName: "tiny", configuration: config, rngSeed: 42)
        let template = try PromptTemplate(id: "rules", kind: .rules, body: "be nice", source: "t")
        try store.createRun(settings, templates: [template])
        #expect(try store.settings() == settings)
        #expect(try store.templates() == [template])

        let library = try PromptLibrary(files: [
            ("m", "id: m\nkind: mutation\ncategory: c\n---\n{{code}}"),
            ("e", "id: e\nkind: eot\n---\n{{elite_code}} {{seed_code}} {{code}}"),
            ("c", "id: c\nkind: crossover\n---\n{{code_a}} {{code_b}}"),
            ("r", "id: r\nkind: repair\n---\n{{code}} {{seed_code}} {{failure}}"),
            ("p", "id: p\nkind: rephrase\n---\n{{template}}"),
            ("s", "id: s\nkind: rules\n---\nbe nice"),
        ])
        var engine = try Engine(seed: seed, config: config, rngSeed: 42)
        let inputs: [EngineInput] = [.step(freeLLMSlots: 0, freeEvaluationSlots: 1), .evaluation(0, .scored(objectives: [0.5, 10], run: TrainingRun(metrics: ["epochs": 2], logTail: "done", phase: .train, seconds: 1)))]
        for (index, input) in inputs.enumerated() {
            _ = engine.apply(input, library: library)
            let evidence: [IndividualID: StoreChange.Evidence] = index == 1 ? [0: .init(metrics: ["epochs": 2], logTail: "done")] : [:]
            try store.record(StoreChange(
                seq: index + 1, input: input, engine: engine, individuals: [engine.individuals[0]],
                workers: index == 1 ? [0: "gpu-1"] : [:], evidence: evidence))
        }
        // A later change to the individual keeps what the worker reported.
        try store.record(StoreChange(seq: 3, input: .pause, engine: engine, individuals: [engine.individuals[0]]))
        try store.saveSnapshot(engine, seq: 1)
        let recovery = try store.recovery()
        #expect(recovery.snapshot?.seq == 1)
        #expect(recovery.snapshot?.engine == engine)
        #expect(recovery.inputs.map(\.input) == [inputs[1], .pause])
        #expect(try store.allInputs().map(\.input) == inputs + [.pause])
        let rows = try store.individuals()
        #expect(rows.count == 1 && rows[0].status == "evaluated" && rows[0].fitness == "[0.5,10]")
        #expect(rows[0].metrics == "{\"epochs\":2}" && rows[0].logTail == "done" && rows[0].worker == "gpu-1")
    }

    @Test func aDatabaseOfANewerSchemaIsRefusedClearly() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try makeStore()
        let path = directory.appendingPathComponent("ged.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')")
        }
        #expect(throws: StoreError.newerSchema(path: path)) { try RunStore(path: path) }
        #expect(StoreError.newerSchema(path: path).description.contains("upgrade ged"))
    }
}

extension RunStoreTests {
    @Test func aTemplateOfAnUnknownKindIsReportedNotGuessed() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try makeStore()
        let settings = RunStore.RunSettings(
            seedDirectory: "/s/tiny", seedName: "tiny", configuration: EngineConfig(), rngSeed: 1)
        try store.createRun(settings, templates: [try PromptTemplate(id: "m", kind: .mutation, category: "c", body: "{{code}}", source: "t")])
        let queue = try DatabaseQueue(path: store.path)
        try queue.write { db in try db.execute(sql: "UPDATE template SET kind = 'telepathy'") }
        #expect(throws: StoreError.corrupt(path: store.path, "template m has the unknown kind \"telepathy\"")) {
            try store.templates()
        }
    }
}
