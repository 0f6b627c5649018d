import GECore

/// What the run's row holds of the engine.
struct RunProgress: Equatable, Sendable {
    var finished: Bool
    var stopReason: String?
    var population: [IndividualID]
    var archive: [IndividualID]
    var hallOfFame: [IndividualID]
    var evaluations: Int
    var generation: Int

    init(_ engine: Engine) {
        finished = engine.isFinished
        stopReason = engine.stopReason
        population = engine.population
        archive = engine.archive
        hallOfFame = engine.hallOfFame.ids
        evaluations = engine.evaluationsCompleted
        generation = engine.generation
    }
}
