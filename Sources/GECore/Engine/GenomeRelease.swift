/// Only a possible parent's code is kept in the engine.
///
/// A run makes far more individuals than it can breed from: every failure,
/// duplicate and evaluated child that selection drops is history. Its code is
/// in the store (written when the code arrived), so the engine lets go of its
/// genome as soon as no later decision can need it, and memory and snapshots
/// grow with the working set (population, archive, hall of fame, pipeline),
/// not with the run.
extension Engine {
    /// Individuals a later decision may breed from or show, if evaluated:
    /// the seed, the population, the archive, the hall of fame and, in
    /// generational mode, the generation being bred and its elites.
    var possibleParents: Set<IndividualID> {
        var kept = Set(population)
        kept.insert(0)
        kept.formUnion(archive)
        kept.formUnion(hallOfFame.ids)
        kept.formUnion(generationMembers)
        kept.formUnion(generationElites)
        return kept
    }

    /// The genome of a possible parent or of a child in the pipeline: the
    /// engine keeps those (see `releaseGenomes(of:keeping:)`). Any other
    /// individual's code is in the store.
    public func genome(of id: IndividualID) -> Genome {
        guard let genome = individuals[id].genome else {
            preconditionFailure("individual \(id) (\(individuals[id].status.name)) has no genome: it was released as no longer a possible parent")
        }
        return genome
    }

    /// Drops the genomes of those of `ids` that failed or are duplicates
    /// (never parents), and of those evaluated and not among `kept`; the
    /// seed's is never dropped, nor that of a child waiting at a lower rung
    /// (it may be promoted, and trained again, at any later result).
    mutating func releaseGenomes(of ids: some Sequence<IndividualID>, keeping kept: Set<IndividualID>) {
        for id in ids where id != 0 && individuals[id].genome != nil {
            switch individuals[id].status {
            case .failed, .duplicate: individuals[id].genome = nil
            case .evaluated where !kept.contains(id): individuals[id].genome = nil
            case .evaluated, .rungScored, .breeding, .awaitingEvaluation, .evaluating: break
            }
        }
    }

    /// Runs a change that may move individuals out of the possible parents,
    /// then releases the genomes of those that left and of `finished`.
    mutating func releasingGenomes<Result>(
        finished: [IndividualID] = [], _ change: (inout Engine) -> Result
    ) -> Result {
        let before = possibleParents
        let result = change(&self)
        let after = possibleParents
        releaseGenomes(of: before.subtracting(after).sorted() + finished, keeping: after)
        return result
    }
}
