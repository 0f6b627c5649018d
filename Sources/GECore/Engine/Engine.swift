/// The evolution as a pure state machine.
///
/// The daemon asks `step` what to do given its free LLM and evaluation slots,
/// and reports answers and evaluations back. Every decision draws from the
/// engine's own seeded RNG, and the whole state is `Codable`, so a run is
/// replayable: the same inputs in the same order give the same decisions.
public struct Engine: Codable, Sendable, Equatable {
    public internal(set) var config: EngineConfig
    public internal(set) var rng: SeededRandom
    /// Every individual of the run, indexed by id; the seed is at 0.
    public internal(set) var individuals: [Individual]
    /// The current population (evaluated individuals), in order of arrival.
    public internal(set) var population: [IndividualID] = []
    /// The SPEA2 elite archive.
    public internal(set) var archive: [IndividualID] = []
    public internal(set) var hallOfFame: HallOfFame<IndividualID>
    /// Completed evaluations, failed ones included.
    public internal(set) var evaluationsCompleted = 0
    /// Generational: the current generation. Steady: evaluations / μ.
    public internal(set) var generation = 0
    /// Why the engine stopped creating work, once it has.
    public internal(set) var stopReason: String?
    /// Paused by the operator: `step` hands out nothing until resumed.
    public internal(set) var paused = false

    /// LLM requests sent and not yet answered, by request id.
    public internal(set) var openRequests: [Int: LLMRequest] = [:]
    /// Prompts decided but not yet sent (no free LLM slot), in order.
    var plannedPrompts: [PlannedPrompt] = []
    /// Children waiting for a further LLM step (mutation after crossover, repair).
    var followUps: [FollowUp] = []
    var evaluationQueue: [IndividualID] = []
    var fingerprints: [String: IndividualID] = [:]
    var nextRequestID = 1
    var initialCreated = 0
    var consecutiveBreedingFailures = 0
    /// Requests in a row the LLM refused for a reason that will not pass by
    /// itself (a bad key, URL or model; a prompt too long for the model).
    var consecutiveConfigurationFailures: Int {
        get { configurationFailures ?? 0 }
        set { configurationFailures = newValue }
    }
    /// The failure every evaluation so far has ended with, and how many: a
    /// seed or setup broken for every variant shows at once; -1 once an
    /// evaluation succeeded or failed differently.
    var leadingFailure: Failure?
    var leadingFailures: Int {
        get { leadingFailureCount ?? 0 }
        set { leadingFailureCount = newValue }
    }
    // Stored as optionals so that snapshots written before these counters
    // existed still decode (a missing key reads as 0).
    var configurationFailures: Int?
    var leadingFailureCount: Int?
    var promptEvolution: PromptEvolution?
    var templateUseCounts: [String: TemplateUse]?
    var repairCounts: RepairCounts?
    var pipelineCounts: PipelineCounts?
    var fidelityLadder: FidelityLadder?
    var trainingSecondsDone: Double?
    var modelAccounting: ModelAccounting?

    /// Seconds of training the evaluations took, as workers reported them.
    public internal(set) var trainingSeconds: Double {
        get { trainingSecondsDone ?? 0 }
        set { trainingSecondsDone = newValue }
    }

    /// The unfinished individuals by status (counted once for an older snapshot).
    var pipeline: PipelineCounts { pipelineCounts ?? PipelineCounts(counting: individuals) }

    /// Prompt evolution's templates and requests.
    public internal(set) var evolution: PromptEvolution {
        get { promptEvolution ?? PromptEvolution() }
        set { promptEvolution = newValue }
    }
    /// What each template has done, by template id.
    public internal(set) var templateUse: [String: TemplateUse] {
        get { templateUseCounts ?? [:] }
        set { templateUseCounts = newValue }
    }
    /// Repair attempts after failed evaluations.
    public internal(set) var repairs: RepairCounts {
        get { repairCounts ?? RepairCounts() }
        set { repairCounts = newValue }
    }
    /// Generational: members of the generation being bred, and the elites
    /// that carry over.
    var generationMembers: [IndividualID] = []
    var generationElites: [IndividualID] = []

