/// A request to the LLM for one child.
public struct LLMRequest: Codable, Sendable, Equatable {
    /// Unique within the run; answers are matched by it.
    public let id: Int
    /// The individual this answer shapes.
    public let child: IndividualID
    public let prompt: VariationPrompt
}

/// Work the engine wants done.
public enum EngineCommand: Codable, Sendable, Equatable {
    /// Ask the LLM; answer with `Engine.receiveAnswer`.
    case generate(LLMRequest)
    /// Screen and train this variant; answer with `Engine.receiveEvaluation`.
    case evaluate(IndividualID, Genome)
}

/// Something that changed, for logs, events and the store.
public enum EngineEvent: Codable, Sendable, Equatable {
    /// A child's code is complete and queued for evaluation.
    case childReady(IndividualID)
    /// A child will not be evaluated.
    case childFailed(IndividualID, Failure)
    case childDuplicate(IndividualID, of: IndividualID)
    case evaluated(IndividualID, fitness: [Double])
    case evaluationFailed(IndividualID, Failure)
    /// The population changed: who joined, who left.
    case populationChanged(added: [IndividualID], removed: [IndividualID])
    /// The engine stopped creating work for this reason.
    case stopped(reason: String)
    /// The LLM could not be reached for this child; its prompt waits.
    case llmUnavailable(IndividualID, reason: String)
    /// Work is created again; `cleared` is the stop reason taken away.
    case resumed(cleared: String?)
}
