import CSpawn
import Foundation

/// A command run as the leader of its own process group, with output to a
/// log file, so the whole group can be stopped at once — a training script's
/// data-loader workers included.
public final class ChildProcess: @unchecked Sendable {
    /// How a child ended.
    public enum Ending: Equatable, Sendable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        case cancelled
        /// Stopped because its folder grew past its cap.
        case overDisk(limit: Int)
    }

    public let pid: pid_t
    private let lock = NSLock()
    private var cancelRequested = false

    /// Starts `arguments` in `directory`, appending stdout and stderr to
    /// `log`, as the leader of a new process group that dies with the
    /// calling thread (see `ged_spawn`).
    public init(arguments: [String], directory: String, log: String, environment: [String: String]) throws {
        guard let program = arguments.first, let path = Self.resolve(program) else {
            throw ChildProcessError(message: "cannot start \(arguments.first ?? "nothing"): not found on PATH")
        }
        let logDescriptor = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard logDescriptor >= 0 else {
            throw ChildProcessError(message: "cannot open the job log \(log): \(String(cString: strerror(errno)))")
        }
        defer { close(logDescriptor) }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var child: pid_t = 0
        let status = ged_spawn(path, argv, envp, directory, logDescriptor, &child)
        guard status == 0 else {
            throw ChildProcessError(message: "cannot start \(program): \(String(cString: strerror(status)))")
        }
        pid = child
    }

    /// `program` itself if it names a path, else its first executable on PATH.
    static func resolve(_ program: String) -> String? {
        if program.contains("/") { return program }
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return folders.map { "\($0)/\(program)" }.first(where: FileManager.default.isExecutableFile(atPath:))
    }

    /// Asks `wait` to stop the group now.
    public func cancel() {
        lock.withLock { cancelRequested = true }
    }

    /// Waits for the child, stopping its whole group after `timeout` seconds
    /// or on `cancel()`: SIGTERM, then SIGKILL after `grace` seconds. Any
    /// process left in the group after the leader ends is killed too.
    /// `tick` runs about every 50 ms while waiting.
    public func wait(timeout: Double, grace: Double = 5, tick: () -> Void = {}) -> Ending {
        let deadline = Date().addingTimeInterval(timeout)
        var ending: Ending?
        var status: Int32 = 0
        while ending == nil {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                ending = Self.decode(status)
                break
            }
            if lock.withLock({ cancelRequested }) {
                ending = .cancelled
            } else if Date() >= deadline {
                ending = .timedOut
            } else {
                tick()
                usleep(50_000)
            }
        }
        if ending == .timedOut || ending == .cancelled {
            terminateGroup(grace: grace)
        }
        // Stragglers (background processes of the command) die with it.
        kill(-pid, SIGKILL)
        return ending!
    }

    private func terminateGroup(grace: Double) {
        kill(-pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        var status: Int32 = 0
        while Date() < deadline {
            if waitpid(pid, &status, WNOHANG) == pid { break }
            usleep(20_000)
        }
        kill(-pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
    }

    private static func decode(_ status: Int32) -> Ending {
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }
}

public struct ChildProcessError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
