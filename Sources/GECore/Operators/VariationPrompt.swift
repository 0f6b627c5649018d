/// How an individual came to be.
public enum VariationOperator: String, Codable, Sendable, CaseIterable {
    case seed
    case mutation
    case evolutionOfThought = "eot"
    case crossover
    case repair
}

/// LLM sampling settings of one request.
public struct Sampling: Codable, Sendable, Equatable {
    public var temperature: Double
    public var topP: Double
    public var maxTokens: Int

    public init(temperature: Double, topP: Double, maxTokens: Int) {
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
    }
}

/// One prompt for the LLM, with everything needed to apply its answer and to
/// record how the child was made.
public struct VariationPrompt: Codable, Sendable, Equatable {
    public let variation: VariationOperator
    /// The parents: the base individual first (crossover: the second parent next).
    public let parents: [IndividualID]
    /// The segment of the base genome that the answer replaces.
    public let segment: Int
    public let templateID: String
    public let persona: String
    public let category: String?
    /// The full prompt text, rules included.
    public let text: String
    public let sampling: Sampling
    /// Top-level names the replaced segment defines; the answer's code block
    /// that defines them is preferred.
    public let expectedNames: [String]
    /// For Evolution of Thought: the elite whose change is being learned from.
    public let elite: IndividualID?
}
