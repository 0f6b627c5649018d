/// The reference implementation's generational loop, kept for comparison:
/// each generation selects parents by DCD tournament, crosses pairs with
/// probability p_cx, mutates offspring with probability p_mut (the others stay
/// copies of their parents), evaluates every new child, and the next
/// population is the offspring plus the SPEA2 elites of the last one.
extension Engine {
    /// Closes finished generations and starts the next one.
    mutating func planGeneration(library: PromptLibrary) {
        if generation == 0 {
            while initialCreated < config.initialPopulation, mayCreate {
                plan(Operators.mutation(of: parent(0), library: library, config: config.variation, rng: &rng), base: 0)
                generationMembers.append(individuals.count - 1)
                initialCreated += 1
            }
        }
        var emptyGenerations = 0
        while stopReason == nil, generationIsDone {
            closeGeneration()
            guard mayCreate else {
                _ = stop("evaluation budget of \(config.evaluationBudget) committed")
                return
            }
            if let limit = config.maxGenerations, generation >= limit {
                _ = stop("max_generations of \(limit) reached")
                return
            }
            if startGeneration(library: library) > 0 { return }
            emptyGenerations += 1
            if emptyGenerations >= config.maxConsecutiveBreedingFailures {
                _ = stop("\(emptyGenerations) generations in a row bred no new child; raise p_mut or p_cx")
            }
        }
    }

    /// Nothing of the current generation is still being bred or evaluated.
    var generationIsDone: Bool {
        plannedPrompts.isEmpty && followUps.isEmpty && openRequests.isEmpty && evaluationQueue.isEmpty
            && pipeline.evaluating == 0 && pipeline.breeding == 0
    }

    /// The next population: the generation's evaluated members and the elites.
    mutating func closeGeneration() {
        var seen = Set<IndividualID>()
        population = (generationMembers + generationElites)
            .filter { individuals[$0].fitness != nil && seen.insert($0).inserted }
    }

    /// Plans generation + 1; returns how many new children it breeds.
    mutating func startGeneration(library: PromptLibrary) -> Int {
        guard !population.isEmpty else {
            _ = stop("generation \(generation) left no evaluated individual to breed from")
            return 0
        }
        generation += 1
        planRephrasings(round: generation, library: library)
        let fitness = fitness(of: population)
        generationElites = SPEA2.select(fitness, weights: config.weights, count: config.elites).map { population[$0] }
        archive = generationElites
        let count = min(config.offspringPerGeneration, config.evaluationBudget - committed)
        let parents = DCDTournament.select(fitness, weights: config.weights, count: count, using: &rng)
            .map { population[$0] }
        let before = individuals.count
        generationMembers = []
        for start in stride(from: 0, to: parents.count, by: 2) {
            let pair = Array(parents[start..<min(start + 2, parents.count)])
            if pair.count == 2, rng.chance(config.variation.crossoverProbability),
                let (first, second) = Operators.crossover(
                    parent(pair[0]), parent(pair[1]), library: library, config: config.variation, rng: &rng)
            {
                plan(first, base: pair[0])
                plan(second, base: pair[1])
                generationMembers += [individuals.count - 2, individuals.count - 1]
                continue
            }
            for member in pair {
                if rng.chance(config.variation.mutationProbability) {
                    plan(mutationPrompt(for: member, library: library), base: member)
                    generationMembers.append(individuals.count - 1)
                } else {
                    generationMembers.append(member)
                }
            }
        }
        return individuals.count - before
    }
}
