import Foundation
import GECore
import GRDB

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

        public init(
            seedDirectory: String, seedName: String, configuration: EngineConfig, rngSeed: UInt64,
            seedGenome: String? = nil, seedManifest: String? = nil
        ) {
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

    /// Opens (creating and migrating) the database at `path`.
    public init(path: String) throws {
        self.path = path
        pool = try StoreDatabase.open(at: path)
        let migrator = StoreSchema.migrator
        if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
            throw StoreError.newerSchema(path: path)
        }
        try migrator.migrate(pool)
    }

    /// The run's settings, if a run was started in this database.
    public func settings() throws -> RunSettings? {
        try pool.read { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT seedDirectory, seedName, configuration, rngSeed, seedGenome, seedManifest FROM run")
            else {
                return nil
            }
            let configuration: EngineConfig
            do {
                configuration = try JSONDecoder().decode(EngineConfig.self, from: Data((row["configuration"] as String).utf8))
            } catch {
                throw StoreError.corrupt(path: path, "the run's configuration cannot be read (\(error))")
            }
            return RunSettings(
                seedDirectory: row["seedDirectory"], seedName: row["seedName"], configuration: configuration,
                rngSeed: UInt64(bitPattern: row["rngSeed"]), seedGenome: row["seedGenome"], seedManifest: row["seedManifest"])
        }
    }

    /// Starts the run: its settings and the prompt templates it uses.
    public func createRun(_ settings: RunSettings, templates: [PromptTemplate]) throws {
        let configuration = String(decoding: try JSONEncoder().encode(settings.configuration), as: UTF8.self)
        let now = Date().timeIntervalSince1970
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO run (id, createdAt, seedDirectory, seedName, configuration, rngSeed, state, updatedAt,
                        seedGenome, seedManifest)
                    VALUES (1, ?, ?, ?, ?, ?, 'running', ?, ?, ?)
                    """,
                arguments: [now, settings.seedDirectory, settings.seedName, configuration,
                            Int64(bitPattern: settings.rngSeed), now, settings.seedGenome, settings.seedManifest])
            for template in templates {
                try db.execute(
                    sql: "INSERT INTO template (id, kind, category, persona, body, source, parentID) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [template.id, template.kind.rawValue, template.category, template.persona, template.body,
                                template.source, template.parentID])
            }
        }
    }

    /// The templates the run was started with.
    public func templates() throws -> [PromptTemplate] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM template ORDER BY rowid").map { row in
                let id: String = row["id"], kindName: String = row["kind"]
                // A kind this version does not know (written by a newer ged, or
                // edited by hand) must not quietly become a mutation template.
                guard let kind = PromptKind(rawValue: kindName) else {
                    throw StoreError.corrupt(path: path, "template \(id) has the unknown kind \"\(kindName)\"")
                }
                return try PromptTemplate(
                    id: id, kind: kind, category: row["category"], persona: row["persona"], body: row["body"],
                    source: row["source"], parentID: row["parentID"])
            }
        }
    }

    /// Commits one engine input and the state it led to, in one transaction:
    /// the input, the changed individuals, the jobs it creates or finishes,
    /// the run summary, and event lines. Nothing that depends on it may be
    /// sent before this returns.
    public func record(_ change: StoreChange) throws {
        let encoder = JSONEncoder()
        let input = String(decoding: try encoder.encode(change.input), as: UTF8.self)
        let now = Date().timeIntervalSince1970
        try pool.write { db in
            try db.execute(sql: "INSERT INTO input (seq, at, body) VALUES (?, ?, ?)", arguments: [change.seq, now, input])
            for individual in change.individuals {
                let evidence = change.evidence[individual.id]
                let row = IndividualRow(individual, worker: change.workers[individual.id], evidence: evidence, now: now)
                // Evidence arrives once, with the result; later changes to the
                // individual (it joins or leaves the population) keep it.
                if evidence == nil, change.workers[individual.id] == nil, try row.exists(db) {
                    try row.update(db, columns: IndividualRow.columnsWithoutEvidence)
                } else {
                    try row.save(db)
                }
            }
            for job in change.jobs {
                try db.execute(
                    sql: """
                        INSERT INTO job (id, kind, individual, state, worker, detail, createdAt, updatedAt)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET state = excluded.state, worker = excluded.worker,
                            detail = excluded.detail, updatedAt = excluded.updatedAt
                        """,
                    arguments: [job.id, job.kind, job.individual, job.state, job.worker, job.detail, now, now])
            }
            let engine = change.engine
            try db.execute(
                sql: """
                    UPDATE run SET state = ?, stopReason = ?, population = ?, archive = ?, hallOfFame = ?,
                        evaluations = ?, generation = ?, updatedAt = ?
                    """,
                arguments: [engine.isFinished ? "finished" : "running", engine.stopReason,
                            Self.json(engine.population), Self.json(engine.archive), Self.json(engine.hallOfFame.ids),
                            engine.evaluationsCompleted, engine.generation, now])
            for event in change.events {
                try db.execute(sql: "INSERT INTO event (at, type, body) VALUES (?, ?, ?)", arguments: [now, event.type, event.body])
            }
        }
    }

    /// Stores the whole engine as it is after input `seq`, so a restart
    /// replays only what came after.
    public func saveSnapshot(_ engine: Engine, seq: Int) throws {
        let data = try JSONEncoder().encode(engine)
        try pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO snapshot (seq, engine) VALUES (?, ?)", arguments: [seq, data])
            try db.execute(sql: "DELETE FROM snapshot WHERE seq < ?", arguments: [seq])
        }
    }

    /// Every input of the run, in order.
    public func allInputs() throws -> [(seq: Int, input: EngineInput)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT seq, body FROM input ORDER BY seq").map { row in
                (seq: row["seq"] as Int, input: try JSONDecoder().decode(EngineInput.self, from: Data((row["body"] as String).utf8)))
            }
        }
    }

    /// The newest snapshot and every input after it, in order.
    public func recovery() throws -> (snapshot: (seq: Int, engine: Engine)?, inputs: [(seq: Int, input: EngineInput)]) {
        try pool.read { db in
            var snapshot: (Int, Engine)?
            if let row = try Row.fetchOne(db, sql: "SELECT seq, engine FROM snapshot ORDER BY seq DESC LIMIT 1") {
                snapshot = (row["seq"], try JSONDecoder().decode(Engine.self, from: row["engine"] as Data))
            }
            let after = snapshot?.0 ?? 0
            let inputs = try Row.fetchAll(db, sql: "SELECT seq, body FROM input WHERE seq > ? ORDER BY seq", arguments: [after])
                .map { row in (seq: row["seq"] as Int, input: try JSONDecoder().decode(EngineInput.self, from: Data((row["body"] as String).utf8))) }
            return (snapshot, inputs)
        }
    }

    /// Records a worker joining or leaving.
    public func saveWorker(id: String, name: String, kind: String, host: String, gpu: String?, slots: Int, state: String) throws {
        let now = Date().timeIntervalSince1970
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO worker (id, name, kind, host, gpu, slots, state, firstSeen, lastSeen)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET state = excluded.state, lastSeen = excluded.lastSeen
                    """,
                arguments: [id, name, kind, host, gpu, slots, state, now, now])
        }
    }

    /// Every individual, in id order.
    public func individuals() throws -> [IndividualRow] {
        try pool.read { db in try IndividualRow.fetchAll(db, sql: "SELECT * FROM individual ORDER BY id") }
    }

    static func json<T: Encodable>(_ value: T) -> String {
        // Arrays of integers: encoding cannot fail.
        String(decoding: try! JSONEncoder().encode(value), as: UTF8.self)
    }
}

