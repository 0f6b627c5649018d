import GECore

/// One individual as `gectl` lists it.
public struct IndividualReport: Codable, Sendable, Equatable {
    public var id: Int
    public var status: String
    public var objectives: [Double]?
    public var origin: String
    public var parents: [Int]
    /// Evaluations completed since it was created.
    public var age: Int
    public var generation: Int
    /// Why it got no fitness, when it failed.
    public var failure: Failure?
    /// The earlier individual whose code it repeats, when a duplicate.
    public var duplicateOf: Int?
    public var template: String?
    /// With fidelity rungs: its objectives at each lower rung it passed, lowest first.
    public var rungs: [[Double]]?

    public init(
        id: Int, status: String, objectives: [Double]?, origin: String, parents: [Int], age: Int, generation: Int,
        failure: Failure?, duplicateOf: Int? = nil, template: String?, rungs: [[Double]]? = nil
    ) {
        self.id = id
        self.status = status
        self.objectives = objectives
        self.origin = origin
        self.parents = parents
        self.age = age
        self.generation = generation
        self.failure = failure
        self.duplicateOf = duplicateOf
        self.template = template
        self.rungs = rungs
    }
}
