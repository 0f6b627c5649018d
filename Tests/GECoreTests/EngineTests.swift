import Foundation
@testable import GECore
import Testing

@Suite struct EngineTests {
    let fixture: TestSupport.SeedFixture
    init() throws { fixture = try .init() }
    var library: PromptLibrary { fixture.library }
    var seed: Genome { fixture.seed }

    func config(_ mode: EngineConfig.Mode = .steady, budget: Int = 60) -> EngineConfig {
        var config = EngineConfig()
        config.mode = mode
        config.initialPopulation = 8
        config.populationSize = 8
        config.offspringPerGeneration = 8
        config.elites = 6
        config.hallOfFameSize = 10
        config.evaluationBudget = budget
        config.variation.repairProbability = 0.2
        return config
    }

    func simulator(_ config: EngineConfig, rngSeed: UInt64 = 1, driverSeed: UInt64 = 2) throws -> EngineSimulator {
        EngineSimulator(engine: try Engine(seed: seed, config: config, rngSeed: rngSeed), library: library, driverSeed: driverSeed)
    }

    @Test(arguments: EngineConfig.Mode.allCases)
    func aRunSpendsExactlyItsBudgetAndFinishes(mode: EngineConfig.Mode) throws {
        var sim = try simulator(config(mode))
        let finished = sim.run()
        #expect(finished)
        let engine = sim.engine
        #expect(engine.evaluationsCompleted == 60)
        #expect(sim.evaluationsDispatched.count == 60)
        #expect(Set(sim.evaluationsDispatched).count == 60, "an individual was evaluated twice")
        #expect(engine.stopReason == "evaluation budget of 60 reached" || mode == .generational)
        #expect(!engine.population.isEmpty)
        #expect(engine.population.allSatisfy { engine.individuals[$0].fitness != nil })
        #expect(engine.archive.allSatisfy { engine.individuals[$0].fitness != nil })
        #expect(engine.archive.count <= 6 && Set(engine.archive).count == engine.archive.count)
        let failed = engine.individuals.filter { if case .failed = $0.status { true } else { false } }
        #expect(!failed.isEmpty)
        #expect(failed.allSatisfy { !engine.population.contains($0.id) })
        #expect(engine.individuals.contains { if case .failed(let f) = $0.status { f.kind == .noCode } else { false } })
        #expect(engine.individuals.allSatisfy { $0.status != .evaluating && $0.status != .awaitingEvaluation })
    }

    @Test func steadyStateKeepsTheBestMuByNSGA2AfterEveryResult() throws {
        var sim = try simulator(config(budget: 80))
        var previous: [IndividualID] = []
        var violations: [String] = []
        sim.onEvaluation = { engine, id in
            defer { previous = engine.population }
            guard engine.individuals[id].fitness != nil else {
                if engine.population != previous { violations.append("a failure changed the population") }
                return
            }
            let candidates = previous + [id]
            let expected = candidates.count <= 8
                ? candidates
                : NSGA2.select(candidates.map { engine.individuals[$0].fitness! }, weights: [1, -1], count: 8)
                    .sorted().map { candidates[$0] }
            if engine.population != expected { violations.append("after \(id): \(engine.population) != \(expected)") }
        }
        let finished = sim.run()
        #expect(finished)
        #expect(violations.isEmpty, "\(violations)")
        #expect(sim.engine.population.count == 8)
    }

    @Test func theInitialPopulationIsSeedMutationsAndEoTWaitsForElites() throws {
        var settings = config(budget: 80)
        settings.variation.eotProbability = 0.6
        var sim = try simulator(settings)
        let finished = sim.run()
        #expect(finished)
        let initial = sim.engine.individuals[1...8]
        #expect(initial.allSatisfy { $0.parents == [0] && [nil, .mutation].contains($0.variations.first?.variation) })
        let eot = sim.requests.filter { $0.request.prompt.variation == .evolutionOfThought }
        #expect(!eot.isEmpty)
        #expect(eot.allSatisfy { !$0.archiveWasEmpty && $0.successesBefore > 0 })
        let crossovers = sim.requests.filter { $0.request.prompt.variation == .crossover }
        #expect(!crossovers.isEmpty)
        #expect(crossovers.allSatisfy { $0.request.prompt.parents.count == 2 })
        #expect(sim.requests.contains { $0.request.prompt.variation == .repair })
        let children = sim.engine.individuals.filter { $0.origin == .crossover && $0.fitness != nil }
        #expect(children.allSatisfy { $0.parents.count == 2 })
    }

