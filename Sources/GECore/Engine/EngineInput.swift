/// Everything that changes an engine, as a value: the daemon records each
/// input before acting on it, and replays them after a restart.
public enum EngineInput: Codable, Sendable, Equatable {
    case step(freeLLMSlots: Int, freeEvaluationSlots: Int)
    case answer(requestID: Int, LLMOutcome)
    case evaluation(IndividualID, EvaluationOutcome)
    case stop(reason: String)
    /// Changes a setting that may change while running: `evaluation_budget`
    /// or `lookahead`.
    case configure(key: String, value: Int)
}

extension Engine {
    /// Applies one input; returns the work it asks for and what changed.
    public mutating func apply(_ input: EngineInput, library: PromptLibrary) -> (commands: [EngineCommand], events: [EngineEvent]) {
        switch input {
        case .step(let llm, let evaluation):
            return (step(freeLLMSlots: llm, freeEvaluationSlots: evaluation, library: library), [])
        case .answer(let requestID, let outcome):
            return ([], receiveAnswer(requestID: requestID, outcome: outcome))
        case .evaluation(let id, let outcome):
            return ([], receiveEvaluation(of: id, outcome: outcome))
        case .stop(let reason):
            return ([], stop(reason: reason))
        case .configure(let key, let value):
            var changed = config
            switch key {
            case "evaluation_budget": changed.evaluationBudget = max(value, evaluationsCompleted)
            case "lookahead": changed.lookahead = max(0, value)
            default: return ([], [])
            }
            config = changed
            return ([], [])
        }
    }

    /// The settings `configure` accepts.
    public static let liveSettings = ["evaluation_budget", "lookahead"]
}
