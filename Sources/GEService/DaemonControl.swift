import Foundation
import GEBus
import GECore
import GEProtocol

/// The control socket: one request, one reply, on the reactor thread.
extension Daemon {
    func answerControl() throws {
        guard let frames = try controlSocket.receive(dontWait: true) else { return }
        let reply: ControlReply
        if let first = frames.first, let request = try? JSONDecoder().decode(ControlRequest.self, from: first) {
            reply = try respond(to: request)
        } else {
            reply = .failure("malformed request; use gectl")
        }
        try controlSocket.send([Self.encode(reply)])
    }

    func respond(to request: ControlRequest) throws -> ControlReply {
        let arguments = request.arguments
        switch request.command {
        case "status": return .success(status())
        case "workers": return .success(workers())
        case "population": return .success(engine.population.map(report))
        case "front": return .success(front().map(report))
        case "all": return .success(engine.individuals.map { report($0.id) })
        case "show", "lineage":
            guard let id = arguments.first.flatMap(Int.init), engine.individuals.indices.contains(id) else {
                return .failure("no individual \(arguments.first ?? "") in this run; ids run from 0 to \(engine.individuals.count - 1)")
            }
            return request.command == "show" ? .success(detail(id)) : .success(lineage(id).map(report))
        case "pause":
            paused = true
            return .success(["paused": true])
        case "resume":
            paused = false
            return .success(["paused": false])
        case "drain":
            guard let worker = arguments.first, broker.core.workers.values.contains(where: { $0.id == worker || $0.name == worker }) else {
                return .failure("no connected worker \(arguments.first ?? ""); see gectl workers")
            }
            let id = broker.core.workers.values.first { $0.id == worker || $0.name == worker }!.id
            _ = broker.drain(workerID: id)
            return .success(["draining": id])
        case "stop":
            try apply(.stop(reason: "gectl stop"))
            control.stop(because: "gectl stop")
            return .success(["stopping": true])
        case "config-get":
            return .success(configuration())
        case "config-set":
            guard arguments.count == 2, Engine.liveSettings.contains(arguments[0]), let value = Int(arguments[1]) else {
                return .failure("settable while running: " + Engine.liveSettings.joined(separator: ", ") + " (integers)")
            }
            try apply(.configure(key: arguments[0], value: value))
            return .success(configuration())
        default:
            return .failure("unknown command \(request.command)")
        }
    }

    func status() -> StatusReport {
        let evaluated = engine.individuals.filter { $0.fitness != nil }
        let best = manifest.objectives.enumerated().compactMap { index, objective -> StatusReport.Best? in
            let sorted = evaluated.sorted { a, b in
                objective.maximize ? a.fitness![index] > b.fitness![index] : a.fitness![index] < b.fitness![index]
            }
            guard let top = sorted.first else { return nil }
            return StatusReport.Best(objective: objective.name, value: top.fitness![index], individual: top.id)
        }
        let workers = broker.core.workers.values
        return StatusReport(
            seed: manifest.name, mode: engine.config.mode.rawValue,
            state: engine.isFinished ? "finished" : (paused ? "paused" : "running"), stopReason: engine.stopReason,
            paused: paused, evaluations: engine.evaluationsCompleted, budget: engine.config.evaluationBudget,
            generation: engine.generation, objectives: manifest.objectives.map(\.name), best: best,
            hypervolume: hypervolume(of: evaluated.map { $0.fitness! }),
            workersBusy: workers.count { !$0.running.isEmpty }, workersIdle: workers.count { $0.running.isEmpty },
            queuedLLM: broker.core.queued(.llm), queuedGPU: broker.core.queued(.gpu))
    }

    /// Hypervolume of the evaluated points against a point just worse than
    /// the worst values seen (a reference that needs no configuration).
    func hypervolume(of points: [[Double]]) -> Double? {
        guard !points.isEmpty else { return nil }
        let weights = engine.config.weights
        return Hypervolume.compute(points, weights: weights, reference: Hypervolume.reference(below: points, weights: weights))
    }

    func workers() -> [WorkerReport] {
        let now = broker.now
        return broker.core.workers.values.sorted { $0.id < $1.id }.map { worker in
            WorkerReport(
                id: worker.id, name: worker.name, kind: worker.kind.rawValue, host: worker.host,
                gpu: worker.capabilities.gpuName, slots: worker.capabilities.slots, running: worker.running.count,
                draining: worker.draining, secondsSinceHeard: now - worker.lastHeard)
        }
    }

    /// The non-dominated evaluated individuals of the whole run.
    func front() -> [IndividualID] {
        let evaluated = engine.individuals.filter { $0.fitness != nil }
        guard !evaluated.isEmpty else { return [] }
        let fronts = NondominatedSort.fronts(Dominance.weighted(evaluated.map { $0.fitness! }, by: engine.config.weights))
        return fronts[0].map { evaluated[$0].id }
    }

    func report(_ id: IndividualID) -> IndividualReport {
        let individual = engine.individuals[id]
        var status: String
        var failure: Failure?
        var duplicateOf: IndividualID?
        switch individual.status {
        case .breeding: status = "breeding"
        case .awaitingEvaluation: status = "queued"
        case .evaluating: status = "evaluating"
        case .evaluated: status = engine.population.contains(id) ? "alive" : "evaluated"
        case .failed(let reason):
            status = "failed"
            failure = reason
        case .duplicate(let original):
            status = "duplicate"
            duplicateOf = original
        }
        return IndividualReport(
            id: id, status: status, objectives: individual.fitness, origin: individual.origin.rawValue,
            parents: individual.parents, age: engine.evaluationsCompleted - individual.bornAfterEvaluations,
            generation: individual.generation, failure: failure, duplicateOf: duplicateOf, template: individual.variations.first?.templateID)
    }

    func detail(_ id: IndividualID) -> IndividualDetail {
        let individual = engine.individuals[id]
        let parent = individual.parents.first.map { engine.individuals[$0].genome.source } ?? ""
        return IndividualDetail(
            report: report(id), code: individual.genome.source,
            diff: parent.isEmpty ? "" : LineDiff.unified(from: parent, to: individual.genome.source),
            variations: individual.variations.map { step in
                "\(step.variation.rawValue) of segment \(step.segment) with \(step.templateID) (persona \(step.persona), temperature \(String(format: "%.2f", step.temperature)))"
                    + (step.elite.map { ", learning from #\($0)" } ?? "")
            })
    }

    /// The individual and its first parents back to the seed.
    func lineage(_ id: IndividualID) -> [IndividualID] {
        var chain = [id]
        while let parent = engine.individuals[chain.last!].parents.first, !chain.contains(parent) {
            chain.append(parent)
        }
        return chain
    }

    func configuration() -> [String: String] {
        let config = engine.config
        return [
            "mode": config.mode.rawValue, "evaluation_budget": String(config.evaluationBudget),
            "initial_population": String(config.initialPopulation), "population_size": String(config.populationSize),
            "offspring_per_generation": String(config.offspringPerGeneration), "elites": String(config.elites),
            "hall_of_fame_size": String(config.hallOfFameSize), "lookahead": String(config.lookahead),
            "p_cx": String(config.variation.crossoverProbability), "p_mut": String(config.variation.mutationProbability),
            "p_eot": String(config.variation.eotProbability), "p_qc": String(config.variation.repairProbability),
            "eot_elites": String(config.variation.eotElites), "objectives": manifest.objectives.map {
                "\($0.name) (\($0.maximize ? "max" : "min"))"
            }.joined(separator: ", "),
        ]
    }
}
