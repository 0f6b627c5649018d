import Foundation
import GRDB
@testable import GEStore
import Testing

@Suite struct StoreSchemaTests {
    @Test func aVersion1DatabaseMigratesToForeignKeysWithoutSentinels() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ged.sqlite").path
        do {
            let queue = try DatabaseQueue(path: path)
            try StoreSchema.migrator.migrate(queue, upTo: "v1")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO individual (id, parents, origin, variations, status, code, fingerprint, generation, bornAfter, updatedAt)
                    VALUES (0, '[]', 'seed', '[]', 'evaluated', 'x', 'f', 0, 0, 0)
                    """)
                try db.execute(sql: """
                    INSERT INTO individual (id, parents, origin, variations, status, duplicateOf, code, fingerprint, generation, bornAfter, updatedAt)
                    VALUES (1, '[0]', 'mutation', '[]', 'duplicate', 0, 'x', 'f', 0, 0, 0),
                           (2, '[0]', 'mutation', '[]', 'duplicate', 99, 'x', 'f', 0, 0, 0)
                    """)
                try db.execute(sql: """
                    INSERT INTO job (id, kind, individual, state, createdAt, updatedAt) VALUES
                        ('e0', 'gpu', 0, 'done', 0, 0), ('r9', 'llm', -1, 'done', 0, 0)
                    """)
            }
        }
        let store = try RunStore(path: path)
        let queue = try DatabaseQueue(path: store.path)
        try queue.read { db in
            let jobs = try JobRecord.order(Column("id")).fetchAll(db)
            #expect(jobs.map(\.individual) == [0, nil], "-1 became NULL")
            let duplicates = try IndividualRow.order(Column("id")).fetchAll(db).map(\.duplicateOf)
            #expect(duplicates == [nil, 0, nil], "a duplicate of an individual that never existed lost the dangling id")
        }
        #expect(throws: DatabaseError.self, "a job of an individual that does not exist is refused") {
            try queue.write { db in
                try JobRecord(id: "e5", kind: .gpu, individual: 5, state: .queued).insert(db)
            }
        }
    }
}
