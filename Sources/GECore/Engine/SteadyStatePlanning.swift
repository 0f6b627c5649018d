/// Steady-state breeding: no generation barrier. Offspring are created
/// whenever the evaluation pipeline runs low, and each result is folded into
/// the population at once by (μ+1) NSGA-II replacement.
extension Engine {
    /// Plans new children: first the initial population (mutations of the
    /// seed), then offspring of the population, keeping as many children in
    /// the pipeline as there are free evaluation slots plus the lookahead.
    mutating func planSteadyState(llmSlots: Int, evaluationSlots: Int, library: PromptLibrary) {
        var room = llmSlots - plannedPrompts.count - followUps.count - evolution.planned.count
        while room > 0, initialCreated < config.initialPopulation, mayCreate {
            plan(Operators.mutation(of: parent(0), library: library, config: config.variation, rng: &rng), base: 0)
            initialCreated += 1
            room -= 1
        }
        guard initialCreated >= config.initialPopulation else { return }
        // Saturating: slot counts come from workers' claims.
        let (sum, overflow) = evaluationSlots.addingReportingOverflow(config.lookahead)
        let target = overflow ? Int.max : sum
        while room > 0, mayCreate, pipelineSize < target {
            if population.isEmpty {
                // Nothing to breed from yet. Wait for evaluations in flight;
                // when there are none, every earlier child failed: start again
                // from the seed rather than stall.
                guard pipelineSize == 0, pipeline.evaluating == 0 else { return }
                plan(Operators.mutation(of: parent(0), library: library, config: config.variation, rng: &rng), base: 0)
                room -= 1
                continue
            }
            room -= breedFromPopulation(budgetLeft: config.evaluationBudget - committed, library: library)
        }
    }

    /// Children being bred or queued for evaluation.
    var pipelineSize: Int {
        pipeline.breeding + evaluationQueue.count
    }

    /// Plans one or two children: crossover of two DCD-tournament winners with
    /// probability p_cx (when the budget has room for two children), else a
    /// mutation of one winner. Returns how many children were planned.
    ///
    /// A crossover plans both prompts even with one LLM slot free: the second
    /// waits for the next free slot, so the realised crossover rate is p_cx
    /// whatever the slot count.
    mutating func breedFromPopulation(budgetLeft: Int, library: PromptLibrary) -> Int {
        let fitness = fitness(of: population)
        if population.count >= 2, budgetLeft >= 2, rng.chance(config.variation.crossoverProbability) {
            let pair = DCDTournament.select(fitness, weights: config.weights, count: 2, using: &rng)
                .map { population[$0] }
            if let (first, second) = Operators.crossover(
                parent(pair[0]), parent(pair[1]), library: library, config: config.variation, rng: &rng)
            {
                plan(first, base: pair[0])
                plan(second, base: pair[1])
                return 2
            }
            plan(mutationPrompt(for: pair[0], library: library), base: pair[0])
            return 1
        }
        let chosen = population[DCDTournament.select(fitness, weights: config.weights, count: 1, using: &rng)[0]]
        plan(mutationPrompt(for: chosen, library: library), base: chosen)
        return 1
    }

    /// Adds a newly evaluated individual; when the population exceeds μ, the
    /// member NSGA-II ranks last leaves (possibly the newcomer). The SPEA2
    /// archive is reselected first, from itself, the population and the
    /// newcomer: a non-dominated newcomer that replacement drops on crowding
    /// still reaches the archive.
    mutating func replaceIntoPopulation(_ id: IndividualID) -> [EngineEvent] {
        population.append(id)
        updateArchive(from: archive + population)
        var removed: [IndividualID] = []
        if population.count > config.populationSize {
            let keep = Set(NSGA2.select(fitness(of: population), weights: config.weights, count: config.populationSize))
            removed = population.indices.filter { !keep.contains($0) }.map { population[$0] }
            population = population.indices.filter { keep.contains($0) }.map { population[$0] }
        }
        let added = removed.contains(id) ? [] : [id]
        let left = removed.filter { $0 != id }
        return added.isEmpty && left.isEmpty ? [] : [.populationChanged(added: added, removed: left)]
    }

    /// The SPEA2 archive chosen from `candidates` (duplicates ignored).
    mutating func updateArchive(from candidates: [IndividualID]) {
        var seen = Set<IndividualID>()
        let unique = candidates.filter { seen.insert($0).inserted }
        archive = SPEA2.select(fitness(of: unique), weights: config.weights, count: config.elites)
            .map { unique[$0] }
    }
}
