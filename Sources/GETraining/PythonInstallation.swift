import Foundation
import GEProcess

/// Where the `python3` that seeds' commands run lives, so the sandbox can
/// show it (read-only) and nothing else of the host's home folders.
public struct PythonInstallation: Sendable {
    /// The interpreter's folders: prefix, base prefix, and user site-packages.
    public let folders: [String]
    /// The folder of the interpreter itself, first on the jobs' PATH (a
    /// pyenv shim would need the whole pyenv and its environment).
    public let binDirectory: String

    public static func find() -> PythonInstallation? {
        let script = "import site, sys, os; print(os.path.realpath(sys.executable)); print(sys.prefix); print(sys.base_prefix); print(site.getusersitepackages())"
        guard let result = CommandOutput.run(["python3", "-c", script]), result.status == 0 else { return nil }
        let lines = result.stdout.split(separator: "\n").map(String.init)
        guard lines.count >= 3 else { return nil }
        let folders = Set(lines.dropFirst().filter { $0.hasPrefix("/") && FileManager.default.fileExists(atPath: $0) })
            .filter { !["/", "/usr"].contains($0) }
        return PythonInstallation(
            folders: folders.sorted(), binDirectory: URL(fileURLWithPath: lines[0]).deletingLastPathComponent().path)
    }
}