    struct PlannedPrompt: Codable, Sendable, Equatable {
        let child: IndividualID
        let prompt: VariationPrompt
    }

    struct FollowUp: Codable, Sendable, Equatable {
        let child: IndividualID
        let variation: VariationOperator
        let segment: Int
        /// For a repair after a failed evaluation: what the LLM is shown.
        var failure: String?
    }

    /// Starts a run from `seed`.
    public init(seed: Genome, config: EngineConfig, rngSeed: UInt64) throws(ConfigError) {
        try config.validate()
        guard seed.segments.count > 1 else {
            throw ConfigError(
                key: "seed", message: "the seed file has no marker line, so it has no segment to evolve")
        }
        self.config = config
        self.rng = SeededRandom(seed: rngSeed)
        self.hallOfFame = HallOfFame(capacity: config.hallOfFameSize)
        let seedIndividual = Individual(
            id: 0, genome: seed, parents: [], variations: [],
            status: config.evaluateSeed
                ? .awaitingEvaluation : .failed(Failure(.skipped, "the seed is not evaluated (evaluate_seed = false)")),
            bornAfterEvaluations: 0, generation: 0)
        self.individuals = [seedIndividual]
        self.pipelineCounts = PipelineCounts(counting: individuals)
        self.fidelityLadder = config.fidelity.map { FidelityLadder(rungs: $0.rungs) }
        fingerprints[seed.fingerprint] = 0
        if config.evaluateSeed {
            evaluationQueue.append(0)
            generationMembers.append(0)
        }
    }

    /// LLM requests sent so far.
    public var llmRequestsSent: Int { nextRequestID - 1 }

    /// The seed genome.
    public var seed: Genome { genome(of: 0) }

    /// Whether the run is over: the budget is spent (or the engine stopped)
    /// and nothing is in flight.
    public var isFinished: Bool {
        (stopReason != nil || evaluationsCompleted >= config.evaluationBudget)
            && openRequests.isEmpty && evolution.open.isEmpty && pipeline.evaluating == 0
    }

    /// Individuals queued for, or under, evaluation or still being bred.
    var committed: Int {
        evaluationsCompleted + pipeline.unfinished
    }

    /// Whether new children may still be created.
    var mayCreate: Bool {
        stopReason == nil && committed < config.evaluationBudget
    }

    /// What to do now, given free LLM request slots and free evaluation slots.
    public mutating func step(
        freeLLMSlots: Int, freeEvaluationSlots: Int, library base: PromptLibrary
    ) -> [EngineCommand] {
        guard !paused else { return [] }
        let library = self.library(extending: base)
        var commands: [EngineCommand] = []
        var evaluationSlots = freeEvaluationSlots
        // Children wait for the seed's own evaluation: a seed that fails
        // stops the run after one evaluation, not after a worker-full.
        let seedPending = individuals[0].status == .awaitingEvaluation || individuals[0].status == .evaluating
        while evaluationSlots > 0, let next = evaluationQueue.first, !seedPending || next == 0 {
            let id = evaluationQueue.removeFirst()
            setStatus(of: id, .evaluating)
            commands.append(.evaluate(id, genome(of: id)))
            evaluationSlots -= 1
        }
        var llmSlots = waitsForAListedModel ? 0 : freeLLMSlots
        switch config.mode {
        case .steady:
            planRephrasings(round: generation, library: library)
            planSteadyState(llmSlots: llmSlots, evaluationSlots: evaluationSlots, library: library)
        case .generational:
            releasingGenomes { $0.planGeneration(library: library) }
        }
        // Rephrasings go first: they are few, and must not starve behind a
        // pipeline that always has a child to breed.
        while llmSlots > 0, let rephrasing = nextRephrasing() {
            commands.append(.rephrase(rephrasing))
            llmSlots -= 1
        }
        while llmSlots > 0, let request = nextRequest(library: library) {
            commands.append(.generate(request))
            llmSlots -= 1
        }
        return commands
    }

