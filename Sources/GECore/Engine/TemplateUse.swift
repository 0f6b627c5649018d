/// What one prompt template has done for the run, counted as it happens
/// (never by scanning individuals).
public struct TemplateUse: Codable, Sendable, Equatable {
    /// LLM steps with this template that produced code.
    public internal(set) var children = 0
    /// Individuals made with it (in any of their steps) that were scored.
    public internal(set) var evaluated = 0
    /// Of those, the ones no population member dominated when they were
    /// scored: they entered the Pareto front.
    public internal(set) var front = 0

    public init(children: Int = 0, evaluated: Int = 0, front: Int = 0) {
        self.children = children
        self.evaluated = evaluated
        self.front = front
    }
}

extension Engine {
    /// Counts a scored individual for each template that made it;
    /// `accepted`: no population member dominated it (`isAccepted`).
    mutating func countTemplateUse(ofScored id: IndividualID, accepted: Bool) {
        var counted = Set<String>()
        for variation in individuals[id].variations where counted.insert(variation.templateID).inserted {
            templateUse[variation.templateID, default: TemplateUse()].evaluated += 1
            if accepted { templateUse[variation.templateID, default: TemplateUse()].front += 1 }
        }
    }
}
