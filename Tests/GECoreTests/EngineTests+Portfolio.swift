import Foundation
@testable import GECore
import Testing

/// Drives an engine against fake models: every answer is code, and a child
/// is accepted (it dominates everything scored before it) with its model's
/// acceptance probability, else dominated by the seed. One request per
/// child, every request answered and every child trained before the next
/// step, so trials settle at once.
struct FakeModelWorld {
    var engine: Engine
    let library: PromptLibrary
    let acceptance: [String: Double]
    /// Tokens every answer reports.
    var usage = TokenUsage(input: 1000, output: 500)
    var rng: SeededRandom
    private(set) var inputs: [EngineInput] = []
    /// The model of every request, in order (`nil`: no model named).
    private(set) var requestModels: [String?] = []
    private var best = 0.5

    init(engine: Engine, library: PromptLibrary, acceptance: [String: Double], driverSeed: UInt64) {
        self.engine = engine
        self.library = library
        self.acceptance = acceptance
        self.rng = SeededRandom(seed: driverSeed)
    }

    @discardableResult
    mutating func apply(_ input: EngineInput) -> [EngineCommand] {
        inputs.append(input)
        return engine.apply(input, library: library).commands
    }

    /// Runs until `requests` requests were made or the run is finished.
    mutating func run(requests limit: Int) {
        var evaluations: [IndividualID] = []
        for _ in 0..<100_000 where requestModels.count < limit && !engine.isFinished {
            let commands = apply(.step(freeLLMSlots: 2, freeEvaluationSlots: 2 - evaluations.count))
            var answers: [LLMRequest] = []
            for command in commands {
                switch command {
                case .generate(let request):
                    requestModels.append(request.model)
                    answers.append(request)
                case .evaluate(let id, _): evaluations.append(id)
                case .rephrase: Issue.record("prompt evolution is off")
                }
            }
            for request in answers {
                let base = engine.genome(of: request.child)
                let code = base.code(ofSegment: request.prompt.segment) + "\nTUNED_\(request.id) = 1"
                var outcome = workerOutcome(for: request, answer: "```python\n\(code)\n```", in: engine)
                if case .code(let source, var call) = outcome {
                    call.usage = usage
                    call.model = request.model
                    outcome = .code(source: source, call: call)
                }
                apply(.answer(requestID: request.id, outcome))
            }
            if commands.isEmpty, let id = evaluations.first {
                evaluations.removeFirst()
                apply(.evaluation(id, scored(score(id))))
            }
        }
    }

    private mutating func score(_ id: IndividualID) -> [Double] {
        guard id != 0 else { return [0.5, 1000] }
        let model = engine.individuals[id].variations.last?.model ?? ""
        guard rng.chance(acceptance[model] ?? 0) else { return [0.1, 1_000_000] }
        best += 0.0001
        return [best, 10]
    }
}

extension EngineTests {
    func portfolioConfig(_ models: [LLMModel], reward: ModelPortfolio.Reward = .acceptance) -> EngineConfig {
        var settings = config(budget: 5000)
        settings.variation.crossoverProbability = 0
        settings.variation.repairProbability = 0
        settings.variation.failureRepairProbability = 0
        settings.variation.eotProbability = 0
        settings.variation.rephrasings = 0
        settings.portfolio = ModelPortfolio(models: models, explorationShare: 0.1, reward: reward)
        return settings
    }

    func world(
        _ settings: EngineConfig, acceptance: [String: Double], rngSeed: UInt64 = 1, driverSeed: UInt64 = 2
    ) throws -> FakeModelWorld {
        var world = FakeModelWorld(
            engine: try Engine(seed: seed, config: settings, rngSeed: rngSeed), library: library,
            acceptance: acceptance, driverSeed: driverSeed)
        world.apply(.modelsServed(Array(acceptance.keys)))
        return world
    }