    /// Applies an LLM answer (or failure) to its child. Unknown or repeated
    /// request ids are ignored: results are idempotent.
    public mutating func receiveAnswer(requestID: Int, outcome: LLMOutcome) -> [EngineEvent] {
        if let rephrasing = evolution.open.removeValue(forKey: requestID) {
            let events = receiveRephrasing(rephrasing, outcome: outcome)
            return events + countAnswer(outcome, model: answeringModel(requested: rephrasing.model, outcome: outcome))
        }
        guard let request = openRequests.removeValue(forKey: requestID) else { return [] }
        let model = answeringModel(requested: request.model, outcome: outcome)
        let events = applyAnswer(to: request, outcome: outcome, model: model)
        // Counted after the answer is applied: a budget spent by this answer
        // stops the run with its child already settled.
        return events + countAnswer(outcome, model: model)
    }

    private mutating func applyAnswer(to request: LLMRequest, outcome: LLMOutcome, model: String?) -> [EngineEvent] {
        let child = request.child
        let variation = Individual.Variation(
            variation: request.prompt.variation, templateID: request.prompt.templateID,
            persona: request.prompt.persona, category: request.prompt.category,
            segment: request.prompt.segment, temperature: request.prompt.sampling.temperature,
            elite: request.prompt.elite, model: model)
        if case .failure(let failure, _) = outcome, failure.kind != .unavailable, stopReason == nil {
            // A failed child keeps the prompt it was tried with, for `gectl show`.
            individuals[child].variations.append(variation)
        }
        switch outcome {
        case .failure where stopReason != nil:
            // Requests in flight when the run stopped: their children are
            // given up with the stop, whatever the LLM said.
            return cancel(child, because: stopReason!)
        case .failure(let failure, _) where failure.kind == .unavailable:
            // An outage is a wait, not a failure: the same prompt goes out
            // again when the daemon has a slot for it (it backs off while the
            // LLM is down), and nothing counts toward a stop.
            plannedPrompts.insert(PlannedPrompt(child: child, prompt: request.prompt), at: 0)
            return [.llmUnavailable(child, reason: failure.reason)]
        case .failure(let failure, _) where failure.kind == .request || failure.kind == .contextLength:
            consecutiveConfigurationFailures += 1
            var events = failBreeding(child, failure)
            if consecutiveConfigurationFailures >= Self.configurationFailureLimit, stopReason == nil {
                events.append(stop("the LLM refused \(consecutiveConfigurationFailures) requests in a row: \(failure.reason)"))
            }
            return events
        case .failure(let failure, _):
            consecutiveConfigurationFailures = 0
            return failBreeding(child, failure)
        case .text:
            return failBreeding(child, Failure(.invalidResult, "the LLM worker sent text where code was asked"))
        case .code(let source, _):
            consecutiveConfigurationFailures = 0
            let base = genome(of: child)
            // The worker made the child; a buggy or hostile one must not slip
            // in changes outside the segment it was asked to rewrite.
            guard let genome = base.variant(source, changingOnly: request.prompt.segment) else {
                return failBreeding(child, Failure(
                    .invalidResult, "the LLM worker's child differs from its parent outside segment \(request.prompt.segment)"))
            }
            individuals[child].genome = genome
            templateUse[variation.templateID, default: TemplateUse()].children += 1
        }
        individuals[child].variations.append(variation)
        if request.prompt.variation == .crossover, rng.chance(config.variation.mutationProbability) {
            followUps.append(FollowUp(child: child, variation: .mutation, segment: request.prompt.segment))
            return []
        }
        if request.prompt.variation != .repair, rng.chance(config.variation.repairProbability) {
            followUps.append(FollowUp(child: child, variation: .repair, segment: request.prompt.segment))
            return []
        }
        return finishBreeding(child)
    }

    /// Applies an evaluation result. Unknown ids and individuals not under
    /// evaluation are ignored: results are idempotent.
    public mutating func receiveEvaluation(
        of id: IndividualID, outcome: EvaluationOutcome
    ) -> [EngineEvent] {
        guard individuals.indices.contains(id), individuals[id].status == .evaluating else { return [] }
        return releasingGenomes(finished: [id]) { $0.applyEvaluation(of: id, outcome: outcome) }
    }

