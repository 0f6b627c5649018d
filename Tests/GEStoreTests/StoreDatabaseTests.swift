import Foundation
import GEStore
import GRDB
import Testing

@Suite struct StoreDatabaseTests {
    @Test func opensInWALWithFullSyncAndForeignKeys() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("gestore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pool = try StoreDatabase.open(at: directory.appendingPathComponent("ged.sqlite").path)
        let (journal, synchronous, foreignKeys) = try pool.write { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys")
            )
        }
        #expect(journal == "wal")
        #expect(synchronous == 2)
        #expect(foreignKeys == 1)
    }

    @Test func anUnwritableLocationIsAnError() {
        #expect(throws: (any Error).self) {
            try StoreDatabase.open(at: "/nonexistent-directory-for-ged/ged.sqlite")
        }
    }
}
