import Foundation
import GEProcess

/// Where generated code runs: inside bubblewrap (no network, writes only to
/// its job directory and a private /tmp) or, when bubblewrap is missing,
/// directly.
public enum Sandbox: Sendable, Equatable {
    case bubblewrap(path: String)
    case none

    /// Bubblewrap if it is installed and works here, else `.none`.
    public static func detect() -> Sandbox {
        for path in ["/usr/bin/bwrap", "/usr/local/bin/bwrap"] where FileManager.default.isExecutableFile(atPath: path) {
            let candidate = Sandbox.bubblewrap(path: path)
            if candidate.works { return candidate }
        }
        return .none
    }

    /// The command line that runs the shell `command` in `directory`.
    public func arguments(for command: String, in directory: String) -> [String] {
        switch self {
        case .none:
            return ["/bin/sh", "-c", command]
        case .bubblewrap(let path):
            // --dev-bind keeps GPU device nodes; no --new-session, so the
            // whole sandbox stays in the worker's process group for killing.
            return [
                path, "--ro-bind", "/", "/", "--dev-bind", "/dev", "/dev", "--proc", "/proc",
                "--tmpfs", "/tmp", "--bind", directory, directory, "--unshare-net", "--unshare-ipc",
                "--die-with-parent", "--chdir", directory, "/bin/sh", "-c", command,
            ]
        }
    }

    private var works: Bool {
        CommandOutput.run(arguments(for: "true", in: "/"))?.status == 0
    }
}
