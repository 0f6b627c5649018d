/// What the run's LLMs did and cost, and which of the listed models the
/// connected workers serve: the state behind the model bandit.
struct ModelAccounting: Codable, Sendable, Equatable {
    /// By model name: listed models, and models workers reported serving.
    var stats: [String: ModelStats] = [:]
    /// The model names the connected LLM workers serve (`modelsServed`).
    var served: [String] = []
    /// What every answer cost, at the listed prices.
    var cost = 0.0
}

extension Engine {
    /// What each model did for the run, by name.
    public var modelStats: [String: ModelStats] { models.stats }

    /// What the LLM requests cost so far, at the listed prices.
    public var llmCost: Double { models.cost }

    /// The model names the connected LLM workers serve, as last reported.
    public var servedModels: [String] { models.served }

    var models: ModelAccounting {
        get { modelAccounting ?? ModelAccounting() }
        set { modelAccounting = newValue }
    }

    /// Takes the names the connected LLM workers serve (invalid names left out).
    mutating func serve(_ names: [String]) {
        models.served = Array(Set(names.filter { LLMModel.problem(withName: $0) == nil })).sorted()
    }

    /// The listed models a connected worker serves.
    var servedListedModels: [LLMModel] {
        let served = Set(models.served)
        return config.portfolio.models.filter { served.contains($0.name) }
    }

    /// Whether breeding waits for a model: models are listed and no connected
    /// worker serves one. Requests go only to listed models, so an unlisted
    /// one never runs up a cost the budget cannot price; the wait is like
    /// having no LLM worker at all.
    public var waitsForAListedModel: Bool {
        !config.portfolio.models.isEmpty && servedListedModels.isEmpty
    }

    /// The model for the next request: the bandit's choice among the listed
    /// models a connected worker serves; `nil` (any worker) when none is
    /// listed.
    mutating func chooseModel() -> String? {
        let candidates = servedListedModels
        guard !candidates.isEmpty else { return nil }
        return ModelBandit.choose(among: candidates, stats: models.stats, portfolio: config.portfolio, rng: &rng).name
    }

    /// The model an answer is counted for: the one the request was routed
    /// to; for a request that named none, the one the worker reports.
    func answeringModel(requested: String?, outcome: LLMOutcome) -> String? {
        if let requested { return requested }
        guard let reported = outcome.call.model, LLMModel.problem(withName: reported) == nil else { return nil }
        return reported
    }

    /// The model an answer to the open request `requestID` is counted
    /// for, and what its tokens cost; `nil` for an unknown request or a
    /// model unknown to both sides. Ask before the answer is applied.
    public func accounting(ofAnswer requestID: Int, _ outcome: LLMOutcome) -> (model: String, cost: Double)? {
        let requested = openRequests[requestID].map { $0.model } ?? evolution.open[requestID].map { $0.model }
        guard let requested, let model = answeringModel(requested: requested, outcome: outcome) else { return nil }
        return (model, cost(of: outcome, model: model))
    }

    func cost(of outcome: LLMOutcome, model: String) -> Double {
        outcome.call.usage.map { config.portfolio.model(named: model)?.cost(of: $0) ?? 0 } ?? 0
    }

    /// Counts an answer for `model` and its cost; stops the run once the
    /// cost budget is spent. An outcome the daemon made itself (no request
    /// reached a model: abandoned, rerouted) is not the model's.
    mutating func countAnswer(_ outcome: LLMOutcome, model: String?) -> [EngineEvent] {
        guard let model, outcome.call.requests > 0 else { return [] }
        let cost = cost(of: outcome, model: model)
        models.stats[model, default: ModelStats()].count(outcome, cost: cost)
        models.cost += cost
        guard let budget = config.maxLLMCost, models.cost >= budget, stopReason == nil else { return [] }
        return [stop("LLM cost budget of \(budget) \(config.portfolio.currency) reached (\(llmRequestsAnswered) requests)")]
    }

    /// LLM jobs answered or failed, over every model.
    var llmRequestsAnswered: Int {
        models.stats.values.reduce(0) { $0 + $1.requests }
    }

    /// Settles the bandit's trials of the requests that made `child`: each
    /// step's model gains a success when the child was accepted.
    mutating func settleTrials(of child: IndividualID, accepted: Bool) {
        for variation in individuals[child].variations {
            guard let model = variation.model else { continue }
            models.stats[model, default: ModelStats()].countTrial(accepted: accepted)
        }
    }

    /// Whether scored objectives would be accepted: no population member
    /// dominates them (at a lower rung: no child scored at that rung).
    func isAccepted(_ objectives: [Double], among others: [IndividualID], fitness: (Individual) -> [Double]?) -> Bool {
        let weighted = zip(objectives, config.weights).map { $0 * $1 }
        return !others.contains { other in
            guard let theirs = fitness(individuals[other]) else { return false }
            return Dominance.dominates(zip(theirs, config.weights).map { $0 * $1 }, weighted)
        }
    }
}
