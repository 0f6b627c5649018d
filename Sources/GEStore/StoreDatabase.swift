import GRDB

/// Opening the daemon's SQLite database.
public enum StoreDatabase {
    /// Opens (creating if needed) the database at `path` in WAL mode with
    /// `synchronous=FULL`, so a committed transaction survives power loss,
    /// and with foreign keys enforced.
    public static func open(at path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        let pool = try DatabasePool(path: path, configuration: configuration)
        // DatabasePool sets synchronous=NORMAL on its writer when it enables
        // WAL; durability of every commit needs FULL, set on the writer itself.
        try pool.barrierWriteWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return pool
    }
}
