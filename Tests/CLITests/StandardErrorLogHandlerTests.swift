import Foundation
@testable import GECLI
import Logging
import Testing

@Suite struct StandardErrorLogHandlerTests {
    let date = Date(timeIntervalSince1970: 1_796_100_000.25)

    @Test func aTerminalLineHasTheTimeAndTheLevel() {
        let line = StandardErrorLogHandler.format(.warning, "the LLM is unavailable", metadata: [:], at: date, journal: false)
        #expect(line == "2026-12-01T04:40:00.250Z warning the LLM is unavailable")
    }

    @Test func aJournalLineStartsWithItsPriorityAndLeavesTheTimeToJournald() {
        #expect(StandardErrorLogHandler.format(.error, "x", metadata: [:], at: date, journal: true) == "<3>x")
        #expect(StandardErrorLogHandler.format(.info, "x", metadata: ["job": "e7"], at: date, journal: true) == "<6>x job=e7")
        #expect([Logger.Level.trace, .debug, .info, .notice, .warning, .error, .critical].map(StandardErrorLogHandler.priority) == [7, 7, 6, 5, 4, 3, 2])
    }

    @Test func aMessageStaysOnOneLine() {
        let line = StandardErrorLogHandler.format(.info, "a\nforged line", metadata: [:], at: date, journal: true)
        #expect(!line.contains("\n") && line == "<6>a ⏎ forged line")
    }

    /// The first line an LLM worker logs, with or without journald.
    func firstLine(journal: Bool) throws -> String {
        let process = Process()
        process.executableURL = ProcessRunner.productsDirectory.appendingPathComponent("ge-llm-worker")
        process.arguments = ["--connect", "tcp://127.0.0.1:1", "--provider", "baseline"]
        process.environment = journal ? ["JOURNAL_STREAM": "8:1234"] : [:]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 0.5)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.split(separator: "\n").first.map(String.init) ?? ""
    }

    @Test func theExecutablesLogThroughIt() throws {
        let plain = try firstLine(journal: false)
        #expect(plain.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info ge-llm-worker llm@\S+: baseline"#, options: .regularExpression) != nil, "\(plain)")
        let journal = try firstLine(journal: true)
        #expect(journal.hasPrefix("<6>ge-llm-worker llm@") && journal.contains(": baseline:baseline, 4 at once"), "\(journal)")
    }
}
