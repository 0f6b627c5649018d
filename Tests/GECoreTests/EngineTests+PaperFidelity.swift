import Foundation
@testable import GECore
import Testing

// The behaviours that make the engine faithful to the GE reference (prompt
// evolution, operator rates, the elite archive, the generation limit) and
// the failure feedback it adds.
extension EngineTests {
    // MARK: Prompt evolution

    @Test(arguments: EngineConfig.Mode.allCases)
    func promptEvolutionRephrasesEveryRoundAndUsesTheEvolvedTemplates(mode: EngineConfig.Mode) throws {
        var settings = config(mode, budget: 120)
        settings.variation.rephrasings = 3
        var sim = try simulator(settings, rngSeed: 3, driverSeed: 4)
        let finished = sim.run()
        #expect(finished)
        let engine = sim.engine
        let rounds = Dictionary(grouping: sim.rephrasings, by: \.request.generation)
        #expect(rounds.count >= 3, "rounds with rephrasings: \(rounds.keys.sorted())")
        for (round, requests) in rounds {
            #expect(round >= 1)
            // The last round may be cut short by the end of the run.
            #expect(requests.count == 3 || round == rounds.keys.max(), "round \(round) asked for \(requests.count) rephrasings")
            #expect(Set(requests.map(\.request.original.id)).count == 3, "a round rephrased one template twice")
            #expect(requests.allSatisfy { $0.request.original.kind == .mutation })
            #expect(requests.allSatisfy { (0.01...0.4).contains($0.request.sampling.temperature) })
            if mode == .steady {
                // Steady: a round is μ evaluations.
                #expect(requests.allSatisfy { $0.evaluationsBefore >= round * 8 })
            }
        }
        // Usable rephrasings join the pool, with their parent and round;
        // those that lost the {{code}} placeholder do not.
        let evolved = engine.evolution.templates
        #expect(!evolved.isEmpty && evolved.count < sim.rephrasings.count)
        for item in evolved {
            let request = try #require(sim.rephrasings.first { $0.request.evolvedID == item.template.id }?.request)
            #expect(item.template.parentID == request.original.id)
            #expect(item.template.category == request.original.category && item.template.persona == request.original.persona)
            #expect(item.generation == request.generation)
            #expect(item.template.body.contains("{{code}}"))
        }
        let evolvedIDs = Set(evolved.map(\.template.id))
        let usedEvolved = sim.requests.filter { evolvedIDs.contains($0.request.prompt.templateID) }
        #expect(!usedEvolved.isEmpty, "no child was made with an evolved template")
        #expect(usedEvolved.allSatisfy { $0.request.prompt.text.contains("Please, with care:") })
        // The pool grows with the run: a library rebuilt from the state has them.
        #expect(engine.library(extending: library).templates.count == library.templates.count + evolved.count)
    }

    @Test func promptEvolutionIsOffWithZeroRephrasingsAndStopsAtTheCap() throws {
        var settings = config(budget: 80)
        settings.variation.rephrasings = 0
        var off = try simulator(settings)
        let offFinished = off.run()
        #expect(offFinished)
        #expect(off.rephrasings.isEmpty && off.engine.evolution.templates.isEmpty)

        settings.variation.rephrasings = 5
        settings.variation.maxEvolvedTemplates = 4
        var capped = try simulator(settings)
        let cappedFinished = capped.run()
        #expect(cappedFinished)
        #expect(capped.engine.evolution.templates.count <= 4)
        #expect(capped.rephrasings.count <= 4 + 5, "asked for rephrasings past the cap")
    }

