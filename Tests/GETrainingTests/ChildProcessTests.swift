import Foundation
import Synchronization
@testable import GETraining
import Testing

@Suite struct ChildProcessTests {
    let log = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString).log").path

    /// The parent-death signal is set in the child before it execs anything,
    /// not by a helper later: a plain program started from a thread that
    /// then ends (as a worker's would on death) is killed at once.
    @Test func aChildDiesWithTheThreadThatStartedIt() throws {
        defer { try? FileManager.default.removeItem(atPath: log) }
        let started = Mutex<pid_t?>(nil)
        let thread = Thread { [log] in
            let child = try? ChildProcess(arguments: ["/bin/sleep", "30"], directory: "/", log: log, environment: [:])
            started.withLock { $0 = child?.pid }
        }
        thread.start()
        var pid: pid_t?
        for _ in 0..<200 where pid == nil {
            usleep(10_000)
            pid = started.withLock { $0 }
        }
        let child = try #require(pid)
        var status: Int32 = 0
        // The starting thread has ended by now or soon: the child must die
        // of SIGKILL long before its 30 seconds.
        let began = Date()
        #expect(waitpid(child, &status, 0) == child)
        #expect(status & 0x7f == SIGKILL, "killed, not exited: status \(status)")
        #expect(Date().timeIntervalSince(began) < 10)
    }

    @Test func aChildGetsNullStdinTheLogAndNoOtherDescriptor() throws {
        defer { try? FileManager.default.removeItem(atPath: log) }
        let leaked = open("/dev/null", O_RDONLY)  // not close-on-exec: must not reach the child anyway
        defer { close(leaked) }
        let child = try ChildProcess(
            arguments: ["/bin/sh", "-c", "ls /proc/self/fd; read line; echo \"read: $?\"; echo \"pwd: $(pwd)\" >&2"],
            directory: "/var", log: log, environment: [:])
        #expect(child.wait(timeout: 10) == .exited(0))
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        // 0, 1, 2 and the descriptor `ls` opens to list them.
        #expect(lines.prefix(while: { Int($0) != nil }).count <= 4, "\(lines)")
        #expect(!lines.contains(String(leaked)) || leaked <= 3, "\(lines)")
        #expect(lines.contains("read: 1") && lines.contains("pwd: /var"), "\(lines)")
    }

    @Test func aProgramThatCannotStartIsAnErrorNamingIt() {
        #expect(throws: ChildProcessError.self) {
            _ = try ChildProcess(arguments: ["/nonexistent/program"], directory: "/", log: log, environment: [:])
        }
        let error = #expect(throws: ChildProcessError.self) {
            _ = try ChildProcess(arguments: ["/bin/true"], directory: "/nonexistent", log: log, environment: [:])
        }
        #expect(error?.message == "cannot start /bin/true: No such file or directory")
        try? FileManager.default.removeItem(atPath: log)
    }
}