/// What one engine input changed, to be committed at once.
public struct StoreChange: Sendable {
    public struct Job: Sendable {
        public var id: String
        public var kind: String
        public var individual: IndividualID
        public var state: String
        public var worker: String?
        public var detail: String?

        public init(id: String, kind: String, individual: IndividualID, state: String, worker: String? = nil, detail: String? = nil) {
            self.id = id
            self.kind = kind
            self.individual = individual
            self.state = state
            self.worker = worker
            self.detail = detail
        }
    }

    public var seq: Int
    public var input: EngineInput
    public var engine: Engine
    public var individuals: [Individual]
    public var jobs: [Job]
    /// The worker that evaluated an individual, by id.
    public var workers: [IndividualID: String]
    public var events: [(type: String, body: String)]
    /// What workers reported beside the outcome, by individual.
    public var evidence: [IndividualID: Evidence]

    /// What a worker reported about an individual beyond its outcome.
    public struct Evidence: Sendable, Equatable {
        public var metrics: [String: Double]?
        public var logTail: String?
        public var answer: String?

        public init(metrics: [String: Double]? = nil, logTail: String? = nil, answer: String? = nil) {
            self.metrics = metrics
            self.logTail = logTail
            self.answer = answer
        }
    }

    public init(
        seq: Int, input: EngineInput, engine: Engine, individuals: [Individual], jobs: [Job] = [],
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
