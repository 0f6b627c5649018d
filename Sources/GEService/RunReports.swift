import Foundation
import GECore
import GEProtocol
import GESeed
import GEStore

/// What the read commands report about a run, from its engine and seed
/// manifest alone: the daemon answers with it, and so does gectl reading a
/// state directory itself (`RunReports.open`).
public struct RunReports: Sendable {
    public let engine: Engine
    public let manifest: SeedManifest
    /// The templates the run was created with (prompt evolution's are in the engine).
    let library: PromptLibrary?
    /// Where an individual's evidence (the LLM's answer, its log) is read.
    let store: RunStore?
    /// The preset the run was created from.
    let preset: String?

    public init(
        engine: Engine, manifest: SeedManifest, library: PromptLibrary? = nil, store: RunStore? = nil, preset: String? = nil
    ) {
        self.preset = preset
        self.engine = engine
        self.manifest = manifest
        self.library = library
        self.store = store
    }

    /// The reply to a read request; `nil` for requests that need the daemon.
    public func answer(_ request: ControlRequest) -> ControlReply? {
        switch request {
        case .status: return .success(status())
        case .population: return .success(engine.population.map(report))
        case .front(let generation): return .success(front(upTo: generation).map(report))
        case .templates: return .success(templates())
        case .models: return .success(models())
        case .individuals: return .success(engine.individuals.map { report($0.id) })
        case .show(let id), .lineage(let id):
            guard engine.individuals.indices.contains(id) else {
                return .failure("no individual \(id) in this run; ids run from 0 to \(engine.individuals.count - 1)")
            }
            return request == .show(id) ? .success(detail(id)) : .success(lineage(id).map(report))
        case .workers, .pause, .resume, .drain, .stop, .configGet, .configSet:
            return nil
        }
    }

    /// What only the live daemon knows: workers, queues, an LLM outage.
    public struct Live: Sendable {
        public var workersBusy, workersIdle, queuedLLM, queuedGPU: Int
        public var llmWaiting: String?

        public init(workersBusy: Int = 0, workersIdle: Int = 0, queuedLLM: Int = 0, queuedGPU: Int = 0, llmWaiting: String? = nil) {
            self.workersBusy = workersBusy
            self.workersIdle = workersIdle
            self.queuedLLM = queuedLLM
            self.queuedGPU = queuedGPU
            self.llmWaiting = llmWaiting
        }
    }

    /// The run's status from its state and, when the daemon runs, `live`.
    public func status(live: Live = Live()) -> StatusReport {
        let evaluated = engine.individuals.filter { $0.fitness != nil }
        let best = manifest.objectives.enumerated().compactMap { index, objective -> StatusReport.Best? in
            let sorted = evaluated.sorted { a, b in
                objective.maximize ? a.fitness![index] > b.fitness![index] : a.fitness![index] < b.fitness![index]
            }
            guard let top = sorted.first else { return nil }
            return StatusReport.Best(objective: objective.name, value: top.fitness![index], individual: top.id)
        }
        return StatusReport(
            seed: manifest.name, mode: engine.config.mode,
            state: state, stopReason: engine.stopReason,
            paused: engine.paused, evaluations: engine.evaluationsCompleted, budget: engine.config.evaluationBudget,
            generation: engine.generation,
            objectives: objectives, best: best,
            hypervolume: hypervolume(of: evaluated.map { $0.fitness! }),
            workersBusy: live.workersBusy, workersIdle: live.workersIdle, queuedLLM: live.queuedLLM, queuedGPU: live.queuedGPU,
            llmWaiting: live.llmWaiting,
            failures: engine.individuals.reduce(into: [:]) { counts, individual in
                if case .failed(let failure) = individual.status { counts[failure.kind.rawValue, default: 0] += 1 }
            },
            repairs: engine.repairs, evolvedTemplates: engine.evolution.templates.count,
            maxGenerations: engine.config.maxGenerations, preset: preset,
            trainingSeconds: engine.trainingSeconds, maxTrainingHours: engine.config.maxTrainingHours,
            rungEpochs: engine.config.fidelity == nil ? nil : manifest.rungs, scoredPerRung: engine.scoredPerRung,
            llmCost: engine.llmCost, maxLLMCost: engine.config.maxLLMCost, currency: engine.config.portfolio.currency)
    }

