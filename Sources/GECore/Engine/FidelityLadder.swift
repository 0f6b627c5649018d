/// The rungs of multi-fidelity evaluation: who scored at each lower rung and
/// who was promoted from it.
///
/// Promotion is asynchronous successive halving (ASHA, Li et al. 2020): no
/// rung waits to fill. Whenever a child scores at rung r, the top ⌊n/η⌋ of
/// the n children scored there so far — by non-dominated rank, then crowding
/// (NSGA-II's order) — are promotable, and those not yet promoted go to rung
/// r + 1 at once, best first, while fewer than ⌊n/η⌋ have left the rung.
///
/// That quota is ours: ASHA ranks one scalar, whose order a new result
/// shifts by one place at most. Crowding reorders a whole front at every
/// result, so without the quota nearly every member of a broad front is in
/// the top at some moment, and measured on `gebench fidelity` about 60 % of
/// each rung went up instead of 1/η. A child low in its rung may still rise
/// later, so the engine keeps its genome while it waits.
struct FidelityLadder: Codable, Sendable, Equatable {
    /// Per lower rung: the children scored there, in order of arrival.
    var scored: [[IndividualID]]
    /// Per lower rung: the children promoted from it.
    var promoted: [Set<IndividualID>]

    init(rungs: Int) {
        scored = Array(repeating: [], count: rungs - 1)
        promoted = Array(repeating: [], count: rungs - 1)
    }
}

extension Engine {
    /// The rung of an individual's next (or current) evaluation: 0 without
    /// rungs; the seed trains at full fidelity at once, as the baseline.
    public func rung(of id: IndividualID) -> Int {
        guard let fidelity = config.fidelity else { return 0 }
        if id == 0 { return fidelity.rungs - 1 }
        return individuals[id].lowerRungFitness?.count ?? 0
    }

    /// With rungs: how many children scored at each rung, lowest first (the
    /// last: full fidelity, the seed included).
    public var scoredPerRung: [Int]? {
        guard config.fidelity != nil else { return nil }
        return ladder.scored.map(\.count) + [individuals.count { $0.fitness != nil }]
    }

    var ladder: FidelityLadder {
        get { fidelityLadder ?? FidelityLadder(rungs: config.fidelity?.rungs ?? 1) }
        set { fidelityLadder = newValue }
    }

    /// A child scored below full fidelity: it waits at its rung, and the
    /// rung's promotions are decided again.
    mutating func scoreAtLowerRung(_ id: IndividualID, rung: Int, objectives: [Double]) -> [EngineEvent] {
        individuals[id].lowerRungFitness = (individuals[id].lowerRungFitness ?? []) + [objectives]
        setStatus(of: id, .rungScored(rung: rung, fitness: objectives))
        ladder.scored[rung].append(id)
        return [.rungScored(id, rung: rung, fitness: objectives)] + promote(from: rung)
    }

    /// Promotes the top 1/η of `rung` not promoted yet, while the budget has
    /// room: queued after earlier promotions and ahead of new children.
    mutating func promote(from rung: Int) -> [EngineEvent] {
        guard let fidelity = config.fidelity else { return [] }
        let members = ladder.scored[rung]
        let count = members.count / fidelity.eta
        guard count > 0 else { return [] }
        let best = NSGA2.select(
            members.map { individuals[$0].lowerRungFitness![rung] }, weights: config.weights, count: count)
        var events: [EngineEvent] = []
        for index in best {
            let id = members[index]
            // Only a child still waiting at this rung: not one promoted, or
            // cancelled back to it by a stop, or failed higher up.
            guard ladder.promoted[rung].count < count, mayCreate else { break }
            guard individuals[id].status == .rungScored(rung: rung, fitness: individuals[id].lowerRungFitness![rung]),
                  !ladder.promoted[rung].contains(id)
            else { continue }
            ladder.promoted[rung].insert(id)
            setStatus(of: id, .awaitingEvaluation)
            let firstNewChild = evaluationQueue.firstIndex { self.rung(of: $0) == 0 } ?? evaluationQueue.endIndex
            evaluationQueue.insert(id, at: firstNewChild)
            events.append(.promoted(id, rung: rung + 1))
        }
        return events
    }
}
