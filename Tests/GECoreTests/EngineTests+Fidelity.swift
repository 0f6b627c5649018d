import Foundation
@testable import GECore
import Testing

/// Multi-fidelity evaluation (asynchronous successive halving) and the
/// training-hours budget.
extension EngineTests {
    func fidelityConfig(rungs: Int = 3, eta: Int = 3, budget: Int = 150) -> EngineConfig {
        var settings = config(budget: budget)
        settings.fidelity = EngineConfig.Fidelity(rungs: rungs, eta: eta)
        return settings
    }

    @Test(arguments: [(3, 3), (2, 2), (4, 3)])
    func promotionTakesTheTopOneOverEtaOfEachRungByRank(rungs: Int, eta: Int) throws {
        var sim = try simulator(fidelityConfig(rungs: rungs, eta: eta, budget: 200), rngSeed: 3, driverSeed: 4)
        var seenPromoted = Array(repeating: Set<IndividualID>(), count: rungs - 1)
        var violations: [String] = []
        sim.onEvaluation = { engine, _ in
            let ladder = engine.ladder
            for rung in 0..<(rungs - 1) {
                let members = ladder.scored[rung]
                let topCount = members.count / eta
                let top = Set(NSGA2.select(
                    members.map { engine.individuals[$0].lowerRungFitness![rung] }, weights: [1, -1], count: topCount
                ).map { members[$0] })
                let promoted = Set(engine.promoted(from: rung))
                let new = promoted.subtracting(seenPromoted[rung])
                if !new.isSubset(of: top) { violations.append("rung \(rung): promoted \(new.subtracting(top)) outside the top \(topCount)") }
                if promoted.count > topCount { violations.append("rung \(rung): \(promoted.count) promoted of \(members.count)") }
                // A member of the top still waits only when the quota is spent
                // (or the budget has no room).
                let waiting = top.filter { engine.isWaiting($0, at: rung) }
                if !waiting.isEmpty, engine.mayCreate, promoted.count < topCount {
                    violations.append("rung \(rung): \(waiting) in the top and not promoted")
                }
                seenPromoted[rung] = promoted
            }
        }
        let finished = sim.run()
        #expect(finished)
        #expect(violations.isEmpty, "\(violations.prefix(5))")
        let engine = sim.engine
        #expect(engine.evaluationsCompleted == 200)
        // Promotions happened at every rung, and each promoted child trained
        // again at the rung above (a job per rung, never twice at one).
        for rung in 0..<(rungs - 1) { #expect(!engine.promoted(from: rung).isEmpty, "nothing left rung \(rung)") }
        let evaluationsByChild = Dictionary(grouping: sim.evaluationsDispatched, by: { $0 }).mapValues(\.count)
        for individual in engine.individuals where individual.id != 0 {
            let passed = individual.lowerRungFitness?.count ?? 0
            let trained = evaluationsByChild[individual.id] ?? 0
            // One job per rung passed, and one more that ended it there: a
            // full-fidelity score or a failed training (cancelled ones never ran).
            let ended = individual.fitness != nil || individual.status.failure?.kind == .shape ? 1 : 0
            #expect(trained == passed + ended, "#\(individual.id) trained \(trained) times, passed \(passed) rungs, \(individual.status.name)")
        }
        // Only full-fidelity objectives reach the population, the archive and the hall of fame.
        for id in engine.population + engine.archive + engine.hallOfFame.ids where id != 0 {
            #expect(engine.individuals[id].lowerRungFitness?.count == rungs - 1, "#\(id) selected without passing every rung")
        }
        #expect(engine.individuals.contains { if case .rungScored = $0.status { true } else { false } })
    }

    @Test func aChildThatFailsIsNeverPromotedAndTheSeedTrainsAtFullFidelity() throws {
        var settings = fidelityConfig(budget: 120)
        settings.variation.failureRepairProbability = 0
        var sim = try simulator(settings, rngSeed: 5, driverSeed: 6)
        sim.evaluationFailureRate = 0.3
        let finished = sim.run()
        #expect(finished)
        let engine = sim.engine
        #expect(engine.rung(of: 0) == 2)
        #expect(engine.individuals[0].fitness != nil && engine.individuals[0].lowerRungFitness == nil)
        let failedAtFirstRung = engine.individuals.filter { $0.status.failure?.kind == .shape && $0.lowerRungFitness == nil }
        #expect(failedAtFirstRung.count > 10)
        let everScored = Set(engine.ladder.scored.joined())
        #expect(failedAtFirstRung.allSatisfy { !everScored.contains($0.id) })
        #expect(failedAtFirstRung.allSatisfy { id in sim.evaluationsDispatched.count { $0 == id.id } == 1 })
        // A result for a child waiting at its rung (a late or forged repeat) changes nothing.
        let waiting = try #require(engine.individuals.first { if case .rungScored = $0.status { true } else { false } })
        var copy = engine
        #expect(copy.receiveEvaluation(of: waiting.id, outcome: scored([0.99, 1])).isEmpty)
        #expect(copy == engine)
    }

    @Test func aFidelityRunReplaysAndRestoresMidwayToTheSameState() throws {
        let settings = fidelityConfig(budget: 120)
        var sim = try simulator(settings, rngSeed: 7, driverSeed: 8)
        sim.evaluationFailureRate = 0.15
        let finished = sim.run()
        #expect(finished)
        var replayed = try Engine(seed: seed, config: settings, rngSeed: 7)
        EngineSimulator.replay(sim.inputs, into: &replayed, library: library)
        #expect(replayed == sim.engine)
        for cut in [sim.inputs.count / 4, sim.inputs.count / 2, sim.inputs.count * 3 / 4] {
            var before = try Engine(seed: seed, config: settings, rngSeed: 7)
            EngineSimulator.replay(sim.inputs.prefix(cut), into: &before, library: library)
            var restored = try JSONDecoder().decode(Engine.self, from: JSONEncoder().encode(before))
            #expect(restored == before)
            EngineSimulator.replay(sim.inputs.dropFirst(cut), into: &restored, library: library)
            #expect(restored == sim.engine, "restored after input \(cut) diverged")
        }
    }

    @Test func aStopReturnsQueuedPromotionsToTheirRungAndResumePromotesThemAgain() throws {
        var settings = fidelityConfig(rungs: 2, eta: 2, budget: 400)
        settings.evaluateSeed = false
        settings.variation.repairProbability = 0
        var engine = try Engine(seed: seed, config: settings, rngSeed: 11)
        var children: [IndividualID] = []
        for command in engine.step(freeLLMSlots: 3, freeEvaluationSlots: 0, library: library) {
            guard case .generate(let request) = command else { continue }
            let answer = "```python\n\(engine.genome(of: request.child).code(ofSegment: request.prompt.segment))\nX_\(request.id) = 1\n```"
            _ = engine.receiveAnswer(requestID: request.id, outcome: workerOutcome(for: request, answer: answer, in: engine))
            children.append(request.child)
        }
        #expect(children.count == 3)
        #expect(engine.step(freeLLMSlots: 0, freeEvaluationSlots: 3, library: library).count == 3)
        // Two of three scored at rung 0: the better is the top half, promoted
        // ahead of everything else, and waits for a slot.
        _ = engine.receiveEvaluation(of: children[0], outcome: scored([0.4, 10]))
        let events = engine.receiveEvaluation(of: children[1], outcome: scored([0.6, 10]))
        #expect(events.contains(.promoted(children[1], rung: 1)))
        #expect(engine.individuals[children[1]].status == .awaitingEvaluation)
        #expect(engine.rung(of: children[1]) == 1)

        _ = engine.stop(reason: "operator")
        #expect(engine.individuals[children[1]].status == .rungScored(rung: 0, fitness: [0.6, 10]))
        #expect(engine.promoted(from: 0).isEmpty)
        _ = engine.resume()
        // The next result at rung 0 decides promotions again: the waiting
        // child is still in the top and goes up.
        let again = engine.receiveEvaluation(of: children[2], outcome: scored([0.1, 10]))
        #expect(again.contains(.promoted(children[1], rung: 1)))
        let commands = engine.step(freeLLMSlots: 0, freeEvaluationSlots: 1, library: library)
        #expect(commands.contains { if case .evaluate(children[1], _) = $0 { true } else { false } })
        let top = engine.receiveEvaluation(of: children[1], outcome: scored([0.8, 10]))
        #expect(top.contains(.evaluated(children[1], fitness: [0.8, 10])))
        #expect(engine.population == [children[1]])
        #expect(engine.individuals[children[1]].lowerRungFitness == [[0.6, 10]])
        #expect(engine.evaluationsCompleted == 4)
    }

    @Test func theTrainingHoursBudgetStopsTheRunAndBadTimesCountAsNothing() throws {
        var settings = config(budget: 10_000)
        settings.maxTrainingHours = 0.5
        var sim = try simulator(settings)
        sim.secondsPerEpoch = 60
        sim.evaluationFailureRate = 0
        // One slot: nothing is in flight when the budget is reached.
        sim.evaluationSlots = 1
        let finished = sim.run()
        #expect(finished)
        #expect(sim.engine.evaluationsCompleted == 30)
        #expect(sim.engine.trainingSeconds == 1800)
        #expect(sim.engine.stopReason?.contains("training budget of 0.5 GPU hours") == true)
        #expect(sim.engine.reachedLimit)
        var stopped = sim.engine
        _ = stopped.resume()
        #expect(stopped.stopReason != nil, "a resume cleared a stop whose budget is spent")

        for hostile in [Double.infinity, -.infinity, .nan, -5, 1e300, 604_801] {
            #expect(Engine.trainingSeconds(reported: hostile) == 0, "\(hostile)")
        }
        #expect(Engine.trainingSeconds(reported: 12.5) == 12.5)
    }

    @Test func fidelitySettingsAreCheckedWithTheirKey() {
        var settings = fidelityConfig()
        settings.mode = .generational
        for (rungs, eta, key) in [(1, 3, "train.rungs"), (EngineConfig.maxRungs + 1, 3, "train.rungs"), (3, 1, "promotion_eta")] {
            var bad = fidelityConfig()
            bad.fidelity = EngineConfig.Fidelity(rungs: rungs, eta: eta)
            do {
                try bad.validate()
                Issue.record("rungs \(rungs), eta \(eta) accepted")
            } catch {
                #expect(error.key == key)
            }
        }
        do {
            try settings.validate()
            Issue.record("rungs accepted in generational mode")
        } catch {
            #expect(error.key == "mode")
            #expect(error.message.contains("steady"))
        }
        var hours = config()
        for bad in [0, -1, Double.nan, .infinity] {
            hours.maxTrainingHours = bad
            #expect((try? hours.validate()) == nil, "max_gpu_hours \(bad) accepted")
        }
    }

    @Test func reconfiguringKeepsTheRungs() throws {
        var engine = try Engine(seed: seed, config: fidelityConfig(), rngSeed: 1)
        var next = config()
        next.evaluationBudget = 500
        engine.reconfigure(next)
        #expect(engine.config.fidelity == EngineConfig.Fidelity(rungs: 3, eta: 3))
        #expect(engine.config.evaluationBudget == 500)
    }
}
