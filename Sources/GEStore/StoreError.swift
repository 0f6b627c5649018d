/// A state database that cannot be used.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case newerSchema(path: String)
    case noRun(path: String)
    case corrupt(String)

    public var description: String {
        switch self {
        case .newerSchema(let path):
            "the state database \(path) was written by a newer version of ged; upgrade ged to continue this run"
        case .noRun(let path): "the state database \(path) holds no run"
        case .corrupt(let detail): "the state database is damaged: \(detail)"
        }
    }
}
