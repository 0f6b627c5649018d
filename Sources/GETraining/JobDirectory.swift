import Foundation
import GESeed

/// The folder one job runs in: a copy of the seed folder with the variant
/// written over the genome file. The job's log lies beside it, not in it:
/// the job writes its folder, and must not be able to swap the log for a
/// link to a file the worker may read.
public struct JobDirectory: Sendable {
    public let path: String

    /// Creates `<root>/<name>` from the seed folder and writes `source` as
    /// the genome file; with `owner`, the folder belongs to that user (the
    /// job's). An existing folder of that name is replaced.
    public static func create(
        root: String, name: String, seed: SeedManifest, source: String, owner: SandboxPolicy.User? = nil
    ) throws -> JobDirectory {
        let directory = JobDirectory(path: root + "/" + name)
        let manager = FileManager.default
        try manager.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
        directory.remove()
        // The grading labels stay on the worker: never in a job's folder.
        let labels = seed.gradingFolder.flatMap { folder in
            folder.hasPrefix(seed.directory.path + "/") ? String(folder.dropFirst(seed.directory.path.count + 1)) : nil
        }
        try copyContents(of: seed.directory.path, to: directory.path, excluding: labels.map { [$0] } ?? [])
        try Data(source.utf8).write(to: URL(fileURLWithPath: directory.path + "/" + seed.genomeFile))
        if let owner {
            for item in [directory.path] + ((try? manager.subpathsOfDirectory(atPath: directory.path)) ?? []).map({ directory.path + "/" + $0 }) {
                lchown(item, owner.uid, owner.gid)
            }
        }
        return directory
    }

    /// Copies a folder's files and subfolders, but none of the `excluding`
    /// subpaths, with their permission bits but not their owners: the worker
    /// may run as a user who could not give them away (FileManager.copyItem
    /// tries to).
    static func copyContents(of source: String, to destination: String, excluding: [String] = []) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: destination, withIntermediateDirectories: false)
        for item in try manager.subpathsOfDirectory(atPath: source)
        where !excluding.contains(where: { item == $0 || item.hasPrefix($0 + "/") }) {
            let from = source + "/" + item, to = destination + "/" + item
            var info = stat()
            guard lstat(from, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                try manager.createDirectory(atPath: to, withIntermediateDirectories: true)
            case S_IFREG:
                guard manager.createFile(atPath: to, contents: manager.contents(atPath: from)) else {
                    throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: to])
                }
            default:
                continue  // links and special files of a seed folder are not copied
            }
            chmod(to, info.st_mode & 0o777)
        }
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: logPath)
    }

    /// Bytes under the folder (files as allocated), not following links.
    public func bytes() -> Int {
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total = 0
        for case let item as String in enumerator {
            var info = stat()
            if lstat(path + "/" + item, &info) == 0 { total += Int(info.st_blocks) * 512 }
        }
        return total
    }

    /// The last `lines` lines of the job's log.
    public func logTail(lines: Int = 40) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "" }
        return String(decoding: data.suffix(64 * 1024), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    public var logPath: String { path + ".log" }
}
