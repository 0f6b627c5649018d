import Foundation
import GECore
import GRDB

/// An individual as stored for queries and exports.
public struct IndividualRow: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "individual"

    public var id: Int
    /// JSON array of parent ids.
    public var parents: String
    public var origin: String
    /// JSON array of the LLM steps (operator, template, persona, segment, temperature).
    public var variations: String
    public var status: String
    /// JSON array of objective values, when evaluated.
    public var fitness: String?
    /// With fidelity rungs: JSON array of the objective values at each lower
    /// rung it passed, lowest first.
    public var rungs: String?
    /// The failure's one-line reason, its kind and its evidence.
    public var failure: String?
    public var failureKind: String?
    public var failureExcerpt: String?
    public var duplicateOf: Int?
    public var code: String
    public var fingerprint: String
    public var generation: Int
    public var bornAfter: Int
    public var worker: String?
    /// JSON object of every number the training reported, when trained.
    public var metrics: String?
    /// The last lines of the training log.
    public var logTail: String?
    /// The LLM's answer that made the child (capped), as evidence.
    public var answer: String?
    public var updatedAt: Double

    init(_ individual: Individual, worker: String?, evidence: StoreChange.Evidence?, now: Double) {
        id = individual.id
        parents = RunStore.json(individual.parents)
        origin = individual.origin.rawValue
        variations = String(decoding: (try? JSONEncoder().encode(individual.variations)) ?? Data("[]".utf8), as: UTF8.self)
        // A released genome's code was stored while it was bred (or comes
        // with the answer, for a duplicate): `record` leaves these two
        // columns alone otherwise.
        code = individual.genome?.source ?? evidence?.code ?? ""
        fingerprint = individual.genome?.fingerprint ?? evidence?.code.map(CodeNormalizer.fingerprint) ?? ""
        generation = individual.generation
        bornAfter = individual.bornAfterEvaluations
        self.worker = worker
        metrics = evidence?.metrics.map(RunStore.json)
        logTail = evidence?.logTail
        answer = evidence?.answer
        updatedAt = now
        status = individual.status.name
        fitness = individual.fitness.map(RunStore.json)
        rungs = individual.lowerRungFitness.map(RunStore.json)
        failure = individual.status.failure?.reason
        failureKind = individual.status.failure?.kind.rawValue
        failureExcerpt = individual.status.failure?.excerpt
        if case .duplicate(let original) = individual.status { duplicateOf = original }
    }
}

extension IndividualRow {
    /// The columns every change writes.
    static let stateColumns: [String] = [
        "parents", "origin", "variations", "status", "fitness", "rungs", "failure", "failureKind", "failureExcerpt",
        "duplicateOf", "generation", "bornAfter", "updatedAt",
    ]
    /// The code: it changes only while the child is bred.
    static let codeColumns: [String] = ["code", "fingerprint"]
}