    @Test(arguments: EngineConfig.Mode.allCases)
    func replayingTheInputsGivesTheSameRunAndSoDoesRestoringMidway(mode: EngineConfig.Mode) throws {
        var sim = try simulator(config(mode), rngSeed: 9, driverSeed: 10)
        let finished = sim.run()
        #expect(finished)
        var replayed = try Engine(seed: seed, config: config(mode), rngSeed: 9)
        EngineSimulator.replay(sim.inputs, into: &replayed, library: library)
        #expect(replayed == sim.engine)

        for cut in [1, sim.inputs.count / 3, sim.inputs.count / 2, sim.inputs.count - 1] {
            var before = try Engine(seed: seed, config: config(mode), rngSeed: 9)
            EngineSimulator.replay(sim.inputs.prefix(cut), into: &before, library: library)
            let saved = try JSONEncoder().encode(before)
            var restored = try JSONDecoder().decode(Engine.self, from: saved)
            #expect(restored == before)
            EngineSimulator.replay(sim.inputs.dropFirst(cut), into: &restored, library: library)
            #expect(restored == sim.engine, "restored after input \(cut) diverged")
        }
    }

    @Test(arguments: EngineConfig.Mode.allCases)
    func theStepMarkPipelineCountsAndKeptGenomesStayTrueThroughARun(mode: EngineConfig.Mode) throws {
        for driverSeed: UInt64 in 1...4 {
            var sim = try simulator(config(mode, budget: 80), rngSeed: driverSeed, driverSeed: driverSeed)
            sim.llmSlots = Int(driverSeed)
            sim.idleStepRate = 0.5
            let finished = sim.run()
            #expect(finished)
            #expect(sim.unmarkedChanges == 0, "driver \(driverSeed): a step changed the engine and not its mark")
            #expect(sim.miscountedPipelines == 0)
            #expect(sim.missingGenomes == 0, "driver \(driverSeed): a genome a decision needs was released")
            #expect(sim.keptGenomes == 0, "driver \(driverSeed): a genome no decision needs was kept")
            // Steps without a free slot still change the engine (a
            // generation closes, rephrasings are planned): the mark is what
            // tells the daemon to record them.
            #expect(sim.silentChanges > 0)
        }
    }