    /// The listed models in their order, then the others workers named.
    public func models() -> [ModelReport] {
        let portfolio = engine.config.portfolio
        let listed = portfolio.models.map(\.name)
        let others = engine.modelStats.keys.filter { portfolio.model(named: $0) == nil }.sorted()
        let served = Set(engine.servedModels)
        return (listed + others).map { name in
            let model = portfolio.model(named: name)
            return ModelReport(
                name: name, listed: model != nil, served: served.contains(name), inputPrice: model?.inputPrice ?? 0,
                outputPrice: model?.outputPrice ?? 0, currency: portfolio.currency,
                stats: engine.modelStats[name] ?? ModelStats())
        }
    }

    /// Every template of the run, the evolved ones after their parents'
    /// originals, with what each did.
    func templates() -> [TemplateReport] {
        let all = (library?.templates ?? []).map { ($0, nil as Int?) } + engine.evolution.templates.map { ($0.template, $0.generation) }
        return all.map { template, generation in
            TemplateReport(
                id: template.id, kind: template.kind.rawValue, category: template.category, persona: template.persona,
                parent: template.parentID, generation: generation, use: engine.templateUse[template.id] ?? TemplateUse())
        }
    }

    /// Finished once the budget or the generation limit is spent and
    /// nothing is in flight; stopped when a stop came first.
    var state: StatusReport.State {
        if engine.isFinished {
            return engine.reachedLimit ? .finished : .stopped
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

    /// The non-dominated evaluated individuals of the whole run, or of the
    /// individuals born up to `generation` (the front as it stood when that
    /// generation was done).
    func front(upTo generation: Int? = nil) -> [IndividualID] {
        let evaluated = engine.individuals.filter { $0.fitness != nil && $0.generation <= (generation ?? Int.max) }
        guard !evaluated.isEmpty else { return [] }
        let fronts = NondominatedSort.fronts(Dominance.weighted(evaluated.map { $0.fitness! }, by: engine.config.weights))
        return fronts[0].map { evaluated[$0].id }
    }

    public func report(_ id: IndividualID) -> IndividualReport {
        let individual = engine.individuals[id]
        let status = individual.fitness != nil && engine.population.contains(id) ? "alive" : individual.status.name
        var duplicateOf: IndividualID?
        if case .duplicate(let original) = individual.status { duplicateOf = original }
        return IndividualReport(
            id: id, status: status, objectives: individual.fitness, origin: individual.origin.rawValue,
            parents: individual.parents, age: engine.evaluationsCompleted - individual.bornAfterEvaluations,
            generation: individual.generation, failure: individual.status.failure, duplicateOf: duplicateOf, template: individual.variations.first?.templateID,
            rungs: individual.lowerRungFitness)
    }

    func detail(_ id: IndividualID) -> IndividualDetail {
        let individual = engine.individuals[id]
        let row = try? store?.individual(id)
        let code = individual.genome?.source ?? row?.code ?? ""
        let parent = individual.parents.first.map(source(of:)) ?? ""
        return IndividualDetail(
            report: report(id), code: code,
            diff: parent.isEmpty ? "" : LineDiff.unified(from: parent, to: code),
            variations: individual.variations.map { step in
                "\(step.variation.rawValue) of segment \(step.segment) with \(step.templateID) (persona \(step.persona), temperature \(String(format: "%.2f", step.temperature))"
                    + (step.model.map { ", model \($0)" } ?? "") + ")"
                    + (step.elite.map { ", learning from #\($0)" } ?? "")
            }, objectives: objectives, answer: row?.answer, logTail: row?.logTail)
    }

    /// An individual's file: from the engine while it keeps the genome, else
    /// from the store.
    func source(of id: IndividualID) -> String {
        engine.individuals[id].genome?.source ?? (try? store?.individual(id))?.code ?? ""
    }

    /// The run's objectives, as reports show them.
    public var objectives: [StatusReport.Objective] {
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

}
