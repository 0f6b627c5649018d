/// Why a child got no fitness: one typed kind for every stage (LLM, screen,
/// training, the daemon), a one-line reason, and the evidence.
public struct Failure: Codable, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        // The LLM stage.
        /// The provider refused the request (4xx other than 429), or the job was malformed.
        case request
        /// Rate limits, server errors, timeouts or broken replies outlasted the retries.
        case unavailable
        /// The prompt does not fit the model's context.
        case contextLength = "context_length"
        /// The answer has no usable code block.
        case noCode = "no_code"
        /// The child file does not compile (LLM stage) or fails to parse (screen).
        case syntax
        // Screening and training.
        case `import`
        case shape
        case crash
        case timeout
        case nan
        /// The seed's command wrote no usable result file.
        case missingResult = "missing_result"
        /// The job could not start (unknown seed, unwritable job directory).
        case setup
        /// The job ran out of memory (its limit, or the machine's).
        case oom
        /// The job wrote more than its job folder may hold.
        case disk
        // Any stage.
        /// A worker reported something that cannot be a result of this job.
        case invalidResult = "invalid_result"
        /// Every worker that took the job vanished; it was handed out too often.
        case abandoned
        /// The job or the run was cancelled before the child was finished.
        case cancelled
        /// Not evaluated by choice (the seed, when `evaluate_seed` is off).
        case skipped
    }

    public var kind: Kind
    /// One line: what went wrong.
    public var reason: String
    /// Evidence: the last lines of the failing command's output or the
    /// compiler's message, capped by `Failure.excerpt(of:)`.
    public var excerpt: String?

    public init(_ kind: Kind, _ reason: String, excerpt: String? = nil) {
        self.kind = kind
        self.reason = reason
        self.excerpt = excerpt.flatMap { $0.isEmpty ? nil : Self.excerpt(of: $0, lines: Self.excerptLines) }
    }

    /// The most lines an excerpt keeps: a Python exception and the 20 lines
    /// before it, with room for a chained exception's last line.
    public static let excerptLines = 24

    /// `kind: reason`, as logs and tables show it.
    public var description: String { "\(kind.rawValue): \(reason)" }

    /// At most the last `lines` lines and `bytes` bytes of `text`, cut at a
    /// character boundary: enough to see a Python traceback, never a flood.
    public static func excerpt(of text: String, lines: Int = 20, bytes: Int = 4096) -> String {
        var all = text.split(separator: "\n", omittingEmptySubsequences: false)
        if all.last?.isEmpty == true { all.removeLast() }
        let tail = all.suffix(lines).joined(separator: "\n")
        guard tail.utf8.count > bytes else { return tail }
        // Drop UTF-8 continuation bytes so the cut falls between characters.
        let end = tail.utf8.suffix(bytes).drop { $0 & 0b1100_0000 == 0b1000_0000 }
        return String(decoding: end, as: UTF8.self)
    }
}
