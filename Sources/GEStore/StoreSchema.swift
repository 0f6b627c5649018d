import GRDB

/// The database schema, as versioned migrations.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "run") { t in
                t.column("id", .integer).primaryKey().check { $0 == 1 }
                t.column("createdAt", .double).notNull()
                t.column("seedDirectory", .text).notNull()
                t.column("seedName", .text).notNull()
                t.column("configuration", .text).notNull()
                t.column("rngSeed", .integer).notNull()
                t.column("state", .text).notNull()
                t.column("stopReason", .text)
                t.column("population", .text).notNull().defaults(to: "[]")
                t.column("archive", .text).notNull().defaults(to: "[]")
                t.column("hallOfFame", .text).notNull().defaults(to: "[]")
                t.column("evaluations", .integer).notNull().defaults(to: 0)
                t.column("generation", .integer).notNull().defaults(to: 0)
                t.column("updatedAt", .double).notNull()
            }
            try db.create(table: "input") { t in
                t.column("seq", .integer).primaryKey()
                t.column("at", .double).notNull()
                t.column("body", .text).notNull()
            }
            try db.create(table: "snapshot") { t in
                t.column("seq", .integer).primaryKey()
                t.column("engine", .blob).notNull()
            }
            try db.create(table: "individual") { t in
                t.column("id", .integer).primaryKey()
                t.column("parents", .text).notNull()
                t.column("origin", .text).notNull()
                t.column("variations", .text).notNull()
                t.column("status", .text).notNull()
                t.column("fitness", .text)
                t.column("failure", .text)
                t.column("duplicateOf", .integer)
                t.column("code", .text).notNull()
                t.column("fingerprint", .text).notNull()
                t.column("generation", .integer).notNull()
                t.column("bornAfter", .integer).notNull()
                t.column("worker", .text)
                t.column("updatedAt", .double).notNull()
            }
            try db.create(table: "job") { t in
                t.column("id", .text).primaryKey()
                t.column("kind", .text).notNull()
                t.column("individual", .integer).notNull()
                t.column("state", .text).notNull()
                t.column("worker", .text)
                t.column("detail", .text)
                t.column("createdAt", .double).notNull()
                t.column("updatedAt", .double).notNull()
            }
            try db.create(table: "worker") { t in
                t.column("id", .text).primaryKey()
                t.column("name", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("host", .text).notNull()
                t.column("gpu", .text)
                t.column("slots", .integer).notNull()
                t.column("state", .text).notNull()
                t.column("firstSeen", .double).notNull()
                t.column("lastSeen", .double).notNull()
            }
            try db.create(table: "template") { t in
                t.column("id", .text).primaryKey()
                t.column("kind", .text).notNull()
                t.column("category", .text)
                t.column("persona", .text).notNull()
                t.column("body", .text).notNull()
                t.column("source", .text).notNull()
                t.column("parentID", .text)
            }
            try db.create(table: "event") { t in
                t.column("seq", .integer).primaryKey(autoincrement: true)
                t.column("at", .double).notNull()
                t.column("type", .text).notNull()
                t.column("body", .text).notNull()
            }
        }
        migrator.registerMigration("v2: failure kinds, evidence, a frozen seed, foreign keys") { db in
            try db.alter(table: "run") { t in
                t.add(column: "seedGenome", .text)
                t.add(column: "seedManifest", .text)
            }
            // The individual table is rebuilt: a duplicate refers to its
            // original by a foreign key, and the evidence columns are new.
            try db.create(table: "newIndividual") { t in
                t.column("id", .integer).primaryKey()
                t.column("parents", .text).notNull()
                t.column("origin", .text).notNull()
                t.column("variations", .text).notNull()
                t.column("status", .text).notNull()
                t.column("fitness", .text)
                t.column("failure", .text)
                t.column("failureKind", .text)
                t.column("failureExcerpt", .text)
                t.column("duplicateOf", .integer).references("individual")
                t.column("code", .text).notNull()
                t.column("fingerprint", .text).notNull()
                t.column("generation", .integer).notNull()
                t.column("bornAfter", .integer).notNull()
                t.column("worker", .text)
                t.column("metrics", .text)
                t.column("logTail", .text)
                t.column("answer", .text)
                t.column("updatedAt", .double).notNull()
            }
            try db.execute(sql: """
                INSERT INTO newIndividual (id, parents, origin, variations, status, fitness, failure, duplicateOf, code,
                    fingerprint, generation, bornAfter, worker, updatedAt)
                SELECT id, parents, origin, variations, status, fitness, failure,
                    CASE WHEN duplicateOf IN (SELECT id FROM individual) THEN duplicateOf END,
                    code, fingerprint, generation, bornAfter, worker, updatedAt FROM individual
                """)
            // Jobs refer to their individual by a foreign key; "no individual"
            // is NULL, not -1. SQLite adds foreign keys only by rebuilding.
            try db.drop(table: "individual")
            try db.rename(table: "newIndividual", to: "individual")
            try db.create(table: "newJob") { t in
                t.column("id", .text).primaryKey()
                t.column("kind", .text).notNull()
                t.column("individual", .integer).references("individual", onDelete: .setNull)
                t.column("state", .text).notNull()
                t.column("worker", .text)
                t.column("detail", .text)
                t.column("createdAt", .double).notNull()
                t.column("updatedAt", .double).notNull()
            }
            try db.execute(sql: """
                INSERT INTO newJob SELECT id, kind,
                    CASE WHEN individual IN (SELECT id FROM individual) THEN individual END,
                    state, worker, detail, createdAt, updatedAt FROM job
                """)
            try db.drop(table: "job")
            try db.rename(table: "newJob", to: "job")
            try db.create(index: "job_individual", on: "job", columns: ["individual"])
        }
        migrator.registerMigration("v3: job leases") { db in
            try db.alter(table: "job") { t in t.add(column: "lease", .text) }
        }
        migrator.registerMigration("v4: evolved templates, presets") { db in
            // NULL for the templates a run was created with; the round it was
            // born in for one made by prompt evolution.
            try db.alter(table: "template") { t in t.add(column: "generation", .integer) }
            try db.alter(table: "run") { t in t.add(column: "preset", .text) }
        }
        migrator.registerMigration("v5: fidelity rungs") { db in
            try db.alter(table: "individual") { t in t.add(column: "rungs", .text) }
        }
        migrator.registerMigration("v6: LLM models and tokens per job") { db in
            try db.alter(table: "job") { t in
                t.add(column: "model", .text)
                t.add(column: "inputTokens", .integer)
                t.add(column: "outputTokens", .integer)
                t.add(column: "cost", .double)
            }
        }
        return migrator
    }
}
