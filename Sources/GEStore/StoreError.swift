/// A state database that cannot be used.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case newerSchema(path: String)
    case corrupt(path: String, String)
    /// Reading only: there is no database, or one that ged has not yet
    /// brought to this version's schema.
    case unreadable(path: String, String)

    public var description: String {
        switch self {
        case .newerSchema(let path):
            "the state database \(path) was written by a newer version of ged; upgrade ged to continue this run"
        case .unreadable(let path, let detail):
            "cannot read the state database \(path): \(detail)"
        case .corrupt(let path, let detail):
            "the state database \(path) is damaged: \(detail); restore it from a backup or start a new run in another --state-dir"
        }
    }
}
