import Foundation
import GECore
import GRDB
import Synchronization

/// The durable state of one run: its settings, every engine input in order
/// (the write-ahead log the engine is rebuilt from), periodic engine
/// snapshots, and a queryable copy of individuals, jobs and workers.
public final class RunStore: Sendable {
    /// What a run was started with, frozen: a resumed run uses these, not
    /// the files on disk, which may have changed since.
    public struct RunSettings: Codable, Sendable, Equatable {
        public var seedDirectory: String
        public var seedName: String
        public var configuration: EngineConfig
        public var rngSeed: UInt64
        /// The seed's genome file and `seed.toml` as they were at creation;
        /// `nil` for runs created before they were stored.
        public var seedGenome: String?
        public var seedManifest: String?
        /// The preset the run was created from, if any.
        public var preset: String?

        public init(
            seedDirectory: String, seedName: String, configuration: EngineConfig, rngSeed: UInt64,
            seedGenome: String? = nil, seedManifest: String? = nil, preset: String? = nil
        ) {
            self.preset = preset
            self.seedDirectory = seedDirectory
            self.seedName = seedName
            self.configuration = configuration
            self.rngSeed = rngSeed
            self.seedGenome = seedGenome
            self.seedManifest = seedManifest
        }
    }

    public let path: String
    private let pool: DatabasePool
    /// Where snapshots go (see `SnapshotFile`); `nil` when reading a state
    /// folder that has none yet.
    private let snapshots: SnapshotFile?
    /// What a snapshot save needs from the run's database, read at the first:
    /// the run's creation time (each snapshot's tag) and whether an old
    /// snapshot is still in the run's database.
    private let snapshotTag = Mutex<(run: Double, legacy: Bool)?>(nil)
    /// The run's row as `record` last wrote it.
    private let lastProgress = Mutex<RunProgress?>(nil)

