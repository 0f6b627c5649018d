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
    /// Multi-fidelity evaluation by asynchronous successive halving; `nil`:
    /// every child is trained once, at full fidelity.
    public var fidelity: Fidelity?
    /// Hours of training (summed over every evaluation, as workers report
    /// them) after which the run stops; `nil`: no limit.
    public var maxTrainingHours: Double?
    /// What the LLM requests may cost (at the listed models' prices, in
    /// their currency) before the run stops; `nil`: no limit.
    public var maxLLMCost: Double?
    /// The models requests go to and how the bandit chooses among them.
    public var portfolio: ModelPortfolio {
        get { modelPortfolio ?? ModelPortfolio() }
        set { modelPortfolio = newValue }
    }
    // Optional so that configurations stored before portfolios still decode.
    var modelPortfolio: ModelPortfolio?

    /// Asynchronous successive halving (ASHA, Li et al. 2020): every child is
    /// first trained at the lowest rung; one in the top 1/η of its rung by
    /// non-dominated rank and crowding goes on to the next. Only the top
    /// rung's objectives reach the population.
    public struct Fidelity: Codable, Sendable, Equatable {
        /// How many rungs, the last being full fidelity (2 or more).
        public var rungs: Int
        /// The promotion ratio η: the top 1/η of a rung is promoted.
        public var eta: Int

        public init(rungs: Int, eta: Int = 3) {
            self.rungs = rungs
            self.eta = eta
        }
    }

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
        if let maxTrainingHours, !(maxTrainingHours > 0 && maxTrainingHours.isFinite) {
            throw ConfigError(key: "max_gpu_hours", message: "must be a positive number of hours, got \(maxTrainingHours)")
        }
        if let maxLLMCost, !(maxLLMCost > 0 && maxLLMCost.isFinite) {
            throw ConfigError(key: "max_llm_cost", message: "must be a positive amount, got \(maxLLMCost)")
        }
        try portfolio.validate()
        if let fidelity {
            guard (2...Self.maxRungs).contains(fidelity.rungs) else {
                throw ConfigError(key: "train.rungs", message: "needs 2 to \(Self.maxRungs) rungs, got \(fidelity.rungs)")
            }
            guard (2...100).contains(fidelity.eta) else {
                throw ConfigError(key: "promotion_eta", message: "must be between 2 and 100, got \(fidelity.eta)")
            }
            guard mode == .steady else {
                throw ConfigError(key: "mode", message: "fidelity rungs need mode = \"steady\" (promotion is asynchronous); set mode = \"steady\" or multi_fidelity = false")
            }
        }
        try variation.validate()
    }

    /// The most fidelity rungs a run may have.
    public static let maxRungs = 8
}
