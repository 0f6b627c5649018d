import Foundation
import GEProcess

/// Checks that generated Python compiles, with the seed's interpreter
/// (`python -m py_compile` on a temporary file).
public struct SyntaxChecker: Sendable {
    public let python: String

    public init(python: String = "python3") {
        self.python = python
    }

    /// `nil` when `source` compiles; otherwise the compiler's message.
    public func check(_ source: String) -> String? {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ge-syntax-\(UUID().uuidString)")
        let file = directory.appendingPathComponent("variant.py")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(source.utf8).write(to: file)
        } catch {
            return "cannot write a temporary file for the syntax check: \(error.localizedDescription)"
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        guard let result = CommandOutput.run([python, "-B", "-m", "py_compile", file.path]) else {
            return "cannot run \(python) for the syntax check"
        }
        guard result.status != 0 else { return nil }
        let lines = result.stderr.split(whereSeparator: \.isNewline)
            .map { $0.replacingOccurrences(of: file.path, with: "variant.py") }
        return lines.suffix(4).joined(separator: " | ")
    }
}