    @Test(arguments: [(UInt64(1), UInt64(2)), (7, 8), (11, 12)])
    func theBanditSendsMostRequestsToTheModelWhoseChildrenAreAccepted(seeds: (UInt64, UInt64)) throws {
        let settings = portfolioConfig([LLMModel(name: "weak"), LLMModel(name: "strong")])
        var world = try world(settings, acceptance: ["weak": 0.1, "strong": 0.4], rngSeed: seeds.0, driverSeed: seeds.1)
        world.run(requests: 400)
        let models = world.requestModels
        #expect(models.count == 400)
        let late = models[300...]
        let strongShare = Double(late.count { $0 == "strong" }) / Double(late.count)
        #expect(strongShare >= 0.8, "requests 301…400 went \(Int(strongShare * 100)) % to the better model")
        let stats = world.engine.modelStats
        #expect(stats["strong"]!.trials > stats["weak"]!.trials)
        #expect((stats["weak"]?.trials ?? 0) > 0, "exploration never tried the weaker model")
        #expect(stats.values.reduce(0) { $0 + $1.requests } == 400)

        // Replayable: the recorded inputs give the same engine.
        var replayed = try Engine(seed: seed, config: settings, rngSeed: seeds.0)
        EngineSimulator.replay(world.inputs, into: &replayed, library: library)
        #expect(replayed == world.engine)
    }

    @Test func perCostTheBanditPrefersACheapModelThatIsAsGood() throws {
        let settings = portfolioConfig(
            [LLMModel(name: "dear", inputPrice: 10, outputPrice: 30), LLMModel(name: "cheap", inputPrice: 1, outputPrice: 3)],
            reward: .acceptancePerCost)
        var world = try world(settings, acceptance: ["dear": 0.3, "cheap": 0.3])
        world.run(requests: 200)
        let cheap = world.requestModels.count { $0 == "cheap" }
        #expect(cheap >= 160, "\(cheap) of 200 requests went to the cheaper model")
        // Cost at the listed prices: 1000 input and 500 output tokens a request.
        let stats = world.engine.modelStats
        let expected = Double(stats["cheap"]!.requests) * 0.0025 + Double(stats["dear"]!.requests) * 0.025
        #expect(abs(world.engine.llmCost - expected) < 1e-9)
        #expect(stats["cheap"]!.inputTokens == stats["cheap"]!.requests * 1000)
    }

    @Test func theLLMCostBudgetStopsTheRunAndAResumeDoesNotClearIt() throws {
        var settings = portfolioConfig([LLMModel(name: "priced", inputPrice: 2, outputPrice: 8)])
        settings.maxLLMCost = 0.3
        var world = try world(settings, acceptance: ["priced": 0.3])
        world.run(requests: 1000)
        let engine = world.engine
        // 0.006 a request: the 50th answer reaches 0.3.
        #expect(engine.stopReason == "LLM cost budget of 0.3 USD reached (50 requests)")
        #expect(engine.llmCost >= 0.3 && engine.llmCost < 0.3 + 0.006)
        #expect(engine.reachedLimit)
        var resumed = engine
        _ = resumed.resume()
        #expect(resumed.stopReason != nil, "a resume cleared a stop whose budget is spent")
        for bad in [0, -1, Double.nan, .infinity] {
            var invalid = settings
            invalid.maxLLMCost = bad
            #expect((try? invalid.validate()) == nil, "max_llm_cost \(bad) accepted")
        }
    }

    @Test func withoutAServedListedModelBreedingWaitsAndGoesOnWhenOneReturns() throws {
        var engine = try Engine(seed: seed, config: portfolioConfig([LLMModel(name: "listed")]), rngSeed: 1)
        _ = engine.apply(.evaluation(0, scored([0.5, 1000])), library: library)
        func requests(_ engine: inout Engine) -> [String?] {
            engine.apply(.step(freeLLMSlots: 4, freeEvaluationSlots: 0), library: library).commands.compactMap {
                if case .generate(let request) = $0 { request.model } else { nil }
            }
        }
        // No worker yet, then only one serving a model the run does not list:
        // its cost could not be priced, so it gets nothing.
        #expect(requests(&engine).isEmpty)
        _ = engine.apply(.modelsServed(["unlisted"]), library: library)
        #expect(requests(&engine).isEmpty)
        _ = engine.apply(.modelsServed(["unlisted", "listed"]), library: library)
        #expect(requests(&engine) == Array(repeating: "listed", count: 4))
        // The listed model's worker leaves: nothing more goes out.
        _ = engine.apply(.modelsServed(["unlisted"]), library: library)
        #expect(requests(&engine).isEmpty)
    }

