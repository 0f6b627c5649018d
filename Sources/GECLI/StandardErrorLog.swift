import Foundation

/// One line per event on standard error, the form journald records.
public enum StandardErrorLog {
    private static let lock = NSLock()

    public static func line(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
