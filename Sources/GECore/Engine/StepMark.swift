extension Engine {
    /// A summary of everything `step` can change that costs nothing to take.
    /// `step` is asked after every reactor turn and mostly changes nothing;
    /// equal marks before and after a step that returned no commands mean
    /// the step changed nothing and need not be recorded. Every decision
    /// draws from the RNG, and every other change of `step` moves a count.
    public struct StepMark: Equatable, Sendable {
        let rng: SeededRandom
        let stopReason: String?
        let counts: [Int]
    }

    public var stepMark: StepMark {
        StepMark(
            rng: rng, stopReason: stopReason,
            counts: [
                individuals.count, generation, nextRequestID, initialCreated, paused ? 1 : 0,
                plannedPrompts.count, followUps.count, evaluationQueue.count,
                population.count, archive.count, generationMembers.count, generationElites.count,
                evolution.planned.count, evolution.open.count, evolution.lastRound,
                pipeline.breeding, pipeline.queued, pipeline.evaluating,
            ])
    }
}