    /// Opens (creating and migrating) the database at `path`.
    public init(path: String) throws {
        self.path = path
        pool = try StoreDatabase.open(at: path)
        let migrator = StoreSchema.migrator
        if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
            throw StoreError.newerSchema(path: path)
        }
        try migrator.migrate(pool)
        snapshots = try SnapshotFile(path: SnapshotFile.path(besides: path))
    }

    /// Opens the database at `path` for reading only, as it is (WAL readers
    /// do not block a running daemon, nor does it block them).
    public init(readingAt path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError.unreadable(path: path, "no such file; is this a ged state directory?")
        }
        var configuration = Configuration()
        configuration.readonly = true
        pool = try DatabasePool(path: path, configuration: configuration)
        let migrator = StoreSchema.migrator
        if try pool.read({ try migrator.hasBeenSuperseded($0) }) { throw StoreError.newerSchema(path: path) }
        guard try pool.read({ try migrator.hasCompletedMigrations($0) }) else {
            throw StoreError.unreadable(path: path, "written by an older ged; start this ged on it once to upgrade it")
        }
        snapshots = try SnapshotFile(readingAt: SnapshotFile.path(besides: path))
    }

    /// The run's settings, if a run was started in this database.
    public func settings() throws -> RunSettings? {
        try pool.read { db in
            guard let run = try RunRecord.fetchOne(db) else { return nil }
            let configuration: EngineConfig
            do {
                configuration = try JSONDecoder().decode(EngineConfig.self, from: Data(run.configuration.utf8))
            } catch {
                throw StoreError.corrupt(path: path, "the run's configuration cannot be read (\(error))")
            }
            return RunSettings(
                seedDirectory: run.seedDirectory, seedName: run.seedName, configuration: configuration,
                rngSeed: UInt64(bitPattern: run.rngSeed), seedGenome: run.seedGenome, seedManifest: run.seedManifest,
                preset: run.preset)
        }
    }

    /// Starts the run: its settings and the prompt templates it uses.
    /// Creates the run with its templates and, when given, the seed's row,
    /// which children may refer to (a duplicate, a job) before the seed is
    /// first dispatched.
    public func createRun(_ settings: RunSettings, templates: [PromptTemplate], seed: Individual? = nil) throws {
        let now = Date().timeIntervalSince1970
        // Snapshots an earlier run left in this folder are not this run's.
        try snapshots?.removeAll()
        snapshotTag.withLock { $0 = nil }
        let run = RunRecord(
            createdAt: now, seedDirectory: settings.seedDirectory, seedName: settings.seedName,
            configuration: Self.json(settings.configuration), rngSeed: Int64(bitPattern: settings.rngSeed),
            seedGenome: settings.seedGenome, seedManifest: settings.seedManifest, preset: settings.preset,
            updatedAt: now)
        try pool.write { db in
            try run.insert(db)
            for template in templates { try TemplateRecord(template).insert(db) }
            if let seed { try IndividualRow(seed, worker: nil, evidence: nil, now: now).insert(db) }
        }
    }

    /// The templates the run was started with (prompt evolution's are in
    /// the engine's state, and stored beside them only for queries).
    public func templates() throws -> [PromptTemplate] {
        try pool.read { db in
            try TemplateRecord.filter(sql: "generation IS NULL").order(sql: "rowid").fetchAll(db)
                .map { try $0.template(databasePath: path) }
        }
    }

    /// Commits one engine input and the state it led to, in one transaction:
    /// the input, the changed individuals, the jobs it creates or finishes,
    /// the run summary, and event lines. Nothing that depends on it may be
    /// sent before this returns.
    public func record(_ change: StoreChange) throws {
        let now = Date().timeIntervalSince1970
        let body = String(decoding: try JSONEncoder().encode(change.input), as: UTF8.self)
        let input = InputRecord(seq: change.seq, at: now, body: body)
        var written: RunProgress?
        try pool.write { db in
            try input.insert(db)
            for evolved in change.templates {
                try TemplateRecord(evolved.template, generation: evolved.generation).save(db)
            }
            for individual in change.individuals {
                let evidence = change.evidence[individual.id]
                let worker = change.workers[individual.id]
                let row = IndividualRow(individual, worker: worker, evidence: evidence, now: now)
                guard try row.exists(db) else {
                    try row.insert(db)
                    continue
                }
                // Evidence arrives in parts (the answer, then the result) and is
                // kept by later changes (it joins or leaves the population).
                // Code is written while it can change, and never from a
                // released genome.
                var columns = IndividualRow.stateColumns
                let codeMayChange = individual.status == .breeding || individual.status == .awaitingEvaluation
                if individual.genome != nil ? codeMayChange : evidence?.code != nil {
                    columns += IndividualRow.codeColumns
                }
                if worker != nil { columns.append("worker") }
                if evidence?.metrics != nil { columns.append("metrics") }
                if evidence?.logTail != nil { columns.append("logTail") }
                if evidence?.answer != nil { columns.append("answer") }
                try row.update(db, columns: columns)
            }
            for var job in change.jobs {
                job.updatedAt = now
                if var existing = try JobRecord.fetchOne(db, key: job.id) {
                    existing.state = job.state
                    existing.worker = job.worker
                    existing.detail = job.detail
                    existing.model = job.model ?? existing.model
                    existing.inputTokens = job.inputTokens ?? existing.inputTokens
                    existing.outputTokens = job.outputTokens ?? existing.outputTokens
                    existing.cost = job.cost ?? existing.cost
                    existing.updatedAt = now
                    try existing.update(db)
                } else {
                    job.createdAt = now
                    try job.insert(db)
                }
            }
            // Most inputs leave the run's row as it was: it is written when
            // it changes (`updatedAt` is when it last changed).
            let progress = RunProgress(change.engine)
            if progress != lastProgress.withLock({ $0 }) {
                try RunRecord.updateAll(db, [
                    RunRecord.Columns.state.set(to: progress.finished ? RunRecord.State.finished : .running),
                    RunRecord.Columns.stopReason.set(to: progress.stopReason),
                    RunRecord.Columns.population.set(to: Self.json(progress.population)),
                    RunRecord.Columns.archive.set(to: Self.json(progress.archive)),
                    RunRecord.Columns.hallOfFame.set(to: Self.json(progress.hallOfFame)),
                    RunRecord.Columns.evaluations.set(to: progress.evaluations),
                    RunRecord.Columns.generation.set(to: progress.generation),
                    RunRecord.Columns.updatedAt.set(to: now),
                ])
                written = progress
            }
            for event in change.events {
                var record = EventRecord(at: now, type: event.type, body: event.body)
                try record.insert(db)
            }
        }
        if let written { lastProgress.withLock { $0 = written } }
    }

    /// Stores the whole engine as it is after input `seq`, so a restart
    /// replays only what came after.
    public func saveSnapshot(_ engine: Engine, seq: Int) throws {
        guard let snapshots else { throw StoreError.unreadable(path: path, "opened for reading only") }
        let encoded = try JSONEncoder().encode(engine)
        let tag = try snapshotTag.withLock { cached in
            if let cached { return cached }
            let read = try pool.read { db in
                (run: try RunRecord.fetchOne(db)?.createdAt ?? 0, legacy: try SnapshotRecord.fetchCount(db) > 0)
            }
            cached = read
            return read
        }
        try snapshots.save(encoded, seq: seq, run: tag.run)
        // Runs from before the snapshot file kept theirs in the run's database.
        if tag.legacy {
            try pool.write { db in _ = try SnapshotRecord.deleteAll(db) }
            snapshotTag.withLock { $0?.legacy = false }
        }
    }

    /// Evaluations completed, as last committed (0 before the run is created).
    public func evaluationsCompleted() throws -> Int {
        try pool.read { db in try RunRecord.fetchOne(db)?.evaluations ?? 0 }
    }

    /// The size of the newest snapshot in bytes (0: none yet).
    public func newestSnapshotBytes() throws -> Int {
        try snapshots?.newestBytes() ?? 0
    }

    /// Copies the database to `path` as a crash at this instant would leave
    /// it: every committed input, nothing half-written.
    public func copy(to path: String) throws {
        // Snapshots first: a copy of them is never newer than the inputs
        // copied after it, so the copy resumes from its snapshot.
        try snapshots?.copy(to: SnapshotFile.path(besides: path))
        let target = try DatabaseQueue(path: path)
        try pool.backup(to: target)
    }

    /// Every input of the run, in order.
    public func allInputs() throws -> [(seq: Int, input: EngineInput)] {
        try pool.read { db in try InputRecord.order(Column("seq")).fetchAll(db).map(decode) }
    }

    /// The newest snapshot and every input after it, in order.
    ///
    /// The snapshot is the newest of this run no later than the last input
    /// (one newer belongs with a newer copy of the database, as after a
    /// restore from backup), from the snapshot file or, for a run from before
    /// it, from the run's database.
    public func recovery() throws -> (snapshot: (seq: Int, engine: Engine)?, inputs: [(seq: Int, input: EngineInput)]) {
        let (run, lastInput, legacy) = try pool.read { db in
            (try RunRecord.fetchOne(db)?.createdAt ?? 0,
             try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM input") ?? 0,
             try SnapshotRecord.order(Column("seq").desc).fetchOne(db))
        }
        var newest = try snapshots?.newest(atMost: lastInput, run: run)
        if let legacy, legacy.seq <= lastInput, legacy.seq > newest?.seq ?? 0 { newest = (legacy.seq, legacy.engine) }
        var snapshot: (seq: Int, engine: Engine)?
        if let newest {
            do {
                snapshot = (newest.seq, try JSONDecoder().decode(Engine.self, from: newest.engine))
            } catch {
                throw StoreError.corrupt(path: snapshots?.path ?? path, "the snapshot after input \(newest.seq) cannot be read (\(error))")
            }
        }
        let inputs = try pool.read { db in
            try InputRecord.filter(Column("seq") > (snapshot?.seq ?? 0)).order(Column("seq")).fetchAll(db)
        }
        return (snapshot, try inputs.map(decode))
    }

    private func decode(_ record: InputRecord) throws -> (seq: Int, input: EngineInput) {
        do {
            return (record.seq, try JSONDecoder().decode(EngineInput.self, from: Data(record.body.utf8)))
        } catch {
            throw StoreError.corrupt(path: path, "input \(record.seq) cannot be read (\(error)); was it written by another version of ged?")
        }
    }

    /// Records, in one transaction, what the bus did since the last call:
    /// leases handed out and workers that joined or left. None of it is
    /// needed for correctness after a crash (a lost lease only means the job
    /// runs again), so the daemon batches it instead of committing per message.
    public func saveBusChanges(leases: [String: String], workers: [WorkerRecord]) throws {
        guard !leases.isEmpty || !workers.isEmpty else { return }
        try pool.write { db in
            for (jobID, lease) in leases.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "UPDATE job SET lease = ? WHERE id = ? AND state = 'queued'", arguments: [lease, jobID])
            }
            for worker in workers {
                if var existing = try WorkerRecord.fetchOne(db, key: worker.id) {
                    existing.state = worker.state
                    existing.lastSeen = worker.lastSeen
                    try existing.update(db)
                } else {
                    try worker.insert(db)
                }
            }
        }
    }

    /// The leases of jobs still in flight, by job id.
    public func leases() throws -> [String: String] {
        try pool.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, lease FROM job WHERE state = 'queued' AND lease IS NOT NULL")
            return Dictionary(rows.map { ($0["id"] as String, $0["lease"] as String) }) { first, _ in first }
        }
    }

    /// Starts a daemon session: workers recorded as connected belong to an
    /// earlier session and are gone; of the gone ones only the newest
    /// `keeping` rows are kept. Returns the highest worker number used so far
    /// (ids are `<kind>-<number>`), so the new session's ids follow it.
    public func startWorkerSession(keeping: Int = 500) throws -> Int {
        try pool.write { db in
            try db.execute(sql: "UPDATE worker SET state = 'gone' WHERE state = 'connected'")
            try db.execute(sql: """
                DELETE FROM worker WHERE id NOT IN (SELECT id FROM worker ORDER BY lastSeen DESC, rowid DESC LIMIT ?)
                """, arguments: [keeping])
            let ids = try String.fetchAll(db, sql: "SELECT id FROM worker")
            return ids.compactMap { $0.split(separator: "-").last.flatMap { Int($0) } }.max() ?? 0
        }
    }

    /// One individual's row (with its evidence), if it was recorded.
    public func individual(_ id: Int) throws -> IndividualRow? {
        try pool.read { db in try IndividualRow.fetchOne(db, key: id) }
    }

    /// Every job, in the order they were created.
    public func jobs() throws -> [JobRecord] {
        try pool.read { db in try JobRecord.fetchAll(db, sql: "SELECT * FROM job ORDER BY createdAt, rowid") }
    }

    /// Every individual, in id order.
    public func individuals() throws -> [IndividualRow] {
        try pool.read { db in try IndividualRow.fetchAll(db, sql: "SELECT * FROM individual ORDER BY id") }
    }

    static func json<T: Encodable>(_ value: T) -> String {
        // Ids, validated finite objectives, configurations and numbers decoded
        // from JSON: encoding cannot fail.
        String(decoding: try! JSONEncoder().encode(value), as: UTF8.self)
    }
}

