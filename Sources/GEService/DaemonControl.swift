import Foundation
import GEBus
import GECore
import GEProtocol

/// The control socket: one request, one reply, on the reactor thread.
extension Daemon {
    func answerControl() throws {
        guard let frames = try controlSocket.receive(dontWait: true) else { return }
        let reply: ControlReply
        if frames.count == 1, let request = try? JSONDecoder().decode(ControlRequest.self, from: frames[0]) {
            reply = try respond(to: request)
        } else {
            reply = .failure("malformed request; use a gectl of the same version as ged")
        }
        try controlSocket.send([Self.encode(reply)])
    }

    func respond(to request: ControlRequest) throws -> ControlReply {
        switch request {
        case .status: return .success(status())
        case .workers: return .success(workers())
        case .population: return .success(engine.population.map(report))
        case .front: return .success(front().map(report))
        case .individuals: return .success(engine.individuals.map { report($0.id) })
        case .show(let id), .lineage(let id):
            guard engine.individuals.indices.contains(id) else {
                return .failure("no individual \(id) in this run; ids run from 0 to \(engine.individuals.count - 1)")
            }
            return request == .show(id) ? .success(detail(id)) : .success(lineage(id).map(report))
        case .pause:
            try apply(.pause)
            return .success(["paused": true])
        case .resume:
            let stopped = engine.stopReason
            try apply(.resume)
            guard let reason = stopped, engine.stopReason == nil else {
                if let reason = engine.stopReason {
                    return .failure("the run stays stopped (\(reason)): its budget is spent; raise evolution.evaluation_budget with gectl config set, then resume")
                }
                return .success(["resumed": "resumed"])
            }
            return .success(["resumed": "resumed; cleared the stop: \(reason)"])
        case .drain(let name):
            guard let worker = broker.core.workers.values.first(where: { $0.id == name || $0.name == name }) else {
                return .failure("no connected worker \(name); see gectl workers")
            }
            _ = broker.drain(workerID: worker.id)
            return .success(["draining": worker.id])
        case .stop:
            try apply(.stop(reason: "gectl stop"))
            control.stop(because: "gectl stop")
            return .success(["stopping": true])
        case .configGet:
            return .success(configuration())
        case .configSet(let key, let value):
            guard let setting = Setting.named(key) else {
                return .failure("no setting \(key); gectl config get lists them")
            }
            guard setting.scope == .live else {
                let live = Setting.all.filter { $0.scope == .live }.map(\.key).joined(separator: ", ")
                return .failure("\(key) cannot change while a run exists (\(setting.scope.rawValue) setting); settable while running: \(live)")
            }
            var changed = settings
            changed.engine = engine.config
            do {
                try setting.set(value, in: &changed)
                try changed.engine.validate()
            } catch {
                return .failure("\(error)")
            }
            try apply(.configure(changed.engine))
            return .success(configuration())
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
            seed: manifest.name, mode: engine.config.mode,
            state: state, stopReason: engine.stopReason,
            paused: engine.paused, evaluations: engine.evaluationsCompleted, budget: engine.config.evaluationBudget,
            generation: engine.generation,
            objectives: objectives, best: best,
            hypervolume: hypervolume(of: evaluated.map { $0.fitness! }),
            workersBusy: workers.count { !$0.running.isEmpty }, workersIdle: workers.count { $0.running.isEmpty },
            queuedLLM: broker.core.queued(.llm), queuedGPU: broker.core.queued(.gpu),
            llmWaiting: llmOutage?.description(at: Date()),
            failures: engine.individuals.reduce(into: [:]) { counts, individual in
                if case .failed(let failure) = individual.status { counts[failure.kind.rawValue, default: 0] += 1 }
            })
    }

    /// Finished once the budget is spent and nothing is in flight; stopped
    /// when a stop came first.
    var state: StatusReport.State {
        if engine.isFinished {
            return engine.evaluationsCompleted >= engine.config.evaluationBudget ? .finished : .stopped
        }
        return engine.paused ? .paused : .running
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
                draining: worker.draining, secondsSinceHeard: now - worker.lastHeard,
                sandboxed: worker.capabilities.sandboxed)
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
        let status = individual.fitness != nil && engine.population.contains(id) ? "alive" : individual.status.name
        var duplicateOf: IndividualID?
        if case .duplicate(let original) = individual.status { duplicateOf = original }
        return IndividualReport(
            id: id, status: status, objectives: individual.fitness, origin: individual.origin.rawValue,
            parents: individual.parents, age: engine.evaluationsCompleted - individual.bornAfterEvaluations,
            generation: individual.generation, failure: individual.status.failure, duplicateOf: duplicateOf, template: individual.variations.first?.templateID)
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
            }, objectives: objectives)
    }

    /// The run's objectives, as reports show them.
    var objectives: [StatusReport.Objective] {
        manifest.objectives.map { StatusReport.Objective(name: $0.name, maximize: $0.maximize, source: $0.source) }
    }

    /// The individual and its first parents back to the seed.
    func lineage(_ id: IndividualID) -> [IndividualID] {
        var chain = [id]
        while let parent = engine.individuals[chain.last!].parents.first, !chain.contains(parent) {
            chain.append(parent)
        }
        return chain
    }

    /// Every setting with the value in force: the run's for run and live
    /// settings, this daemon's for the others.
    func configuration() -> [SettingReport] {
        var current = settings
        current.engine = engine.config
        return Setting.all.map { setting in
            SettingReport(
                key: setting.key, value: setting.value(in: current), scope: setting.scope, accepts: setting.accepts,
                help: setting.help)
        }
    }
}
