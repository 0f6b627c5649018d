/// The probabilities and LLM sampling ranges of the variation operators
/// (defaults from the GE paper and its reference implementation).
public struct VariationConfig: Codable, Sendable, Equatable {
    /// Probability that new offspring come from crossover of two parents.
    public var crossoverProbability = 0.35
    /// Probability that an offspring is mutated (after crossover, or — in
    /// generational mode — instead of staying a copy of its parent).
    public var mutationProbability = 0.8
    /// Probability that a mutation is Evolution of Thought, once elites exist.
    public var eotProbability = 0.25
    /// How many of the best archive members EoT learns from.
    public var eotElites = 10
    /// Probability of a second LLM pass that repairs produced code.
    public var repairProbability = 0.0
    /// Sampling temperature range for mutation, EoT and repair.
    public var mutationTemperature: ClosedRange<Double> = 0.05...0.4
    /// Sampling temperature range for crossover.
    public var crossoverTemperature: ClosedRange<Double> = 0.05...0.1
    /// Nucleus sampling mass.
    public var topP = 0.1
    /// Range of the maximum number of new tokens.
    public var maxTokens: ClosedRange<Int> = 600...1400

    public init() {}

    /// Checks every value; the error names the offending key.
    public func validate() throws(ConfigError) {
        for (key, value) in [
            ("p_cx", crossoverProbability), ("p_mut", mutationProbability),
            ("p_eot", eotProbability), ("p_qc", repairProbability), ("top_p", topP),
        ] where !(0...1).contains(value) {
            throw ConfigError(key: key, message: "must be a probability between 0 and 1, got \(value)")
        }
        if eotElites < 1 { throw ConfigError(key: "eot_elites", message: "must be at least 1, got \(eotElites)") }
        for (key, range) in [("mutation_temperature", mutationTemperature), ("crossover_temperature", crossoverTemperature)]
        where range.lowerBound < 0 || !range.upperBound.isFinite {
            throw ConfigError(key: key, message: "must be a range of non-negative temperatures, got \(range)")
        }
        if maxTokens.lowerBound < 1 {
            throw ConfigError(key: "max_tokens", message: "must be a range of positive token counts, got \(maxTokens)")
        }
    }
}

/// A configuration value that cannot be used, named by its key.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public let key: String
    public let message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "\(key): \(message)" }
}
