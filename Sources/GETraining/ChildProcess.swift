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

    /// Starts `arguments` in `directory`, appending stdout and stderr to `log`.
    public init(arguments: [String], directory: String, log: String, environment: [String: String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        ged_spawn_file_actions_addchdir(&actions, directory)
        // Nothing of the worker's open files (sockets, pipes of whoever
        // started it) may reach the job, nor keep such a pipe open after the
        // worker is gone.
        ged_spawn_file_actions_addclosefrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A new process group led by the child; default dispositions and an
        // empty mask, since the parent's threads may block SIGTERM.
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&defaults, number) }
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawnp(&child, arguments[0], &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw ChildProcessError(message: "cannot start \(arguments[0]): \(String(cString: strerror(status)))")
        }
        pid = child
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