    @Test func withoutModelsListedRequestsNameNoneAndCountUnderTheReportedModel() throws {
        var world = try world(portfolioConfig([]), acceptance: [:])
        world.run(requests: 5)
        #expect(world.requestModels.count >= 5 && world.requestModels.allSatisfy { $0 == nil })
        #expect(world.engine.modelStats.isEmpty, "answers whose worker named no model were counted for one")

        // A worker that names its model is counted under it (without a price).
        var engine = try Engine(seed: seed, config: config(), rngSeed: 1)
        _ = engine.apply(.evaluation(0, scored([0.5, 1000])), library: library)
        let commands = engine.step(freeLLMSlots: 1, freeEvaluationSlots: 1, library: library)
        guard case .generate(let request) = commands.first(where: { if case .generate = $0 { true } else { false } }) else {
            Issue.record("no request")
            return
        }
        let call = LLMCall(requests: 1, seconds: 2, answer: "no code here", model: "qwen2.5-coder", usage: TokenUsage(input: 10, output: 5))
        _ = engine.receiveAnswer(requestID: request.id, outcome: .failure(Failure(.noCode, "no code block"), call: call))
        let stats = try #require(engine.modelStats["qwen2.5-coder"])
        #expect(stats.requests == 1 && stats.noCode == 1 && stats.trials == 1 && stats.accepted == 0)
        #expect(stats.inputTokens == 10 && stats.outputTokens == 5 && stats.cost == 0)
        #expect(engine.llmCost == 0)
    }

    @Test func hostileModelNamesAndTokenCountsAreRefusedOrBounded() throws {
        var engine = try Engine(seed: seed, config: portfolioConfig([LLMModel(name: "good")]), rngSeed: 1)
        let hostile = ["", String(repeating: "m", count: 10_000_000), "two words", "bell\u{7}", "good", "good"]
        _ = engine.apply(.modelsServed(hostile), library: library)
        #expect(engine.servedModels == ["good"])

        #expect(TokenUsage(input: -5, output: Int.max) == TokenUsage(input: 0, output: TokenUsage.limit))
        #expect(TokenUsage(reportedInput: "12", reportedOutput: Double.nan) == TokenUsage(input: 0, output: 0))
        #expect(TokenUsage(reportedInput: 1e300, reportedOutput: 7.9) == TokenUsage(input: TokenUsage.limit, output: 7))
        let big = TokenUsage(input: TokenUsage.limit, output: TokenUsage.limit)
        #expect(big + big == big)
        // A decoded usage is bounded too (a worker's result is JSON).
        let forged = try JSONDecoder().decode(TokenUsage.self, from: Data(#"{"input": -1, "output": 9223372036854775807}"#.utf8))
        #expect(forged == TokenUsage(input: 0, output: TokenUsage.limit))

        for (models, problem) in [
            ([LLMModel(name: "a"), LLMModel(name: "a")], "twice"),
            ([LLMModel(name: "a b")], "spaces"),
            ([LLMModel(name: "a", inputPrice: -1)], "input_price"),
            ([LLMModel(name: "a", outputPrice: .nan)], "output_price"),
        ] {
            var settings = config()
            settings.portfolio = ModelPortfolio(models: models)
            do {
                try settings.validate()
                Issue.record("\(models) accepted")
            } catch {
                #expect(error.key == "llm.models")
                #expect(error.message.contains(problem), "\(error.message)")
            }
        }
    }

    @Test func betaDrawsHaveTheRightMean() {
        var rng = SeededRandom(seed: 3)
        for (alpha, beta) in [(1.0, 1.0), (5.0, 2.0), (2.0, 40.0)] {
            let draws = (0..<20_000).map { _ in rng.beta(alpha, beta) }
            #expect(draws.allSatisfy { (0...1).contains($0) })
            let mean = draws.reduce(0, +) / Double(draws.count)
            #expect(abs(mean - alpha / (alpha + beta)) < 0.01, "Beta(\(alpha), \(beta)) mean \(mean)")
        }
    }
}
