/// The rungs of multi-fidelity evaluation: who scored at each lower rung, in
/// order of arrival. Who was promoted from a rung follows from the statuses:
/// every member not still waiting there (`rungScored` at that rung).
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

    init(rungs: Int) {
        scored = Array(repeating: [], count: rungs - 1)
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

    /// The ladder (empty without rungs). The engine mutates `fidelityLadder`
    /// itself, in place: a result must not copy every rung's members.
    var ladder: FidelityLadder {
        fidelityLadder ?? FidelityLadder(rungs: 1)
    }

    /// Whether `id` waits at `rung` for a promotion.
    func isWaiting(_ id: IndividualID, at rung: Int) -> Bool {
        if case .rungScored(rung, _) = individuals[id].status { return true }
        return false
    }

    /// The members of `rung` that left it: promoted (and trained or failed
    /// higher up, or queued for it).
    func promoted(from rung: Int) -> [IndividualID] {
        ladder.scored[rung].filter { !isWaiting($0, at: rung) }
    }

    /// A child scored below full fidelity: it waits at its rung, and the
    /// rung's promotions are decided again.
    mutating func scoreAtLowerRung(_ id: IndividualID, rung: Int, objectives: [Double]) -> [EngineEvent] {
        if rung == 0 {
            settleTrials(of: id, accepted: isAccepted(objectives, among: ladder.scored[0]) { $0.lowerRungFitness?.first })
        }
        individuals[id].lowerRungFitness = (individuals[id].lowerRungFitness ?? []) + [objectives]
        setStatus(of: id, .rungScored(rung: rung, fitness: objectives))
        fidelityLadder?.scored[rung].append(id)
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
        var left = members.count { !isWaiting($0, at: rung) }
        var events: [EngineEvent] = []
        for id in best.map({ members[$0] }) where isWaiting(id, at: rung) {
            guard left < count, mayCreate else { break }
            left += 1
            setStatus(of: id, .awaitingEvaluation)
            let firstNewChild = evaluationQueue.firstIndex { self.rung(of: $0) == 0 } ?? evaluationQueue.endIndex
            evaluationQueue.insert(id, at: firstNewChild)
            events.append(.promoted(id, rung: rung + 1))
        }
        return events
    }
}
