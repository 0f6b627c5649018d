import Foundation

/// Follows a job's log and picks out progress lines (`GE-PROGRESS <text>`).
struct ProgressReader {
    static let prefix = "GE-PROGRESS "
    let path: String
    private var offset: UInt64 = 0
    private var partial = ""

    init(path: String) {
        self.path = path
    }

    /// Progress texts written since the last call.
    mutating func newLines() -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        let data = handle.readDataToEndOfFile()
        offset += UInt64(data.count)
        let text = partial + String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        partial = String(lines.removeLast())
        return lines.filter { $0.hasPrefix(Self.prefix) }.map { String($0.dropFirst(Self.prefix.count)) }
    }
}
