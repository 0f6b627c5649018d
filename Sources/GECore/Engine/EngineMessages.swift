/// A request to the LLM for one child.
public struct LLMRequest: Codable, Sendable, Equatable {
    /// Unique within the run; answers are matched by it.
    public let id: Int
    /// The individual this answer shapes.
    public let child: IndividualID
    public let prompt: VariationPrompt
    /// The model the request goes to; `nil`: any LLM worker.
    public var model: String?
}

/// Work the engine wants done.
public enum EngineCommand: Codable, Sendable, Equatable {
    /// Ask the LLM; answer with `Engine.receiveAnswer`.
    case generate(LLMRequest)
    /// Ask the LLM to rephrase a template; answer (with text) by `Engine.receiveAnswer`.
    case rephrase(RephraseRequest)
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
    /// Scored at a lower fidelity rung: it informs promotion only.
    case rungScored(IndividualID, rung: Int, fitness: [Double])
    /// In the top 1/η of its rung: queued to train at `rung`, ahead of new children.
    case promoted(IndividualID, rung: Int)
    case evaluationFailed(IndividualID, Failure)
    /// The population changed: who joined, who left.
    case populationChanged(added: [IndividualID], removed: [IndividualID])
    /// The engine stopped creating work for this reason; the children
    /// waiting for a prompt or an evaluation were cancelled.
    case stopped(reason: String, cancelled: [IndividualID])
    /// The LLM could not be reached for this child; its prompt waits.
    case llmUnavailable(IndividualID, reason: String)
    /// Work is created again; `cleared` is the stop reason taken away.
    case resumed(cleared: String?)
    /// Prompt evolution made a template; it joins the pool.
    case templateEvolved(PromptTemplate, generation: Int)
    /// A rephrasing was not usable (no answer, or placeholders lost).
    case templateRejected(templateID: String, reason: String)
    /// A child that failed its evaluation gets a repair attempt: `repair`,
    /// bred from it with its error shown to the LLM.
    case repairPlanned(IndividualID, repair: IndividualID)
}

/// A request to the LLM to rephrase a mutation template (prompt evolution).
public struct RephraseRequest: Codable, Sendable, Equatable {
    /// Shares the id space of `LLMRequest`: answers are matched by it.
    public let id: Int
    /// The template rephrased; the evolved one keeps its kind, category and persona.
    public let original: PromptTemplate
    /// The full prompt text.
    public let text: String
    public let sampling: Sampling
    /// The round (generation) that asked for it; the evolved template is born in it.
    public let generation: Int
    /// The model the request goes to; `nil`: any LLM worker.
    public var model: String?

    /// The id the evolved template gets: its parent's, with the request's
    /// number, so ids stay unique and show the lineage.
    public var evolvedID: String { "\(original.id).r\(id)" }
}
