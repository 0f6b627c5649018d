/// Chooses the model for one LLM request by Thompson sampling.
///
/// Each model's acceptance probability has a Beta(1 + accepted, 1 + trials −
/// accepted) posterior; one draw from each, and the highest draw (per unit
/// of expected cost, with `acceptancePerCost`) wins. Sampling rather than an
/// upper bound suits a run whose rewards arrive late (a child's fate is
/// known only after its training): requests sent before the answers come
/// back spread over the plausible models instead of all going to one.
/// A fixed share of requests goes to a uniformly drawn model regardless.
enum ModelBandit {
    /// The model for the next request among `candidates` (not empty).
    static func choose(
        among candidates: [LLMModel], stats: [String: ModelStats], portfolio: ModelPortfolio, rng: inout SeededRandom
    ) -> LLMModel {
        guard candidates.count > 1 else { return candidates[0] }
        if rng.chance(portfolio.explorationShare) {
            return candidates[Int(rng.next() % UInt64(candidates.count))]
        }
        let typical = typicalUsage(stats)
        var best = candidates[0], bestValue = -Double.infinity
        for model in candidates {
            let counts = stats[model.name] ?? ModelStats()
            let draw = rng.beta(1 + Double(counts.accepted), 1 + Double(counts.trials - counts.accepted))
            let value = switch portfolio.reward {
            case .acceptance: draw
            // A free model is worth its draw per smallest unit of currency.
            case .acceptancePerCost: draw / max(model.cost(of: typical), 1e-9)
            }
            if value > bestValue {
                best = model
                bestValue = value
            }
        }
        return best
    }

    /// The mean tokens of a request over every model (a nominal thousand
    /// each way before the first): what a request is expected to use, so
    /// models are compared by their prices on the same work.
    static func typicalUsage(_ stats: [String: ModelStats]) -> TokenUsage {
        let requests = stats.values.reduce(0.0) { $0 + Double($1.requests) }
        guard requests > 0 else { return TokenUsage(input: 1000, output: 1000) }
        let input = stats.values.reduce(0.0) { $0 + Double($1.inputTokens) } / requests
        let output = stats.values.reduce(0.0) { $0 + Double($1.outputTokens) } / requests
        return TokenUsage(input: max(1, Int(input)), output: max(1, Int(output)))
    }
}
