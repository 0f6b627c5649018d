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
    public var failure: String?
    public var duplicateOf: Int?
    public var code: String
    public var fingerprint: String
    public var generation: Int
    public var bornAfter: Int
    public var worker: String?
    public var updatedAt: Double

    init(_ individual: Individual, worker: String?, now: Double) {
        id = individual.id
        parents = RunStore.json(individual.parents)
        origin = individual.origin.rawValue
        variations = String(decoding: (try? JSONEncoder().encode(individual.variations)) ?? Data("[]".utf8), as: UTF8.self)
        code = individual.genome.source
        fingerprint = individual.genome.fingerprint
        generation = individual.generation
        bornAfter = individual.bornAfterEvaluations
        self.worker = worker
        updatedAt = now
        switch individual.status {
        case .breeding: status = "breeding"
        case .awaitingEvaluation: status = "queued"
        case .evaluating: status = "evaluating"
        case .evaluated(let values):
            status = "evaluated"
            fitness = RunStore.json(values)
        case .failed(let reason):
            status = "failed"
            failure = reason
        case .duplicate(let original):
            status = "duplicate"
            duplicateOf = original
        }
    }
}
