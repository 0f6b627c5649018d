/// Identifies an individual within a run; the seed is 0, children count up.
public typealias IndividualID = Int

/// One variant of the seed file and what became of it.
public struct Individual: Codable, Sendable, Equatable {
    /// Where an individual is in its life.
    public enum Status: Codable, Sendable, Equatable {
        /// Waiting for an LLM answer, or for a further LLM step.
        case breeding
        /// Code complete; waiting for a free evaluation slot.
        case awaitingEvaluation
        /// Sent to a worker for screening and training.
        case evaluating
        /// Trained and scored (at full fidelity, with rungs).
        case evaluated(fitness: [Double])
        /// Trained and scored at a lower fidelity rung; waits there until it
        /// is promoted to the next (see `EngineConfig.Fidelity`).
        case rungScored(rung: Int, fitness: [Double])
        /// Given up: the LLM, the screen, training or the run failed it.
        case failed(Failure)
        /// Its normalized code equals that of an earlier individual.
        case duplicate(of: IndividualID)
    }

    /// One LLM step that changed the genome.
    public struct Variation: Codable, Sendable, Equatable {
        public let variation: VariationOperator
        public let templateID: String
        public let persona: String
        public let category: String?
        public let segment: Int
        public let temperature: Double
        public let elite: IndividualID?
        /// The model that answered; `nil` when unknown (no model listed,
        /// and the worker named none).
        public var model: String?
    }

    public let id: IndividualID
    /// The code, while a later decision may need it: `nil` once the
    /// individual is done and no longer a possible parent (its code is in the
    /// store; see `Engine.releaseGenomes`).
    public internal(set) var genome: Genome?
    /// Parents, the base parent first; empty for the seed.
    public let parents: [IndividualID]
    /// The LLM steps that made this individual, in order.
    public internal(set) var variations: [Variation]
    public internal(set) var status: Status
    /// Completed evaluations in the run when this individual was created.
    public let bornAfterEvaluations: Int
    /// The generation (report unit in steady mode) it was created in.
    public let generation: Int
    /// With fidelity rungs: the objectives at each lower rung it passed,
    /// lowest first (`nil` before the first).
    public internal(set) var lowerRungFitness: [[Double]]? = nil

    /// The fitness, if evaluated.
    public var fitness: [Double]? {
        if case .evaluated(let fitness) = status { return fitness }
        return nil
    }

    /// How the individual was made: its first step, or `seed`.
    public var origin: VariationOperator {
        variations.first?.variation ?? .seed
    }
}

extension Individual.Status {
    /// One word for tables, exports and the store.
    public var name: String {
        switch self {
        case .breeding: "breeding"
        case .awaitingEvaluation: "queued"
        case .evaluating: "evaluating"
        case .evaluated: "evaluated"
        case .rungScored: "rung"
        case .failed: "failed"
        case .duplicate: "duplicate"
        }
    }

    /// Why it got no fitness, when it failed.
    public var failure: Failure? {
        if case .failed(let failure) = self { return failure }
        return nil
    }
}
