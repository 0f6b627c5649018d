import GECore

/// `gectl models`: one model of the run, listed in `llm.models` or named
/// by a worker that answered, with what it did.
public struct ModelReport: Codable, Sendable, Equatable {
    public var name: String
    /// Listed in `llm.models`: the bandit may choose it.
    public var listed: Bool
    /// A connected LLM worker serves it (as the daemon last knew).
    public var served: Bool
    /// Prices per million tokens, in `currency`.
    public var inputPrice: Double
    public var outputPrice: Double
    public var currency: String
    public var stats: ModelStats

    public init(
        name: String, listed: Bool, served: Bool, inputPrice: Double, outputPrice: Double, currency: String,
        stats: ModelStats
    ) {
        self.name = name
        self.listed = listed
        self.served = served
        self.inputPrice = inputPrice
        self.outputPrice = outputPrice
        self.currency = currency
        self.stats = stats
    }
}