    private mutating func applyEvaluation(of id: IndividualID, outcome: EvaluationOutcome) -> [EngineEvent] {
        evaluationsCompleted += 1
        trainingSeconds += Self.trainingSeconds(reported: outcome.run.seconds)
        var events: [EngineEvent]
        switch outcome {
        case .failure(let failure, _):
            if individuals[id].lowerRungFitness == nil { settleTrials(of: id, accepted: false) }
            setStatus(of: id, .failed(failure))
            events = [.evaluationFailed(id, failure)]
            events += noteEvaluationFailure(of: id, failure)
            events += planRepair(of: id, after: failure)
        case .scored(let objectives, _):
            guard objectives.count == config.weights.count, objectives.allSatisfy(\.isFinite) else {
                let failure = Failure(
                    .invalidResult, "result has objectives \(objectives), expected \(config.weights.count) finite values")
                if individuals[id].lowerRungFitness == nil { settleTrials(of: id, accepted: false) }
                setStatus(of: id, .failed(failure))
                events = [.evaluationFailed(id, failure)]
                events += noteEvaluationFailure(of: id, failure)
                break
            }
            leadingFailures = -1
            let rung = rung(of: id)
            if let fidelity = config.fidelity, rung < fidelity.rungs - 1 {
                events = scoreAtLowerRung(id, rung: rung, objectives: objectives)
                break
            }
            let accepted = isAccepted(objectives, among: population) { $0.fitness }
            if individuals[id].lowerRungFitness == nil { settleTrials(of: id, accepted: accepted) }
            countTemplateUse(ofScored: id, accepted: accepted)
            if individuals[id].origin == .repair { repairs.scored += 1 }
            setStatus(of: id, .evaluated(fitness: objectives))
            hallOfFame.offer(id: id, weighted: zip(objectives, config.weights).map { $0 * $1 })
            events = [.evaluated(id, fitness: objectives)]
            if config.mode == .steady {
                events += replaceIntoPopulation(id)
            }
        }
        if config.mode == .steady {
            generation = evaluationsCompleted / config.populationSize
            if let limit = config.maxGenerations, generation >= limit, stopReason == nil {
                events.append(stop("max_generations of \(limit) reached (\(evaluationsCompleted) evaluations, μ = \(config.populationSize))"))
            }
        }
        if evaluationsCompleted >= config.evaluationBudget, stopReason == nil {
            events.append(stop("evaluation budget of \(config.evaluationBudget) reached"))
        }
        if let hours = config.maxTrainingHours, trainingSeconds >= hours * 3600, stopReason == nil {
            events.append(stop("training budget of \(hours) GPU hours reached (\(evaluationsCompleted) evaluations)"))
        }
        return events
    }

    /// A worker's training time as the budget counts it (`ReportedDuration`).
    static func trainingSeconds(reported seconds: Double) -> Double {
        ReportedDuration.counted(seconds)
    }

    /// Takes new settings while running: the probabilities, sampling ranges,
    /// budget (never below the evaluations done), lookahead and failure
    /// limit. The fields that shape the run's structure keep their values:
    /// changing them midway would make the run something it was not created
    /// as. An invalid configuration changes nothing.
    public mutating func reconfigure(_ new: EngineConfig) {
        var next = new
        next.mode = config.mode
        next.weights = config.weights
        next.initialPopulation = config.initialPopulation
        next.populationSize = config.populationSize
        next.offspringPerGeneration = config.offspringPerGeneration
        next.elites = config.elites
        next.hallOfFameSize = config.hallOfFameSize
        next.evaluateSeed = config.evaluateSeed
        next.fidelity = config.fidelity
        // The personas decide which templates exist for the run: checked
        // against the library when the run is created, never later.
        next.variation.personas = config.variation.personas
        next.evaluationBudget = max(next.evaluationBudget, evaluationsCompleted)
        guard (try? next.validate()) != nil else { return }
        config = next
    }

    /// Stops creating work; what is in flight may still report.
    public mutating func stop(reason: String) -> [EngineEvent] {
        stopReason == nil ? [stop(reason)] : []
    }

