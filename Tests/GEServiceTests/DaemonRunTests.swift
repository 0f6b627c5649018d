import Foundation
import GECore
@testable import GEService
import GEStore
import Synchronization
import Testing

/// A daemon made in this process on a temporary state directory, never run:
/// what it decides when it creates or resumes a run.
@Suite(.serialized) struct DaemonRunTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ged-run-\(UUID().uuidString)").path

    /// A copy of the fixture seed the test may change.
    func seedFolder() throws -> String {
        let seed = directory + "/seed"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Self.repository.appendingPathComponent("Tests/GETrainingTests/Fixtures/seeds/tiny").path, toPath: seed)
        return seed
    }

    func settings(seed: String) -> DaemonSettings {
        var settings = DaemonSettings()
        settings.stateDirectory = directory + "/state"
        settings.seedDirectory = seed
        settings.promptsDirectory = Self.repository.appendingPathComponent("prompts").path
        settings.workEndpoint = "tcp://127.0.0.1:*"
        settings.controlEndpoint = "ipc://\(directory)/control.sock"
        settings.eventsEndpoint = "ipc://\(directory)/events.sock"
        return settings
    }

    @Test func aResumedRunKeepsItsSeedAndManifestWhateverTheFilesSayNow() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let seed = try seedFolder()
        let original = try String(contentsOfFile: seed + "/model.py", encoding: .utf8)
        _ = try Daemon(settings: settings(seed: seed), log: { _ in })
        try (original + "\nCHANGED = 1\n").write(toFile: seed + "/model.py", atomically: true, encoding: .utf8)
        let manifest = try String(contentsOfFile: seed + "/seed.toml", encoding: .utf8)
        try manifest.replacingOccurrences(of: "direction = \"minimize\"", with: "direction = \"maximize\"")
            .write(toFile: seed + "/seed.toml", atomically: true, encoding: .utf8)
        let resumed = try Daemon(settings: settings(seed: seed), log: { _ in })
        #expect(resumed.engine.seed.source == original)
        #expect(resumed.manifest.objectives.map(\.maximize) == [true, false])
    }

    @Test func aGivenRunSettingThatDiffersIsRefusedAndALiveOneIsRecorded() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let seed = try seedFolder()
        _ = try Daemon(settings: settings(seed: seed), log: { _ in })

        var different = settings(seed: seed)
        try Setting.named("evolution.population_size")!.set("8", in: &different)
        different.given.insert("evolution.population_size")
        #expect(throws: DaemonError.runSettingDiffers(key: "evolution.population_size", run: "32", given: "8")) {
            try Daemon(settings: different, log: { _ in })
        }

        var bigger = settings(seed: seed)
        bigger.engine.evaluationBudget = 500
        bigger.given.insert("evolution.evaluation_budget")
        let lines = LogLines()
        do {
            // Each daemon in its own scope: it holds the state directory while it lives.
            let resumed = try Daemon(settings: bigger, log: lines.add)
            #expect(resumed.engine.config.evaluationBudget == 500)
        }
        #expect(lines.all.contains { $0.contains("evolution.evaluation_budget: 200 → 500") })
        let inputs = try RunStore(path: directory + "/state/ged.sqlite").allInputs().map(\.input)
        #expect(inputs.contains { if case .configure(let config) = $0 { config.evaluationBudget == 500 } else { false } },
                "the change is an input, so replay repeats it")
        // Given again, it is no longer a difference: nothing more is recorded.
        let again = try Daemon(settings: bigger, log: { _ in })
        #expect(try RunStore(path: directory + "/state/ged.sqlite").allInputs().count == inputs.count)
        #expect(again.engine.config.evaluationBudget == 500)
    }

    @Test func aDaemonThatCannotBindLeavesNoRunBehind() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let seed = try seedFolder()
        let first = try Daemon(settings: settings(seed: seed), log: { _ in })
        var second = settings(seed: seed)
        second.stateDirectory = directory + "/other"
        second.workEndpoint = first.workEndpoint
        #expect(throws: (any Error).self) { try Daemon(settings: second, log: { _ in }) }
        #expect(try RunStore(path: directory + "/other/ged.sqlite").settings() == nil)
    }

    @Test func aSecondDaemonOnTheSameControlPathIsRefusedAndAStaleSocketIsReplaced() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let seed = try seedFolder()
        do {
            let first = try Daemon(settings: settings(seed: seed), log: { _ in })
            var second = settings(seed: seed)
            second.stateDirectory = directory + "/other"
            #expect(throws: DaemonError.endpointInUse(second.controlEndpoint)) { try Daemon(settings: second, log: { _ in }) }
            #expect(try RunStore(path: directory + "/other/ged.sqlite").settings() == nil, "no half-made run")
            withExtendedLifetime(first) {}
        }
        // A socket file nobody listens on any more, as a crash leaves behind.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in (directory + "/control.sock").utf8.enumerated() { buffer[index] = byte }
        }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(stale)
        #expect(FileManager.default.fileExists(atPath: directory + "/control.sock") && !UnixSocketPath.isListening(directory + "/control.sock"))
        let restarted = try Daemon(settings: settings(seed: seed), log: { _ in })
        #expect(UnixSocketPath.isListening(directory + "/control.sock"))
        withExtendedLifetime(restarted) {}
    }

    @Test func pauseIsRecordedSoARestartedRunStaysPaused() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let seed = try seedFolder()
        do {
            let daemon = try Daemon(settings: settings(seed: seed), log: { _ in })
            _ = try daemon.respond(to: .pause)
            #expect(daemon.engine.paused)
        }
        do {
            let resumed = try Daemon(settings: settings(seed: seed), log: { _ in })
            #expect(resumed.engine.paused)
            _ = try resumed.respond(to: .resume)
        }
        let again = try Daemon(settings: settings(seed: seed), log: { _ in })
        #expect(!again.engine.paused)
    }
}

/// Collects log lines from any thread.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    func add(_ line: String) { lines.withLock { $0.append(line) } }

    var all: [String] { lines.withLock { $0 } }
}
