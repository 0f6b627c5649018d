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

extension RunStoreTests {
    func runWithInputs(_ store: RunStore, count: Int) throws -> Engine {
        let seed = Genome(source: "x = 1\n# --OPTION--\nclass A:\n    pass\n")
        try store.createRun(
            RunStore.RunSettings(seedDirectory: "/s/tiny", seedName: "tiny", configuration: EngineConfig(), rngSeed: 1),
            templates: [])
        let engine = try Engine(seed: seed, config: EngineConfig(), rngSeed: 1)
        for seq in 1...count {
            try store.record(StoreChange(seq: seq, input: .pause, engine: engine, individuals: []))
        }
        return engine
    }

    @Test func snapshotsLiveInTheirOwnFileAndOnlyThisRunsNotNewerThanItsInputsAreUsed() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try makeStore()
        var engine = try runWithInputs(store, count: 5)
        try store.saveSnapshot(engine, seq: 2)
        _ = engine.stop(reason: "a change the newer snapshot holds")
        try store.saveSnapshot(engine, seq: 4)
        let file = directory.appendingPathComponent("ged-snapshots.sqlite").path
        #expect(FileManager.default.fileExists(atPath: file))
        #expect(try store.newestSnapshotBytes() > 0)
        let main = try DatabaseQueue(path: store.path)
        #expect(try main.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM snapshot") } == 0, "none in the run's database")
        var recovery = try store.recovery()
        #expect(recovery.snapshot?.seq == 4 && recovery.snapshot?.engine == engine && recovery.inputs.map(\.seq) == [5])

        // The run's database restored from a backup older than the newest
        // snapshot: the one before it is used, with the inputs after it.
        try main.write { try $0.execute(sql: "DELETE FROM input WHERE seq > 3") }
        recovery = try store.recovery()
        #expect(recovery.snapshot?.seq == 2 && recovery.inputs.map(\.seq) == [3])

        // A new run in the same folder does not see the old run's snapshots.
        try main.write { db in
            try db.execute(sql: "DELETE FROM input")
            try db.execute(sql: "DELETE FROM run")
        }
        _ = try runWithInputs(store, count: 5)
        recovery = try store.recovery()
        #expect(recovery.snapshot == nil && recovery.inputs.count == 5)
    }

    @Test func aRunFromBeforeTheSnapshotFileResumesFromItsOwnSnapshotThenMovesOn() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try makeStore()
        let engine = try runWithInputs(store, count: 3)
        let main = try DatabaseQueue(path: store.path)
        try main.write { db in
            try db.execute(sql: "INSERT INTO snapshot (seq, engine) VALUES (2, ?)", arguments: [try JSONEncoder().encode(engine)])
        }
        var recovery = try store.recovery()
        #expect(recovery.snapshot?.seq == 2 && recovery.inputs.map(\.seq) == [3])
        try store.saveSnapshot(engine, seq: 3)
        #expect(try main.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM snapshot") } == 0, "the old one is dropped")
        recovery = try store.recovery()
        #expect(recovery.snapshot?.seq == 3 && recovery.inputs.isEmpty)
    }
}
