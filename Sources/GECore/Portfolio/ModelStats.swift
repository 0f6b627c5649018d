/// What one model did for the run, counted as it happens.
public struct ModelStats: Codable, Sendable, Equatable {
    /// LLM jobs it answered (or failed), rephrasings included.
    public internal(set) var requests = 0
    /// Answers that made a child's code.
    public internal(set) var code = 0
    /// Answers without a usable code block.
    public internal(set) var noCode = 0
    /// Children that did not compile.
    public internal(set) var syntaxFailures = 0
    /// Jobs that failed otherwise (refused, unavailable, a bad result).
    public internal(set) var otherFailures = 0
    /// Requests whose child's fate is known: the bandit's trials.
    public internal(set) var trials = 0
    /// Of those, the ones whose child was accepted: the bandit's successes.
    public internal(set) var accepted = 0
    /// Prompt tokens its jobs used, as the providers reported them.
    public internal(set) var inputTokens = 0
    /// Generated tokens.
    public internal(set) var outputTokens = 0
    /// What the tokens cost at the model's listed prices.
    public internal(set) var cost = 0.0
    /// Seconds its jobs took, retries included.
    public internal(set) var seconds = 0.0

    public init() {}

    /// Accepted children per trial; `nil` before the first trial.
    public var acceptanceRate: Double? { trials > 0 ? Double(accepted) / Double(trials) : nil }
    public var noCodeRate: Double? { requests > 0 ? Double(noCode) / Double(requests) : nil }
    public var syntaxFailureRate: Double? { requests > 0 ? Double(syntaxFailures) / Double(requests) : nil }

    /// Counts one finished job.
    mutating func count(_ outcome: LLMOutcome, cost: Double) {
        requests += 1
        switch outcome {
        case .code, .text: code += 1
        case .failure(let failure, _) where failure.kind == .noCode: noCode += 1
        case .failure(let failure, _) where failure.kind == .syntax: syntaxFailures += 1
        case .failure: otherFailures += 1
        }
        if let used = outcome.call.usage {
            inputTokens = Self.sum(inputTokens, used.input)
            outputTokens = Self.sum(outputTokens, used.output)
        }
        self.cost += cost
        seconds += ReportedDuration.counted(outcome.call.seconds)
    }

    private static func sum(_ a: Int, _ b: Int) -> Int {
        let (total, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max : total
    }

    /// Counts one trial of the bandit.
    mutating func countTrial(accepted success: Bool) {
        trials += 1
        if success { accepted += 1 }
    }
}
