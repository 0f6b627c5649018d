import Foundation
import GEProcess

/// Where generated code runs.
///
/// `bubblewrap` (the default, and required unless the operator says
/// otherwise) gives every command: its own PID, IPC, UTS and network
/// namespaces (no network at all); a new session; death with the worker; no
/// capabilities (a root worker's jobs run as an unprivileged user, see
/// `SandboxPolicy.jobUser`); an empty environment plus an allow-list; a
/// minimal /dev with only the worker's GPU nodes; a private, size-limited
/// /tmp and /dev/shm; the system's programs and libraries, the Python
/// installation and the seeds read-only; and its job directory as the only
/// writable path. Nothing else of the host — home directories, the daemon's
/// state, keys — exists inside. `none` runs the command directly, with the
/// environment allow-list and the resource limits only.
public enum Sandbox: Sendable, Equatable {
    case bubblewrap(path: String)
    case none

    /// Bubblewrap (`bwrap` on PATH) if it is installed and runs `policy`
    /// here, else `nil`.
    public static func detect(policy: SandboxPolicy) -> Sandbox? {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        for path in folders.map({ String($0) + "/bwrap" }) where FileManager.default.isExecutableFile(atPath: path) {
            let candidate = Sandbox.bubblewrap(path: path)
            if candidate.works(policy) { return candidate }
        }
        return nil
    }

    /// The command line that runs the shell `command` in `directory` under
    /// `policy`; the environment travels inside it (`--setenv`), so the
    /// process is started with an empty one.
    public func arguments(for command: String, in directory: String, policy: SandboxPolicy) -> [String] {
        let limits = policy.limits.prlimitArguments
        switch self {
        case .none:
            return limits + Self.dieWithWorker + ["/usr/bin/env", "-i"]
                + policy.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + ["/bin/sh", "-c", command]
        case .bubblewrap(let path):
            var mounts = MountList()
            mounts.systemMounts()
            mounts.arguments += ["--proc", "/proc", "--dev", "/dev"]
            for device in policy.devices { mounts.arguments += ["--dev-bind-try", device, device] }
            mounts.arguments += ["--perms", "01777", "--size", String(policy.tmpBytes), "--tmpfs", "/tmp"]
            mounts.arguments += ["--perms", "01777", "--size", String(policy.tmpBytes), "--tmpfs", "/dev/shm"]
            mounts.empty.formUnion(["/tmp", "/dev", "/dev/shm", "/proc"])
            for folder in policy.readOnly where FileManager.default.fileExists(atPath: folder) {
                mounts.bind("--ro-bind", folder)
            }
            mounts.bind("--bind", directory)
            for folder in policy.hidden where mounts.isCovered(folder) {
                mounts.arguments += ["--perms", "0000", "--tmpfs", folder, "--remount-ro", folder]
            }
            // The sandbox's own root holds only mount points: read-only too.
            mounts.arguments += ["--remount-ro", "/"]
            var arguments = limits + [path, "--die-with-parent", "--new-session", "--unshare-ipc", "--unshare-pid",
                                      "--unshare-net", "--unshare-uts", "--unshare-cgroup-try", "--clearenv"]
            for (key, value) in policy.environment.sorted(by: { $0.key < $1.key }) {
                arguments += ["--setenv", key, value]
            }
            arguments += mounts.arguments + ["--chdir", directory]
            if let user = policy.jobUser {
                // A root worker: the command starts as root without any
                // capability but the two it needs to become `user`, and
                // setpriv gives those up too before the job's code runs.
                arguments += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
                              "/usr/bin/setpriv", "--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups",
                              "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
            } else {
                // An unprivileged worker: a user namespace of its own, with no
                // capability in it.
                arguments += ["--unshare-user", "--disable-userns", "--cap-drop", "ALL", "--"]
            }
            return arguments + ["/bin/sh", "-c", command]
        }
    }

    /// The mounts of a sandbox in order, with the folders leading to each
    /// made world-readable (bubblewrap would make them 0700, and a job
    /// running as another user could not pass through them).
    struct MountList {
        var arguments: [String] = []
        /// Where a folder tree is mounted: folders below exist already.
        var mounted: Set<String> = ["/"]
        /// Folders that exist but hold nothing yet: empty mounts (tmpfs) and
        /// folders made on the way to a mount point.
        var empty: Set<String> = []

        mutating func bind(_ option: String, _ path: String) {
            if isCovered(path) && option == "--ro-bind" { return }
            var ancestor = ""
            for part in path.split(separator: "/").dropLast() {
                ancestor += "/" + part
                if !isCovered(ancestor), !empty.contains(ancestor) {
                    arguments += ["--perms", "0755", "--dir", ancestor]
                    empty.insert(ancestor)
                }
            }
            arguments += [option, path, path]
            mounted.insert(path)
        }

        /// Whether `path` is, or lies below, something already mounted.
        func isCovered(_ path: String) -> Bool {
            mounted.contains { $0 == path || ($0 != "/" && path.hasPrefix($0 + "/")) }
        }

        /// The system's programs, libraries and the few files of /etc that
        /// programs need, read-only; merged-/usr links as links.
        mutating func systemMounts() {
            bind("--ro-bind", "/usr")
            for top in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] {
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: top) {
                    arguments += ["--symlink", target, top]
                } else if FileManager.default.fileExists(atPath: top) {
                    bind("--ro-bind", top)
                }
            }
            for name in Sandbox.etcFiles where FileManager.default.fileExists(atPath: "/etc/" + name) {
                bind("--ro-bind", "/etc/" + name)
            }
        }
    }

    /// Without bubblewrap, the command still dies with the worker, all its
    /// descendants too: `unshare` gives it a PID namespace whose init dies
    /// with `unshare`, which dies with the worker (the parent-death signal
    /// setpriv sets). Empty when util-linux lacks them or this host allows
    /// no PID namespace here (then only the process group is stopped).
    static let dieWithWorker: [String] = {
        let tools = ["/usr/bin/setpriv", "/usr/bin/unshare"]
        guard tools.allSatisfy(FileManager.default.isExecutableFile(atPath:)) else { return [] }
        let user = getuid() == 0 ? [] : ["--user", "--map-current-user"]
        let prefix = ["/usr/bin/setpriv", "--pdeathsig", "KILL", "--", "/usr/bin/unshare", "--pid", "--fork",
                      "--kill-child=KILL"] + user + ["--"]
        return CommandOutput.run(prefix + ["/bin/true"])?.status == 0 ? prefix : []
    }()

    /// What of /etc a job may read: the loader, names of users and groups
    /// (no passwords: those are in /etc/shadow, which is not here), time
    /// zone, certificates.
    static let etcFiles = [
        "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "localtime", "passwd", "group",
        "nsswitch.conf", "ssl", "ca-certificates", "os-release", "mime.types",
    ]

    private func works(_ policy: SandboxPolicy) -> Bool {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ge-sandbox-probe-\(UUID().uuidString)")
        guard (try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)) != nil else {
            return false
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        policy.jobUser.map { _ = chown(directory.path, $0.uid, $0.gid) }
        return CommandOutput.run(arguments(for: "true", in: directory.path, policy: policy))?.status == 0
    }
}