    @Test func aSnapshotFromBeforeTheFailureCountersStillDecodes() throws {
        var sim = try simulator(config(budget: 12))
        let finished = sim.run()
        #expect(finished)
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(sim.engine)) as? [String: Any])
        for key in ["configurationFailures", "leadingFailure", "leadingFailureCount", "pipelineCounts"] { object[key] = nil }
        let old = try JSONDecoder().decode(Engine.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.consecutiveConfigurationFailures == 0 && old.leadingFailures == 0 && old.leadingFailure == nil)
        #expect(old.evaluationsCompleted == sim.engine.evaluationsCompleted && old.individuals == sim.engine.individuals)
        #expect(old.pipeline == sim.engine.pipeline)
    }

    @Test func differentSeedsGiveDifferentRuns() throws {
        var a = try simulator(config(), rngSeed: 1, driverSeed: 5)
        var b = try simulator(config(), rngSeed: 2, driverSeed: 5)
        let finished = (a.run(), b.run())
        #expect(finished == (true, true))
        #expect(a.engine.individuals.map(\.genome) != b.engine.individuals.map(\.genome))
    }

    @Test func resultsAreIdempotent() throws {
        var engine = try Engine(seed: seed, config: config(), rngSeed: 3)
        let commands = engine.step(freeLLMSlots: 2, freeEvaluationSlots: 1, library: library)
        guard case .evaluate(let seedID, _) = commands[0], case .generate(let request) = commands[1] else {
            Issue.record("expected the seed's evaluation and a request, got \(commands)")
            return
        }
        #expect(seedID == 0)
        #expect(!engine.receiveEvaluation(of: 0, outcome: scored([0.9, 500])).isEmpty)
        let afterFirst = engine
        #expect(engine.receiveEvaluation(of: 0, outcome: scored([0.1, 5])).isEmpty)
        #expect(engine.receiveEvaluation(of: 4242, outcome: .failure(Failure(.crash, "x"), run: .none)).isEmpty)
        #expect(engine == afterFirst)
        let answer = workerOutcome(for: request, answer: "```python\nclass FCT(nn.Module):\n    pass\n```", in: engine)
        #expect(engine.receiveAnswer(requestID: request.id, outcome: answer) != [])
        let afterAnswer = engine
        #expect(engine.receiveAnswer(requestID: request.id, outcome: answer).isEmpty)
        #expect(engine.receiveAnswer(requestID: 999, outcome: answer).isEmpty)
        #expect(engine == afterAnswer)
    }

    @Test func extractedCodeFromAWorkerReplacesTheSegment() throws {
        var engine = try Engine(seed: seed, config: config(), rngSeed: 3)
        let commands = engine.step(freeLLMSlots: 1, freeEvaluationSlots: 0, library: library)
        guard case .generate(let request) = commands.first else {
            Issue.record("expected a request, got \(commands)")
            return
        }
        let code = engine.genome(of: request.child).code(ofSegment: request.prompt.segment) + "\nEXTRA = 1"
        let source = engine.genome(of: request.child).replacingSegment(request.prompt.segment, with: code).source
        #expect(engine.receiveAnswer(requestID: request.id, outcome: .code(source: source, call: .none)) == [.childReady(request.child)])
        let child = engine.individuals[request.child]
        #expect(child.genome?.code(ofSegment: request.prompt.segment) == code)
        #expect(child.genome?.differingSegments(from: seed) == [request.prompt.segment])
        #expect(child.variations.map(\.variation) == [.mutation])
    }

    @Test func aChildChangedOutsideItsSegmentIsRefused() throws {
        var engine = try Engine(seed: seed, config: config(), rngSeed: 3)
        let commands = engine.step(freeLLMSlots: 1, freeEvaluationSlots: 0, library: library)
        guard case .generate(let request) = commands.first else {
            Issue.record("expected a request, got \(commands)")
            return
        }
        let base = engine.genome(of: request.child)
        let other = base.mutableSegmentIndices.first { $0 != request.prompt.segment }!
        // A buggy or hostile worker rewrites the header, another gene, or
        // sends a file with an extra marker line.
        let forged = [
            base.replacingSegment(other, with: "EVIL = 1").source,
            "import os\n" + base.source,
            base.source + "\n\(base.marker)\nclass Extra:\n    pass\n",
        ]
        for source in forged {
            var attempt = engine
            let events = attempt.receiveAnswer(requestID: request.id, outcome: .code(source: source, call: .none))
            guard case .childFailed(request.child, let failure) = events.last else {
                Issue.record("expected the child to fail, got \(events)")
                continue
            }
            #expect(failure.kind == .invalidResult)
            #expect(attempt.individuals[request.child].genome == nil, "the forgery is not kept")
            #expect(!attempt.fingerprints.keys.contains(Genome(source: source).fingerprint), "nor known as code")
        }
    }

    @Test func invalidObjectivesFailTheIndividual() throws {
        var engine = try Engine(seed: seed, config: config(), rngSeed: 3)
        _ = engine.step(freeLLMSlots: 0, freeEvaluationSlots: 1, library: library)
        let events = engine.receiveEvaluation(of: 0, outcome: scored([.nan, 3]))
        guard case .evaluationFailed(0, let failure) = events.first else {
            Issue.record("expected a failure, got \(events)")
            return
        }
        #expect(failure.kind == .invalidResult && failure.reason.contains("expected 2 finite values"))
        #expect(engine.population.isEmpty)
    }

    @Test func unchangedAnswersAreDuplicatesAndNeverEvaluated() throws {
        var sim = try simulator(config(budget: 30))
        sim.unchangedAnswerRate = 0.5
        let finished = sim.run()
        #expect(finished)
        let duplicates = sim.engine.individuals.filter { if case .duplicate = $0.status { true } else { false } }
        #expect(!duplicates.isEmpty)
        #expect(duplicates.allSatisfy { !sim.evaluationsDispatched.contains($0.id) })
        let evaluated = sim.fingerprintsDispatched
        #expect(Set(evaluated).count == evaluated.count)
    }

    @Test func anLLMThatAlwaysFailsStopsTheRunInsteadOfSpinning() throws {
        var settings = config()
        settings.maxConsecutiveBreedingFailures = 25
        var sim = try simulator(settings)
        sim.llmFailureRate = 1
        let finished = sim.run()
        #expect(finished)
        #expect(sim.engine.stopReason == "25 children in a row failed before evaluation")
        #expect(sim.engine.evaluationsCompleted == 1)
    }

    @Test func anLLMOutageIsAWaitThatNeverFailsAChildOrStopsTheRun() throws {
        var settings = config(budget: 30)
        settings.maxConsecutiveBreedingFailures = 5
        var sim = try simulator(settings)
        sim.outageUntilRequest = 200
        let finished = sim.run()
        #expect(finished)
        #expect(sim.engine.evaluationsCompleted == 30)
        #expect(sim.engine.stopReason == "evaluation budget of 30 reached")
        let unavailable = sim.engine.individuals.filter { if case .failed(let f) = $0.status { f.kind == .unavailable } else { false } }
        #expect(unavailable.isEmpty, "children wait out the outage")
        #expect(sim.requests.count > 200, "the prompts went out again after the outage")
    }

    @Test(arguments: [Failure.Kind.request, .contextLength])
    func requestsTheLLMRefusesStopBreedingAfterThree(kind: Failure.Kind) throws {
        var engine = try Engine(seed: seed, config: config(), rngSeed: 4)
        var events: [EngineEvent] = []
        for _ in 0..<3 {
            for case .generate(let request) in engine.step(freeLLMSlots: 1, freeEvaluationSlots: 0, library: library) {
                events += engine.receiveAnswer(requestID: request.id, outcome: .failure(Failure(kind, "request refused (HTTP 401) from http://x/v1/chat/completions; check the API key"), call: .none))
            }
        }
        #expect(engine.stopReason == "the LLM refused 3 requests in a row: request refused (HTTP 401) from http://x/v1/chat/completions; check the API key")
        #expect(events.contains { if case .stopped(let reason, _) = $0 { reason == engine.stopReason } else { false } })
        let resumed = engine.resume()
        #expect(resumed == [.resumed(cleared: "the LLM refused 3 requests in a row: request refused (HTTP 401) from http://x/v1/chat/completions; check the API key")])
        #expect(engine.stopReason == nil && !engine.step(freeLLMSlots: 1, freeEvaluationSlots: 1, library: library).isEmpty)
    }

    @Test func aSeedThatFailsItsEvaluationStopsTheRunAtOnce() throws {
        var engine = try Engine(seed: seed, config: config(), rngSeed: 4)
        _ = engine.step(freeLLMSlots: 2, freeEvaluationSlots: 1, library: library)
        let events = engine.receiveEvaluation(of: 0, outcome: .failure(Failure(.crash, "screen: NameError: name 'nn' is not defined"), run: .none))
        #expect(engine.stopReason?.hasPrefix("the seed failed its evaluation (crash): screen: NameError: name 'nn' is not defined") == true)
        #expect(events.contains { if case .stopped = $0 { true } else { false } })
        #expect(engine.step(freeLLMSlots: 4, freeEvaluationSlots: 4, library: library).isEmpty)
    }

    @Test func theFirstEvaluationsAllFailingAlikeStopTheRun() throws {
        var settings = config(budget: 40)
        settings.evaluateSeed = false
        var sim = try simulator(settings)
        sim.evaluationFailureRate = 1
        let finished = sim.run()
        #expect(finished)
        // The fifth stops it; what was in flight (one more, with two slots) still reports.
        #expect((5...6).contains(sim.engine.evaluationsCompleted))
        #expect(sim.engine.stopReason?.hasPrefix("the first 5 evaluations all failed the same way (shape): RuntimeError: shape mismatch") == true)
        // Resumed, the breaker does not trip again: the run goes to its budget.
        _ = sim.engine.resume()
        let resumedRun = sim.run()
        #expect(resumedRun)
        #expect(sim.engine.evaluationsCompleted == 40)
    }

    @Test func resumeLeavesARunWhoseBudgetIsSpentFinished() throws {
        var sim = try simulator(config(budget: 10))
        let finished = sim.run()
        #expect(finished)
        let resumed = sim.engine.resume()
        #expect(resumed == [.resumed(cleared: nil)])
        #expect(sim.engine.stopReason == "evaluation budget of 10 reached" && sim.engine.isFinished)
    }

    @Test func stopCancelsQueuedWorkAndFinishesWhenInFlightWorkReports() throws {
        var engine = try Engine(seed: seed, config: config(), rngSeed: 4)
        let commands = engine.step(freeLLMSlots: 3, freeEvaluationSlots: 1, library: library)
        #expect(commands.count == 4)
        _ = engine.stop(reason: "gectl stop")
        #expect(!engine.isFinished)
        #expect(engine.step(freeLLMSlots: 4, freeEvaluationSlots: 4, library: library).isEmpty)
        for case .generate(let request) in commands {
            let events = engine.receiveAnswer(requestID: request.id, outcome: workerOutcome(for: request, answer: "```python\nx = \(request.id)\n```", in: engine))
            #expect(events == [.childFailed(request.child, Failure(.cancelled, "the run stopped: gectl stop"))])
        }
        _ = engine.receiveEvaluation(of: 0, outcome: scored([0.9, 100]))
        #expect(engine.isFinished)
    }

    @Test func steadyStateKeepsThePipelineAtFreeSlotsPlusLookahead() throws {
        var settings = config(budget: 100)
        settings.initialPopulation = 1
        settings.evaluateSeed = false
        var engine = try Engine(seed: seed, config: settings, rngSeed: 5)
        let first = engine.step(freeLLMSlots: 10, freeEvaluationSlots: 0, library: library)
        #expect(first.count == 1)
        guard case .generate(let request) = first[0] else { return }
        _ = engine.receiveAnswer(requestID: request.id, outcome: workerOutcome(for: request, answer: "```python\nTUNED = 1\n```", in: engine))
        let dispatched = engine.step(freeLLMSlots: 10, freeEvaluationSlots: 1, library: library)
        #expect(dispatched.count == 1)
        _ = engine.receiveEvaluation(of: request.child, outcome: scored([0.8, 10]))
        // Three free evaluation slots and a lookahead of 2: five children are bred.
        let bred = engine.step(freeLLMSlots: 10, freeEvaluationSlots: 3, library: library)
        #expect(bred.count == 5)
        #expect(engine.step(freeLLMSlots: 10, freeEvaluationSlots: 3, library: library).isEmpty)
    }

    @Test func generationalModeWaitsForEachGenerationAndCarriesElites() throws {
        var sim = try simulator(config(.generational, budget: 50), rngSeed: 6, driverSeed: 7)
        var violations: [String] = []
        sim.onEvaluation = { engine, _ in
            let current = engine.generation
            if engine.individuals.contains(where: { $0.generation > current }) {
                violations.append("an individual of a later generation exists in generation \(current)")
            }
        }
        let finished = sim.run()
        #expect(finished)
        #expect(violations.isEmpty)
        let engine = sim.engine
        #expect(engine.generation >= 3)
        for generation in 1...engine.generation {
            let bornBefore = engine.individuals.filter { $0.generation < generation }.map(\.id).max()!
            let bornIn = engine.individuals.filter { $0.generation == generation }.map(\.id)
            #expect(bornIn.allSatisfy { $0 > bornBefore })
            // Offspring, and repair attempts of those that failed (p_repair).
            let repairs = bornIn.count { engine.individuals[engine.individuals[$0].parents[0]].status.failure != nil }
            #expect(bornIn.count - repairs <= 8)
        }
        #expect(engine.population.count <= 8 + 6)
    }

    @Test func crossoverOfAnIndividualWithItselfFallsBackToMutation() throws {
        var settings = config(budget: 40)
        settings.populationSize = 2
        settings.variation.crossoverProbability = 1
        settings.variation.mutationProbability = 0
        settings.variation.eotProbability = 0
        settings.variation.repairProbability = 0
        var sim = try simulator(settings, rngSeed: 12, driverSeed: 13)
        let finished = sim.run()
        #expect(finished)
        let bred = sim.requests.filter { $0.populationSize >= 2 && $0.request.prompt.parents != [0] }
            .map(\.request.prompt)
        let fallbacks = bred.filter { $0.variation == .mutation }
        #expect(!fallbacks.isEmpty)
        #expect(bred.filter { $0.variation == .crossover }.allSatisfy { $0.parents[0] != $0.parents[1] })
    }

    @Test func badConfigurationNamesTheKey() {
        var settings = EngineConfig()
        settings.variation.crossoverProbability = 1.5
        #expect(throws: ConfigError(key: "p_cx", message: "must be a probability between 0 and 1, got 1.5")) {
            try Engine(seed: seed, config: settings, rngSeed: 1)
        }
        settings = EngineConfig()
        settings.weights = [1, 0]
        #expect(throws: ConfigError.self) { try Engine(seed: seed, config: settings, rngSeed: 1) }
        #expect(throws: ConfigError.self) { try Engine(seed: Genome(source: "no markers"), config: EngineConfig(), rngSeed: 1) }
    }
}
