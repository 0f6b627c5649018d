import GECore

/// Names why a screen or training run failed, from how it ended and its log.
public enum FailureClassifier {
    public static func classify(ending: ChildProcess.Ending, log: String) -> Failure.Kind {
        switch ending {
        case .timedOut: return .timeout
        case .cancelled: return .cancelled
        case .exited, .signalled: break
        }
        let text = log.lowercased()
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
        case .signalled(let signal): return "\(phase) was killed by signal \(signal)"
        case .exited(let status):
            let lines = log.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            if let error = lines.last(where: { $0.range(of: #"^[A-Za-z_.]*(Error|Exception)\b"#, options: .regularExpression) != nil }) {
                return "\(phase): \(error)"
            }
            return "\(phase) exited with status \(status)"
        }
    }
}
