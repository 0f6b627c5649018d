/// How the engine runs the evolution (defaults from the GE paper's reference
/// run where it gives them).
public struct EngineConfig: Codable, Sendable, Equatable {
    /// Steady state (no generation barrier) or the reference generational loop.
    public enum Mode: String, Codable, Sendable, CaseIterable {
        case steady
        case generational
    }

    public var mode = Mode.steady
    /// Individuals made from the seed before breeding starts.
    public var initialPopulation = 32
    /// Steady state: the population size μ kept by (μ+1) NSGA-II replacement.
    public var populationSize = 32
    /// Generational: offspring bred per generation.
    public var offspringPerGeneration = 8
    /// SPEA2 archive size (generational: elites carried into the next generation).
    public var elites = 44
    public var hallOfFameSize = 100
    /// Evaluations (trainings) after which the run stops.
    public var evaluationBudget = 200
    /// The run stops once this many generations are complete (generational)
    /// or this many times μ evaluations are done (steady); `nil`: no limit
    /// but the budget. The reference runs 30 generations.
    public var maxGenerations: Int?
    /// Steady state: offspring prepared beyond the free evaluation slots, so
    /// an evaluation slot that frees up does not wait for the LLM.
    public var lookahead = 2
    /// Whether the unmodified seed is evaluated first (its fitness is the
    /// baseline; it joins the population). The reference loop does not.
    public var evaluateSeed = true
    /// Objective directions: positive maximizes, negative minimizes.
    public var weights: [Double] = [1.0, -1.0]
    /// After this many children in a row fail before evaluation (LLM errors,
    /// answers without code, duplicates), the run stops instead of spinning.
    public var maxConsecutiveBreedingFailures = 100
    public var variation = VariationConfig()

    public init() {}

    /// Checks every value; the error names the offending key.
    public func validate() throws(ConfigError) {
        let positive: [(String, Int)] = [
            ("initial_population", initialPopulation), ("population_size", populationSize),
            ("offspring_per_generation", offspringPerGeneration), ("evaluation_budget", evaluationBudget),
            ("max_consecutive_breeding_failures", maxConsecutiveBreedingFailures),
        ]
        for (key, value) in positive where value < 1 {
            throw ConfigError(key: key, message: "must be at least 1, got \(value)")
        }
        if let maxGenerations, maxGenerations < 1 {
            throw ConfigError(key: "max_generations", message: "must be at least 1, got \(maxGenerations)")
        }
        for (key, value) in [("elites", elites), ("hall_of_fame_size", hallOfFameSize), ("lookahead", lookahead)]
        where value < 0 {
            throw ConfigError(key: key, message: "must not be negative, got \(value)")
        }
        if weights.isEmpty || weights.contains(where: { $0 == 0 || !$0.isFinite }) {
            throw ConfigError(
                key: "objectives", message: "need at least one objective, each with a non-zero finite weight")
        }
        try variation.validate()
    }
}