    @Test func aHostileRephrasingIsRejectedNotTaken() throws {
        var settings = config(budget: 40)
        settings.variation.rephrasings = 3
        var engine = try Engine(seed: seed, config: settings, rngSeed: 1)
        engine.planRephrasings(round: 1, library: library)
        var requests: [RephraseRequest] = []
        while let request = engine.nextRephrasing() { requests.append(request) }
        #expect(requests.count == 3)
        let huge = String(repeating: "{{code}} ", count: 2_000)
        let answers: [LLMOutcome] = [
            .text(huge, call: .none),
            .code(source: "x = 1", call: .none),
            .text("rewrite {{code}} and {{seed_code}}", call: .none),
        ]
        for (request, answer) in zip(requests, answers) {
            let events = engine.receiveAnswer(requestID: request.id, outcome: answer)
            guard case .templateRejected(let id, _) = events.first else {
                Issue.record("\(answer) was taken: \(events)")
                continue
            }
            #expect(id == request.original.id)
        }
        #expect(engine.evolution.templates.isEmpty && engine.evolution.open.isEmpty)
        // A replayed answer changes nothing.
        #expect(engine.receiveAnswer(requestID: requests[0].id, outcome: .text("x {{code}}", call: .none)).isEmpty)
    }

    // MARK: Operator rates

