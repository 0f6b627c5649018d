import Foundation
import GRDB

/// Engine snapshots, in a database file of their own beside the run's
/// (`ged.sqlite` → `ged-snapshots.sqlite`).
///
/// A snapshot is the whole engine: tens of megabytes in a long run. Written
/// into the run's database, it held SQLite's single write lock (and then the
/// WAL checkpoint that copied it) while the reactor waited to commit its next
/// input: turns of 370–495 ms at 10k–100k evaluations. In a file of its own
/// the two never wait for each other. Each snapshot names its run (the run's
/// creation time), so a file left by an earlier run is never taken for this
/// one's.
final class SnapshotFile: Sendable {
    let path: String
    private let pool: DatabasePool

    /// The snapshot file of the run database at `databasePath`.
    static func path(besides databasePath: String) -> String {
        let url = URL(fileURLWithPath: databasePath)
        let base = url.deletingPathExtension().lastPathComponent
        return url.deletingLastPathComponent().appendingPathComponent(base + "-snapshots.sqlite").path
    }

    /// Opens (creating and migrating) the file, durable like the run's.
    init(path: String) throws {
        self.path = path
        pool = try StoreDatabase.open(at: path)
        try Self.migrator.migrate(pool)
    }

    /// Opens the file for reading only; `nil` when there is none yet.
    init?(readingAt path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        self.path = path
        var configuration = Configuration()
        configuration.readonly = true
        pool = try DatabasePool(path: path, configuration: configuration)
        guard try pool.read({ try Self.migrator.hasCompletedMigrations($0) }) else { return nil }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "snapshot") { t in
                t.column("seq", .integer).primaryKey()
                t.column("run", .double).notNull()
                t.column("engine", .blob).notNull()
            }
        }
        return migrator
    }

    /// Stores a snapshot, keeping the one before it (a backup of the run's
    /// database older than the newest snapshot can still use that one).
    func save(_ engine: Data, seq: Int, run: Double) throws {
        try pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO snapshot (seq, run, engine) VALUES (?, ?, ?)", arguments: [seq, run, engine])
            try db.execute(
                sql: "DELETE FROM snapshot WHERE seq < (SELECT seq FROM snapshot WHERE seq < ? ORDER BY seq DESC LIMIT 1) OR run != ?",
                arguments: [seq, run])
        }
    }

    /// The newest snapshot of run `run` taken after no later input than `seq`.
    func newest(atMost seq: Int, run: Double) throws -> (seq: Int, engine: Data)? {
        try pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT seq, engine FROM snapshot WHERE seq <= ? AND run = ? ORDER BY seq DESC LIMIT 1",
                arguments: [seq, run]
            ).map { ($0["seq"], $0["engine"]) }
        }
    }

    /// The size of the newest snapshot in bytes (0: none).
    func newestBytes() throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT length(engine) FROM snapshot ORDER BY seq DESC LIMIT 1") ?? 0
        }
    }

    /// Forgets every snapshot (a new run starts in this state directory).
    func removeAll() throws {
        try pool.write { db in try db.execute(sql: "DELETE FROM snapshot") }
    }

    func copy(to path: String) throws {
        try pool.backup(to: try DatabaseQueue(path: path))
    }
}