    /// Whether the run spent its evaluation budget or reached its generation
    /// limit: it ended as configured, not because something went wrong.
    public var reachedLimit: Bool { spentLimit != nil }

    /// The setting whose limit the run reached, when it did: what to raise
    /// to continue it.
    public var spentLimit: String? {
        if evaluationsCompleted >= config.evaluationBudget { return "evolution.evaluation_budget" }
        if let limit = config.maxGenerations, generation >= limit { return "evolution.max_generations" }
        if let hours = config.maxTrainingHours, trainingSeconds >= hours * 3600 { return "evolution.max_gpu_hours" }
        if let cost = config.maxLLMCost, llmCost >= cost { return "evolution.max_llm_cost" }
        return nil
    }

    /// Creates work again: ends a pause and, while budget (and generations)
    /// are left, clears a stop (the failure counts start again).
    public mutating func resume() -> [EngineEvent] {
        paused = false
        guard let reason = stopReason, !reachedLimit else { return [.resumed(cleared: nil)] }
        stopReason = nil
        consecutiveBreedingFailures = 0
        consecutiveConfigurationFailures = 0
        leadingFailures = -1
        return [.resumed(cleared: reason)]
    }

    /// Refused requests in a row after which breeding stops.
    static let configurationFailureLimit = 3
    /// Identical failures of the first evaluations after which the run stops.
    static let leadingFailureLimit = 5

    /// A failed seed, or the first evaluations all failing alike, stop the
    /// run at once: no variant can do better, and the budget is kept.
    mutating func noteEvaluationFailure(of id: IndividualID, _ failure: Failure) -> [EngineEvent] {
        guard stopReason == nil else { return [] }
        if id == 0 {
            return [stop("the seed failed its evaluation (\(failure.kind.rawValue)): \(failure.reason); fix the seed (gectl show 0 prints its log) and start a new run")]
        }
        guard leadingFailures >= 0 else { return [] }
        if let leading = leadingFailure, leading.kind != failure.kind || leading.reason != failure.reason {
            leadingFailures = -1
            return []
        }
        leadingFailure = failure
        leadingFailures += 1
        guard leadingFailures >= Self.leadingFailureLimit else { return [] }
        return [stop("the first \(leadingFailures) evaluations all failed the same way (\(failure.kind.rawValue)): \(failure.reason); check the seed and the workers (gectl show prints a log), then gectl resume")]
    }

    // MARK: - Shared mechanics

    /// The fitness of the given individuals, in order.
    func fitness(of ids: [IndividualID]) -> [[Double]] {
        ids.map { individuals[$0].fitness! }
    }

    func parent(_ id: IndividualID) -> Operators.Parent {
        Operators.Parent(id: id, genome: genome(of: id))
    }

    /// Creates a child in breeding state from `base`, and plans its prompt.
    mutating func plan(_ prompt: VariationPrompt, base: IndividualID) {
        let child = Individual(
            id: individuals.count, genome: genome(of: base), parents: prompt.parents,
            variations: [], status: .breeding, bornAfterEvaluations: evaluationsCompleted,
            generation: generation)
        add(child)
        plannedPrompts.append(PlannedPrompt(child: child.id, prompt: prompt))
    }

    /// A fixed-prompt mutation, or with probability p_eot (once the archive
    /// has elites) Evolution of Thought.
    mutating func mutationPrompt(for id: IndividualID, library: PromptLibrary) -> VariationPrompt {
        if !archive.isEmpty, rng.chance(config.variation.eotProbability) {
            let best = SPEA2.select(fitness(of: archive), weights: config.weights, count: config.variation.eotElites)
            if let prompt = Operators.evolutionOfThought(
                of: parent(id), elites: best.map { parent(archive[$0]) }, seed: seed,
                library: library, config: config.variation, rng: &rng)
            {
                return prompt
            }
        }
        return Operators.mutation(of: parent(id), library: library, config: config.variation, rng: &rng)
    }

