import Foundation
import GECore
import GESeed
import GEStore

/// A run as its state directory holds it: the settings, seed manifest and
/// prompt templates it was created with, and its engine rebuilt from the
/// newest snapshot and the inputs recorded after it.
struct SavedRun {
    let settings: RunStore.RunSettings
    let manifest: SeedManifest
    let library: PromptLibrary
    let engine: Engine
    /// The last input's sequence number.
    let seq: Int
    /// The input the snapshot was taken after (0: none).
    let snapshotSeq: Int
    /// Inputs replayed after the snapshot.
    let replayed: Int

    /// The run in `store`, or `nil` if none was started there.
    static func load(from store: RunStore, log: (String) -> Void) throws -> SavedRun? {
        guard let saved = try store.settings() else { return nil }
        let manifest = try Self.manifest(of: saved, log: log)
        let library = try PromptLibrary(templates: store.templates())
        let recovery = try store.recovery()
        var engine = try recovery.snapshot?.engine ?? Engine(
            seed: Genome(source: saved.seedGenome ?? manifest.genomeSource(), marker: manifest.marker),
            config: saved.configuration, rngSeed: saved.rngSeed)
        for (_, input) in recovery.inputs { _ = engine.apply(input, library: library) }
        return SavedRun(
            settings: saved, manifest: manifest, library: library, engine: engine,
            seq: recovery.inputs.last?.seq ?? recovery.snapshot?.seq ?? 0, snapshotSeq: recovery.snapshot?.seq ?? 0,
            replayed: recovery.inputs.count)
    }

    /// The manifest a run was created with; for runs from before manifests
    /// were stored, the one on disk (which may have changed since).
    static func manifest(of run: RunStore.RunSettings, log: (String) -> Void) throws -> SeedManifest {
        guard let text = run.seedManifest else {
            log("this run predates stored manifests: reading \(run.seedDirectory)/seed.toml, which may have changed since")
            return try SeedManifest.load(directory: run.seedDirectory)
        }
        return try SeedManifest.parse(text, directory: URL(fileURLWithPath: run.seedDirectory), checkFiles: false)
    }
}

extension RunReports {
    /// The reports of the run in a state directory, read without the daemon
    /// (which may be running: the database is only read).
    public static func open(stateDirectory: String) throws -> RunReports {
        let store = try RunStore(readingAt: stateDirectory + "/ged.sqlite")
        guard let run = try SavedRun.load(from: store, log: { _ in }) else {
            throw StoreError.unreadable(path: store.path, "no run has been started in it yet")
        }
        return RunReports(
            engine: run.engine, manifest: run.manifest, library: run.library, store: store, preset: run.settings.preset)
    }
}
