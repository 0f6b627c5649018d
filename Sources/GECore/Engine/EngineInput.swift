/// Everything that changes an engine, as a value: the daemon records each
/// input before acting on it, and replays them after a restart.
public enum EngineInput: Codable, Sendable, Equatable {
    case step(freeLLMSlots: Int, freeEvaluationSlots: Int)
    case answer(requestID: Int, LLMOutcome)
    case evaluation(IndividualID, EvaluationOutcome)
    case stop(reason: String)
    /// Create no new work until `resume`; what is in flight still reports.
    case pause
    /// Ends a pause, and clears a stop while budget is left (`Engine.resume`).
    case resume
    /// New settings while running. What shapes the run's structure (mode,
    /// objectives, population and archive sizes, the seed's evaluation) keeps
    /// its value; the rest is taken if valid. See `Engine.reconfigure`.
    case configure(EngineConfig)
    /// The model names the connected LLM workers serve, whenever that set
    /// changes: the bandit chooses among the listed models in it.
    case modelsServed([String])
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
        case .configure(let config):
            reconfigure(config)
            return ([], [])
        case .pause:
            paused = true
            return ([], [])
        case .resume:
            return ([], resume())
        case .modelsServed(let names):
            serve(names)
            return ([], [])
        }
    }
}
