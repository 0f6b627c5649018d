/// What an LLM job produced, as the worker reports it and the engine takes
/// it: the child's whole source file, or why there is none.
///
/// The worker decides the child's source (`Operators.child`), checks that it
/// compiles, and sends it; the engine only verifies that it differs from its
/// base in the prompt's segment alone. The model's raw answer travels in
/// `LLMCall` as evidence, never as a second way to make the child.
public enum LLMOutcome: Codable, Sendable, Equatable {
    case code(source: String, call: LLMCall)
    /// The answer to a request for text (a rephrased template), trimmed.
    case text(String, call: LLMCall)
    case failure(Failure, call: LLMCall)

    /// The call's record, whatever the outcome.
    public var call: LLMCall {
        switch self {
        case .code(_, let call), .text(_, let call), .failure(_, let call): call
        }
    }

    /// The child's source, when the job made one.
    public var source: String? {
        if case .code(let source, _) = self { return source }
        return nil
    }

    /// Why it failed, when it did.
    public var failed: Failure? {
        if case .failure(let failure, _) = self { return failure }
        return nil
    }
}

/// How an LLM job went: requests made, time taken, the model's answer.
public struct LLMCall: Codable, Sendable, Equatable {
    /// HTTP requests made, retries included.
    public var requests: Int
    public var seconds: Double
    /// The model's whole answer when one arrived, capped at
    /// `LLMCall.answerLimit` bytes (its end kept).
    public var answer: String?
    /// The model that answered, as the worker names it.
    public var model: String?
    /// Tokens the provider reported; `nil` when it reported none.
    public var usage: TokenUsage?

    /// Evidence is capped so that a runaway answer cannot bloat the run.
    public static let answerLimit = 16_384

    public init(requests: Int, seconds: Double, answer: String? = nil, model: String? = nil, usage: TokenUsage? = nil) {
        self.requests = requests
        self.seconds = seconds
        self.answer = answer.map { Failure.excerpt(of: $0, lines: Int.max, bytes: Self.answerLimit) }
        self.model = model
        self.usage = usage
    }

    /// For outcomes the daemon makes itself (no worker answered).
    public static let none = LLMCall(requests: 0, seconds: 0)
}
