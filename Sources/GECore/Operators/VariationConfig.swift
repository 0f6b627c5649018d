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
    /// Probability that a child failing its screen or training gets one
    /// repair attempt that shows the LLM its error (0: the reference, which
    /// drops failed children).
    public var failureRepairProbability = 0.5
    /// Mutation templates the LLM rephrases per round of prompt evolution
    /// (a generation; μ evaluations in steady mode); 0 turns it off.
    public var rephrasings = 5
    /// Prompt evolution stops once this many evolved templates exist, so the
    /// shipped templates are never drowned out.
    public var maxEvolvedTemplates = 200
    /// Sampling temperature range for rephrasing templates.
    public var rephraseTemperature: ClosedRange<Double> = 0.01...0.4
    /// The personas whose mutation templates are drawn (e.g. `["plain"]`:
    /// the ablation without character role-play); `nil`: every persona.
    public var personas: [String]?
    /// Sampling temperature range for mutation, EoT and repair.
    public var mutationTemperature: ClosedRange<Double> = 0.05...0.4
    /// Sampling temperature range for crossover.
    public var crossoverTemperature: ClosedRange<Double> = 0.05...0.1
    /// Nucleus sampling mass.
    public var topP = 0.1
    /// Range of the maximum number of new tokens.
    public var maxTokens: ClosedRange<Int> = 600...1400

    public init() {}

    /// Decodes a configuration; keys added after a run was created take
    /// their defaults, so older snapshots still load.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try container.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        let defaults = VariationConfig()
        crossoverProbability = try value(.crossoverProbability, defaults.crossoverProbability)
        mutationProbability = try value(.mutationProbability, defaults.mutationProbability)
        eotProbability = try value(.eotProbability, defaults.eotProbability)
        eotElites = try value(.eotElites, defaults.eotElites)
        repairProbability = try value(.repairProbability, defaults.repairProbability)
        failureRepairProbability = try value(.failureRepairProbability, defaults.failureRepairProbability)
        rephrasings = try value(.rephrasings, defaults.rephrasings)
        maxEvolvedTemplates = try value(.maxEvolvedTemplates, defaults.maxEvolvedTemplates)
        rephraseTemperature = try value(.rephraseTemperature, defaults.rephraseTemperature)
        personas = try container.decodeIfPresent([String].self, forKey: .personas)
        mutationTemperature = try value(.mutationTemperature, defaults.mutationTemperature)
        crossoverTemperature = try value(.crossoverTemperature, defaults.crossoverTemperature)
        topP = try value(.topP, defaults.topP)
        maxTokens = try value(.maxTokens, defaults.maxTokens)
    }

    /// Checks every value; the error names the offending key.
    public func validate() throws(ConfigError) {
        for (key, value) in [
            ("p_cx", crossoverProbability), ("p_mut", mutationProbability),
            ("p_eot", eotProbability), ("p_qc", repairProbability), ("p_repair", failureRepairProbability),
            ("top_p", topP),
        ] where !(0...1).contains(value) {
            throw ConfigError(key: key, message: "must be a probability between 0 and 1, got \(value)")
        }
        if let personas, personas.isEmpty {
            throw ConfigError(key: "personas", message: "must name at least one persona, or be left unset for all")
        }
        if eotElites < 1 { throw ConfigError(key: "eot_elites", message: "must be at least 1, got \(eotElites)") }
        for (key, value) in [("rephrasings", rephrasings), ("max_evolved_templates", maxEvolvedTemplates)] where value < 0 {
            throw ConfigError(key: key, message: "must not be negative, got \(value)")
        }
        for (key, range) in [
            ("mutation_temperature", mutationTemperature), ("crossover_temperature", crossoverTemperature),
            ("rephrase_temperature", rephraseTemperature),
        ]
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
