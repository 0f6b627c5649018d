/// The LLMs a run chooses among for each request, and how it chooses: a
/// bandit (Thompson sampling) whose reward is whether the child a request
/// helped make was accepted — scored and dominated by no population member
/// (with fidelity rungs: by no child scored at its first rung). See
/// `ModelBandit`.
///
/// With models listed, requests go only to them (none served: breeding
/// waits). With none listed, requests name no model and any LLM worker takes
/// them; what each worker's model did is still counted (`Engine.modelStats`).
public struct ModelPortfolio: Codable, Sendable, Equatable {
    /// What the bandit maximizes.
    public enum Reward: String, Codable, Sendable, CaseIterable {
        /// The probability that a request's child is accepted.
        case acceptance
        /// That probability per unit of expected cost of a request (from the
        /// models' prices): a cheap model that is nearly as good wins.
        case acceptancePerCost = "acceptance_per_cost"
    }

    public var models: [LLMModel] = []
    /// The share of requests sent to a model drawn uniformly, whatever the
    /// bandit thinks: a model that was unlucky early keeps being tried.
    public var explorationShare = 0.1
    public var reward = Reward.acceptance
    /// The currency prices and the cost budget are in; only a label.
    public var currency = "USD"

    public init(models: [LLMModel] = [], explorationShare: Double = 0.1, reward: Reward = .acceptance) {
        self.models = models
        self.explorationShare = explorationShare
        self.reward = reward
    }

    /// The listed model of this name.
    public func model(named name: String) -> LLMModel? {
        models.first { $0.name == name }
    }

    /// Checks every value; the error names the offending key.
    public func validate() throws(ConfigError) {
        var seen = Set<String>()
        for model in models {
            if let problem = LLMModel.problem(withName: model.name) {
                throw ConfigError(key: "llm.models", message: problem)
            }
            guard seen.insert(model.name).inserted else {
                throw ConfigError(key: "llm.models", message: "lists the model \(model.name) twice")
            }
            for (what, price) in [("input_price", model.inputPrice), ("output_price", model.outputPrice)]
            where !(price >= 0 && price.isFinite && price <= 1_000_000) {
                throw ConfigError(key: "llm.models", message: "\(model.name): \(what) must be a price per million tokens 0…1000000, got \(price)")
            }
        }
        guard explorationShare >= 0, explorationShare <= 1 else {
            throw ConfigError(key: "llm.exploration_share", message: "must be 0…1, got \(explorationShare)")
        }
    }
}
