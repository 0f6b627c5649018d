/// Failure feedback, beyond the reference: a child that fails its screen or
/// training with an error in its code gets one repair attempt, a new child
/// bred from it by a repair prompt that shows the LLM the error.
public struct RepairCounts: Codable, Sendable, Equatable {
    /// Repair children planned.
    public internal(set) var attempted = 0
    /// Repair children that were scored.
    public internal(set) var scored = 0

    public init(attempted: Int = 0, scored: Int = 0) {
        self.attempted = attempted
        self.scored = scored
    }
}

extension Engine {
    /// Failures a change of code can fix: the error is in the child's code.
    static let repairableFailures: Set<Failure.Kind> = [.syntax, .import, .shape, .crash, .nan, .missingResult]

    /// Plans the repair of `id`, which failed its evaluation with `failure`,
    /// with probability p_repair; a repair child is not repaired again. The
    /// repair child starts as a copy of `id`; its prompt is made when an LLM
    /// slot is free.
    mutating func planRepair(of id: IndividualID, after failure: Failure) -> [EngineEvent] {
        guard id != 0, stopReason == nil, Self.repairableFailures.contains(failure.kind),
            individuals[id].origin != .repair, let segment = individuals[id].variations.last?.segment,
            mayCreate, rng.chance(config.variation.failureRepairProbability)
        else { return [] }
        let repair = individuals.count
        add(Individual(
            id: repair, genome: genome(of: id), parents: [id], variations: [], status: .breeding,
            bornAfterEvaluations: evaluationsCompleted, generation: generation))
        followUps.append(FollowUp(child: repair, variation: .repair, segment: segment, failure: failure.feedback))
        if config.mode == .generational { generationMembers.append(repair) }
        repairs.attempted += 1
        return [.repairPlanned(id, repair: repair)]
    }
}

extension Failure {
    /// What a repair prompt shows of the failure: the reason and the error
    /// excerpt (the exception and the lines before it).
    public var feedback: String {
        guard let excerpt, !excerpt.isEmpty else { return reason }
        return reason + "\n\n" + excerpt
    }
}