/// What one engine input changed, to be committed at once.
public struct StoreChange: Sendable {
    public var seq: Int
    public var input: EngineInput
    public var engine: Engine
    public var individuals: [Individual]
    public var jobs: [JobRecord]
    /// The worker that evaluated an individual, by id.
    public var workers: [IndividualID: String]
    public var events: [(type: String, body: String)]
    /// What workers reported beside the outcome, by individual.
    public var evidence: [IndividualID: Evidence]

    /// Templates prompt evolution made with this input.
    public var templates: [EvolvedTemplate] = []

    /// What a worker reported about an individual beyond its outcome.
    public struct Evidence: Sendable, Equatable {
        public var metrics: [String: Double]?
        public var logTail: String?
        public var answer: String?
        /// The child's whole file as the LLM worker made it: stored for a
        /// child the engine let go of at once (a duplicate), whose genome the
        /// change no longer holds.
        public var code: String?

        public init(metrics: [String: Double]? = nil, logTail: String? = nil, answer: String? = nil, code: String? = nil) {
            self.metrics = metrics
            self.logTail = logTail
            self.answer = answer
            self.code = code
        }
    }

    public init(
        seq: Int, input: EngineInput, engine: Engine, individuals: [Individual], jobs: [JobRecord] = [],
        workers: [IndividualID: String] = [:], events: [(type: String, body: String)] = [],
        evidence: [IndividualID: Evidence] = [:]
    ) {
        self.seq = seq
        self.input = input
        self.engine = engine
        self.individuals = individuals
        self.jobs = jobs
        self.workers = workers
        self.events = events
        self.evidence = evidence
    }
}