    /// The realised rates of crossover (per breeding decision), mutation
    /// after crossover and EoT (per mutation once elites exist) are the
    /// configured probabilities within 3 standard errors, over 2,000
    /// children, with one LLM slot and with sixteen.
    @Test(arguments: [1, 16])
    func realisedOperatorRatesMatchTheConfiguredProbabilities(llmSlots: Int) throws {
        var settings = config(budget: 2_000)
        settings.populationSize = 16
        settings.initialPopulation = 16
        settings.elites = 16
        settings.variation.crossoverProbability = 0.35
        settings.variation.mutationProbability = 0.8
        settings.variation.eotProbability = 0.25
        settings.variation.repairProbability = 0
        settings.variation.rephrasings = 0
        var sim = try simulator(settings, rngSeed: UInt64(llmSlots), driverSeed: 99)
        sim.llmSlots = llmSlots
        sim.evaluationSlots = 4
        sim.llmFailureRate = 0.05
        sim.unchangedAnswerRate = 0.01
        let finished = sim.run(maxIterations: 200_000)
        #expect(finished)
        let engine = sim.engine
        let answers = Dictionary(uniqueKeysWithValues: sim.inputs.compactMap { input -> (Int, LLMOutcome)? in
            if case .answer(let id, let outcome) = input { return (id, outcome) }
            return nil
        })
        let byChild = Dictionary(grouping: sim.requests, by: \.request.child)
        var crossoverChildren = 0, mutationDecisions = 0
        var crossedAndAnswered = 0, mutatedAfterCrossover = 0
        var mutationsWithElites = 0, eotRequests = 0
        for (child, requests) in byChild where child > settings.initialPopulation {
            let first = requests[0]
            if first.request.prompt.variation != .repair, first.populationSize >= 4 {
                if first.request.prompt.variation == .crossover { crossoverChildren += 1 } else { mutationDecisions += 1 }
            }
            if first.request.prompt.variation == .crossover, answers[first.request.id]?.source != nil,
                engine.individuals[child].status.failure?.kind != .cancelled
            {
                crossedAndAnswered += 1
                if requests.count > 1 { mutatedAfterCrossover += 1 }
            }
        }
        for entry in sim.requests
        where !entry.archiveWasEmpty && entry.successesBefore >= 8 && entry.request.child > settings.initialPopulation {
            let variation = entry.request.prompt.variation
            guard variation == .mutation || variation == .evolutionOfThought else { continue }
            mutationsWithElites += 1
            if variation == .evolutionOfThought { eotRequests += 1 }
        }
        let children = engine.individuals.count - 1
        #expect(children >= 2_000, "only \(children) children")
        func check(_ name: String, _ hits: Int, of trials: Int, _ p: Double) {
            let rate = Double(hits) / Double(trials)
            let standardError = (p * (1 - p) / Double(trials)).squareRoot()
            #expect(trials >= 200, "\(name): only \(trials) trials")
            #expect(abs(rate - p) <= 3 * standardError,
                    "\(name): \(hits)/\(trials) = \(rate), configured \(p) ± \(3 * standardError) (3 SE)")
        }
        // Each crossover decision makes two children.
        let crossoverDecisions = crossoverChildren / 2
        check("crossover", crossoverDecisions, of: crossoverDecisions + mutationDecisions, 0.35)
        check("mutation after crossover", mutatedAfterCrossover, of: crossedAndAnswered, 0.8)
        check("EoT", eotRequests, of: mutationsWithElites, 0.25)
    }

    // MARK: The elite archive

    @Test func aNonDominatedNewcomerDroppedOnCrowdingStillReachesTheArchive() throws {
        var settings = EngineConfig()
        settings.initialPopulation = 3
        settings.populationSize = 3
        settings.elites = 10
        settings.evaluateSeed = false
        settings.lookahead = 1
        settings.variation.crossoverProbability = 0
        settings.variation.failureRepairProbability = 0
        settings.variation.rephrasings = 0
        var engine = try Engine(seed: seed, config: settings, rngSeed: 4)
        var values: [[Double]] = [[0.5, 50], [0.9, 90], [0.1, 10]]
        func breed(_ count: Int) -> [IndividualID] {
            var children: [IndividualID] = []
            for case .generate(let request) in engine.step(freeLLMSlots: count, freeEvaluationSlots: 0, library: library) {
                let answer = "```python\nNEWCOMER_\(request.id) = \(request.id)\n```"
                _ = engine.receiveAnswer(requestID: request.id, outcome: workerOutcome(for: request, answer: answer, in: engine))
                children.append(request.child)
            }
            return children
        }
        func evaluate(_ children: [IndividualID]) {
            _ = engine.step(freeLLMSlots: 0, freeEvaluationSlots: children.count, library: library)
            for child in children { _ = engine.receiveEvaluation(of: child, outcome: scored(values.removeFirst())) }
        }
        let first = breed(3)
        #expect(first.count == 3)
        evaluate(first)
        #expect(Set(engine.population) == Set(first))
        // Between A (0.5, 50) and B (0.9, 90), non-dominated, but with less
        // crowding distance than A: (μ+1) replacement drops it.
        values = [[0.7, 70]]
        let newcomer = breed(1)
        #expect(newcomer.count == 1)
        evaluate(newcomer)
        #expect(!engine.population.contains(newcomer[0]), "the scenario needs the newcomer dropped")
        #expect(engine.archive.contains(newcomer[0]), "the archive missed a non-dominated newcomer")
        #expect(Set(engine.archive) == Set(first + newcomer))
    }

    // MARK: The generation limit

    @Test func maxGenerationsStopsAGenerationalRunAsFinished() throws {
        var settings = config(.generational, budget: 1_000)
        settings.maxGenerations = 2
        var sim = try simulator(settings)
        let simFinished = sim.run()
        #expect(simFinished)
        let engine = sim.engine
        #expect(engine.generation == 2)
        #expect(engine.stopReason == "max_generations of 2 reached")
        #expect(engine.reachedLimit)
        #expect(engine.individuals.allSatisfy { $0.generation <= 2 })
        #expect(engine.evaluationsCompleted < 1_000)
        // A resume cannot go past it.
        var resumed = engine
        #expect(resumed.resume() == [.resumed(cleared: nil)])
        #expect(resumed.stopReason == engine.stopReason)
    }

    @Test func maxGenerationsStopsASteadyRunAfterThatManyTimesMu() throws {
        var settings = config(budget: 1_000)
        settings.maxGenerations = 3
        var sim = try simulator(settings)
        let simFinished = sim.run()
        #expect(simFinished)
        let engine = sim.engine
        #expect(engine.stopReason?.hasPrefix("max_generations of 3 reached") == true)
        // The stop comes with the 24th result; what was in flight still reports.
        #expect((24...24 + 16).contains(engine.evaluationsCompleted))
    }

    // MARK: Failure feedback

    @Test func aFailedChildGetsOneRepairThatShowsTheLLMItsError() throws {
        var settings = config(budget: 120)
        settings.variation.failureRepairProbability = 1
        settings.variation.repairProbability = 0
        var sim = try simulator(settings, rngSeed: 8, driverSeed: 9)
        sim.evaluationFailureRate = 0.3
        let simFinished = sim.run()
        #expect(simFinished)
        let engine = sim.engine
        // Every other child's first parent was scored: only a repair is bred from a failed one.
        let repairChildren = engine.individuals.filter { $0.id != 0 && engine.individuals[$0.parents[0]].fitness == nil }
        let repairs = repairChildren.filter { $0.origin == .repair }
        #expect(!repairs.isEmpty)
        #expect(engine.repairs.attempted == repairChildren.count)
        #expect(repairChildren.allSatisfy { $0.origin == .repair || $0.status.failure?.kind == .cancelled })
        #expect(engine.repairs.scored == repairs.count { $0.fitness != nil })
        for repair in repairs {
            let failed = engine.individuals[repair.parents[0]]
            #expect(failed.status.failure?.kind == .shape)
            #expect(failed.origin != .repair, "a repair child was repaired again")
            #expect(repair.variations[0].segment == failed.variations.last!.segment)
        }
        let prompts = sim.requests.map(\.request.prompt).filter { $0.variation == .repair }
        #expect(!prompts.isEmpty)
        #expect(prompts.allSatisfy { $0.text.contains("RuntimeError: shape mismatch") && $0.text.contains("Traceback") })

        // Off (the reference), and for failures no code change can fix.
        settings.variation.failureRepairProbability = 0
        var off = try simulator(settings, rngSeed: 8, driverSeed: 9)
        off.evaluationFailureRate = 0.3
        let offFinished = off.run()
        #expect(offFinished)
        #expect(off.engine.repairs.attempted == 0)
        settings.variation.failureRepairProbability = 1
        var timeouts = try simulator(settings, rngSeed: 8, driverSeed: 9)
        timeouts.evaluationFailureRate = 0.3
        timeouts.evaluationFailureKind = .timeout
        let timeoutsFinished = timeouts.run()
        #expect(timeoutsFinished)
        #expect(timeouts.engine.repairs.attempted == 0)
    }

    // MARK: What templates did

    @Test func templateUseCountsMatchARecountFromTheIndividuals() throws {
        var sim = try simulator(config(budget: 100), rngSeed: 21, driverSeed: 22)
        let simFinished = sim.run()
        #expect(simFinished)
        let engine = sim.engine
        var scored: [String: Int] = [:]
        for individual in engine.individuals where individual.fitness != nil {
            for id in Set(individual.variations.map(\.templateID)) { scored[id, default: 0] += 1 }
        }
        #expect(engine.templateUse.mapValues(\.evaluated).filter { $0.value > 0 } == scored)
        let steps = engine.individuals.flatMap(\.variations).count
        let failedSteps = engine.individuals.count { individual in
            // A child whose LLM step failed keeps the prompt it was tried with.
            if case .failed(let failure) = individual.status { failure.kind == .noCode } else { false }
        }
        #expect(engine.templateUse.values.reduce(0) { $0 + $1.children } == steps - failedSteps)
        #expect(engine.templateUse.values.allSatisfy { $0.front <= $0.evaluated && $0.evaluated <= $0.children })
        #expect(engine.templateUse.values.contains { $0.front > 0 })
    }

    // MARK: Snapshots from before these features

    @Test func aSnapshotFromBeforePromptEvolutionStillDecodes() throws {
        var sim = try simulator(config(budget: 30))
        let simFinished = sim.run()
        #expect(simFinished)
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(sim.engine)) as? [String: Any])
        for key in ["promptEvolution", "templateUseCounts", "repairCounts"] { object[key] = nil }
        var configuration = try #require(object["config"] as? [String: Any])
        var variation = try #require(configuration["variation"] as? [String: Any])
        for key in ["failureRepairProbability", "rephrasings", "maxEvolvedTemplates", "rephraseTemperature", "personas"] {
            variation[key] = nil
        }
        configuration["variation"] = variation
        configuration["maxGenerations"] = nil
        object["config"] = configuration
        let old = try JSONDecoder().decode(Engine.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.evolution == PromptEvolution() && old.templateUse.isEmpty && old.repairs == RepairCounts())
        #expect(old.config.variation.failureRepairProbability == 0.5 && old.config.variation.rephrasings == 5)
        #expect(old.individuals == sim.engine.individuals)
    }
}