    /// The next request to send: planned prompts first, then follow-ups.
    mutating func nextRequest(library: PromptLibrary) -> LLMRequest? {
        let planned: PlannedPrompt
        if !plannedPrompts.isEmpty {
            planned = plannedPrompts.removeFirst()
        } else if !followUps.isEmpty {
            let followUp = followUps.removeFirst()
            let prompt: VariationPrompt
            if followUp.variation == .repair {
                prompt = Operators.repair(
                    of: parent(followUp.child), segment: followUp.segment, seed: seed, failure: followUp.failure,
                    library: library, config: config.variation, rng: &rng)
            } else {
                prompt = mutationPrompt(for: followUp.child, library: library)
            }
            planned = PlannedPrompt(child: followUp.child, prompt: prompt)
        } else {
            return nil
        }
        let request = LLMRequest(id: nextRequestID, child: planned.child, prompt: planned.prompt, model: chooseModel())
        nextRequestID += 1
        openRequests[request.id] = request
        return request
    }

    /// A child's code is complete: queue it for evaluation unless it repeats
    /// known code.
    mutating func finishBreeding(_ child: IndividualID) -> [EngineEvent] {
        if let stopReason {
            return cancel(child, because: stopReason)
        }
        let fingerprint = genome(of: child).fingerprint
        if let original = fingerprints[fingerprint] {
            settleTrials(of: child, accepted: false)
            setStatus(of: child, .duplicate(of: original))
            releaseGenomes(of: [child], keeping: [])
            return countBreedingFailure() + [.childDuplicate(child, of: original)]
        }
        fingerprints[fingerprint] = child
        consecutiveBreedingFailures = 0
        setStatus(of: child, .awaitingEvaluation)
        evaluationQueue.append(child)
        return [.childReady(child)]
    }

    /// Adds a new individual, keeping the pipeline counts.
    mutating func add(_ individual: Individual) {
        var counts = pipeline
        counts.move(from: nil, to: individual.status)
        pipelineCounts = counts
        individuals.append(individual)
    }

    /// Changes an individual's status, keeping the pipeline counts: every
    /// status change goes through here.
    mutating func setStatus(of id: IndividualID, _ status: Individual.Status) {
        var counts = pipeline
        counts.move(from: individuals[id].status, to: status)
        pipelineCounts = counts
        individuals[id].status = status
    }

    mutating func failBreeding(_ child: IndividualID, _ failure: Failure) -> [EngineEvent] {
        settleTrials(of: child, accepted: false)
        setStatus(of: child, .failed(failure))
        releaseGenomes(of: [child], keeping: [])
        return countBreedingFailure() + [.childFailed(child, failure)]
    }

    mutating func countBreedingFailure() -> [EngineEvent] {
        consecutiveBreedingFailures += 1
        guard consecutiveBreedingFailures >= config.maxConsecutiveBreedingFailures, stopReason == nil
        else { return [] }
        return [stop("\(consecutiveBreedingFailures) children in a row failed before evaluation")]
    }

    mutating func stop(_ reason: String) -> EngineEvent {
        stopReason = reason
        let waiting = plannedPrompts.map(\.child) + followUps.map(\.child) + evaluationQueue
        evolution.planned.removeAll()
        plannedPrompts.removeAll()
        followUps.removeAll()
        evaluationQueue.removeAll()
        for child in waiting { _ = cancel(child, because: reason) }
        // (A promoted child among them returns to its rung rather than failing.)
        return .stopped(reason: reason, cancelled: waiting)
    }

    /// Gives up a child that was not evaluated because the run stopped.
    mutating func cancel(_ child: IndividualID, because reason: String) -> [EngineEvent] {
        if let scores = individuals[child].lowerRungFitness, let last = scores.last {
            // A promoted child keeps what it earned: it waits at its rung
            // again, and may be promoted once the run resumes.
            setStatus(of: child, .rungScored(rung: scores.count - 1, fitness: last))
            return []
        }
        let failure = Failure(.cancelled, "the run stopped: \(reason)")
        setStatus(of: child, .failed(failure))
        releaseGenomes(of: [child], keeping: [])
        return [.childFailed(child, failure)]
    }
}
