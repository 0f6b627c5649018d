import Foundation
import GECore

/// Names why a screen or training run failed, from how it ended and its log.
public enum FailureClassifier {
    public static func classify(ending: ChildProcess.Ending, log: String) -> Failure.Kind {
        switch ending {
        case .timedOut: return .timeout
        case .cancelled: return .cancelled
        case .overDisk: return .disk
        case .exited, .signalled: break
        }
        let text = log.lowercased()
        let memorySigns = ["memoryerror", "cannot allocate memory", "std::bad_alloc", "out of memory", "oom-kill"]
        if memorySigns.contains(where: text.contains) { return .oom }
        if text.contains("file too large") || text.contains("no space left on device") { return .disk }
        if text.contains("syntaxerror") || text.contains("indentationerror") || text.contains("taberror") {
            return .syntax
        }
        if text.contains("modulenotfounderror") || text.contains("importerror")
            || text.contains("cannot import name") || text.contains("nameerror")
        {
            return .import
        }
        let shapeSigns = ["size mismatch", "shape", "mat1 and mat2", "must match the size", "expected input",
                          "dimension out of range", "sizes of tensors must match", "got input of size"]
        if shapeSigns.contains(where: text.contains) { return .shape }
        if text.contains("loss is nan") || text.contains("nan loss") || text.contains("loss: nan") { return .nan }
        return .crash
    }

    /// A one-line reason: the last line that looks like a Python error, or
    /// how the process ended.
    public static func reason(ending: ChildProcess.Ending, log: String, phase: String, timeout: Double) -> String {
        switch ending {
        case .timedOut: return "\(phase) exceeded its \(Int(timeout)) s limit and was killed"
        case .cancelled: return "\(phase) was cancelled"
        case .overDisk(let limit): return "\(phase) wrote more than its \(limit >> 20) MB to its job folder and was stopped"
        case .signalled(let signal):
            if signal == SIGXCPU { return "\(phase) used up its CPU time and was killed" }
            if signal == SIGXFSZ { return "\(phase) wrote a file larger than its limit and was killed" }
            return "\(phase) was killed by signal \(signal)"
        case .exited(let status):
            let lines = log.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            if let error = lines.last(where: isErrorLine) {
                return "\(phase): \(error)"
            }
            let last = lines.last { !$0.isEmpty }.map { " after printing \"\($0.prefix(200))\"" } ?? " without output"
            return "\(phase) exited with status \(status)\(last)"
        }
    }

    /// Whether a log line is a Python exception's last line (`ValueError: ...`).
    static func isErrorLine<S: StringProtocol>(_ line: S) -> Bool {
        line.trimmingCharacters(in: .whitespaces)
            .range(of: #"^[A-Za-z_.]*(Error|Exception)\b"#, options: .regularExpression) != nil
    }

    /// The evidence a failure carries, and a repair prompt shows: the last
    /// Python exception line and the `before` lines before it; without one,
    /// the log's last lines.
    public static func excerpt(log: String, before: Int = 20) -> String {
        var lines = log.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard let error = lines.lastIndex(where: isErrorLine) else {
            return lines.suffix(before).joined(separator: "\n")
        }
        return lines[max(0, error - before)...error].joined(separator: "\n")
    }
}
