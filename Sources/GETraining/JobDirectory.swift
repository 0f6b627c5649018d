import Foundation
import GESeed

/// The folder one job runs in: a copy of the seed folder with the variant
/// written over the genome file.
public struct JobDirectory: Sendable {
    public let path: String

    /// Creates `<root>/<name>` from the seed folder and writes `source` as
    /// the genome file. An existing folder of that name is replaced.
    public static func create(root: String, name: String, seed: SeedManifest, source: String) throws -> JobDirectory {
        let path = root + "/" + name
        let manager = FileManager.default
        try manager.createDirectory(atPath: root, withIntermediateDirectories: true)
        if manager.fileExists(atPath: path) { try manager.removeItem(atPath: path) }
        try manager.copyItem(atPath: seed.directory.path, toPath: path)
        try Data(source.utf8).write(to: URL(fileURLWithPath: path + "/" + seed.genomeFile))
        return JobDirectory(path: path)
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The last `lines` lines of the job's log.
    public func logTail(lines: Int = 40) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "" }
        return String(decoding: data.suffix(64 * 1024), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    public var logPath: String { path + "/ge-job.log" }
}
