import Foundation
import Logging

/// swift-log's handler for the executables: one line per event on standard
/// error. Under systemd (`JOURNAL_STREAM` set) a line starts with its syslog
/// priority (`<4>`), which journald reads as the level, and carries no time
/// (journald records its own); elsewhere it starts with an ISO 8601 time and
/// the level.
public struct StandardErrorLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    let journal: Bool

    private static let lock = NSLock()

    public init(journal: Bool = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil) {
        self.journal = journal
    }

    /// Makes every `Logger` of the process write through this handler.
    public static func bootstrap() {
        LoggingSystem.bootstrap { _ in StandardErrorLogHandler() }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let line = Self.format(event.level, "\(event.message)", metadata: merged, at: Date(), journal: journal)
        Self.lock.withLock { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    /// One line: `<priority>message` for journald, else
    /// `2026-12-01T06:40:00.123Z warning message`; metadata as `key=value`.
    static func format(_ level: Logger.Level, _ message: String, metadata: Logger.Metadata, at date: Date, journal: Bool) -> String {
        let fields = metadata.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        // A message is one line: an embedded newline would start a record.
        let text = message.replacingOccurrences(of: "\n", with: " ⏎ ") + fields
        if journal { return "<\(priority(of: level))>" + text }
        return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) + " \(level) " + text
    }

    /// The syslog priority journald reads from a `<N>` prefix.
    static func priority(of level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}

extension Logger {
    /// A line from the libraries' `(String) -> Void` log closures: one that
    /// starts with "warning:" at warning level, the rest at info.
    public func line(_ text: String) {
        if text.hasPrefix("warning: ") {
            warning("\(text.dropFirst("warning: ".count))")
        } else {
            info("\(text)")
        }
    }
}
