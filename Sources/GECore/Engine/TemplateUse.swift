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
    /// Counts a scored individual for each template that made it; call
    /// before it joins the population.
    mutating func countTemplateUse(ofScored id: IndividualID, fitness: [Double]) {
        let weighted = zip(fitness, config.weights).map { $0 * $1 }
        let dominated = population.contains { member in
            Dominance.dominates(zip(individuals[member].fitness!, config.weights).map { $0 * $1 }, weighted)
        }
        var counted = Set<String>()
        for variation in individuals[id].variations where counted.insert(variation.templateID).inserted {
            templateUse[variation.templateID, default: TemplateUse()].evaluated += 1
            if !dominated { templateUse[variation.templateID, default: TemplateUse()].front += 1 }
        }
    }
}
