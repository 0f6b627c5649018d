@testable import GECore
import Testing

@Suite struct NondominatedSortTests {
    @Test func sweepAndDebAgreeWithPeelingOnRandomPopulationsWithTies() {
        var rng = SeededRandom(seed: 11)
        for trial in 0..<300 {
            let count = Int.random(in: 1...60, using: &rng)
            let levels = trial % 3 == 0 ? 3 : 12
            let fitness = TestSupport.population(count: count, objectives: 2, levels: levels, rng: &rng)
            let weighted = Dominance.weighted(fitness, by: TestSupport.weights(objectives: 2, rng: &rng))
            let expected = SelectionReference.fronts(weighted)
            #expect(NondominatedSort.fronts(weighted) == expected)
            #expect(NondominatedSort.fastNondominatedFronts(weighted).map { $0.sorted() } == expected)
        }
    }

    @Test func manyObjectivesAgreeWithPeeling() {
        var rng = SeededRandom(seed: 12)
        for objectives in 3...5 {
            for _ in 0..<60 {
                let (fitness, weights) = TestSupport.randomCase(
                    objectives: objectives...objectives, sizes: 1...40, levels: 4, rng: &rng)
                let weighted = Dominance.weighted(fitness, by: weights)
                #expect(NondominatedSort.fronts(weighted) == SelectionReference.fronts(weighted))
            }
        }
    }

    @Test func duplicatesShareAFrontAndEqualPointsDoNotDominate() {
        let weighted: [[Double]] = [[1, 1], [1, 1], [0, 0], [0, 0], [2, 0]]
        #expect(!Dominance.dominates([1, 1], [1, 1]))
        #expect(NondominatedSort.fronts(weighted) == [[0, 1, 4], [2, 3]])
        #expect(NondominatedSort.fronts([]) == [])
    }
}

@Suite struct CrowdingAndNSGA2Tests {
    @Test func crowdingMatchesTheDefinitionOnTieFreeFronts() {
        var rng = SeededRandom(seed: 21)
        for _ in 0..<200 {
            let objectives = Int.random(in: 2...4, using: &rng)
            let fitness = TestSupport.continuousPopulation(
                count: Int.random(in: 1...30, using: &rng), objectives: objectives, rng: &rng)
            let front = Array(fitness.indices)
            let expected = SelectionReference.crowding(fitness, front: front)
            let actual = CrowdingDistance.distances(fitness, front: front)
            for (a, e) in zip(actual, expected) {
                #expect(a == e || abs(a - e) < 1e-12)
            }
        }
    }

    @Test func crowdingOfExtremesIsInfiniteAndConstantObjectivesAddNothing() {
        let fitness: [[Double]] = [[0, 5], [1, 5], [2, 5], [3, 5]]
        let distances = CrowdingDistance.distances(fitness, front: [0, 1, 2, 3])
        #expect(distances[0] == .infinity && distances[3] == .infinity)
        #expect(distances[1] == 2.0 / 6 && distances[2] == 2.0 / 6)
        #expect(CrowdingDistance.distances(fitness, front: [1, 2]) == [.infinity, .infinity])
    }

    @Test func nsga2TakesWholeFrontsThenTheLeastCrowded() {
        var rng = SeededRandom(seed: 22)
        for _ in 0..<300 {
            let count = Int.random(in: 1...50, using: &rng)
            let fitness = TestSupport.population(count: count, objectives: 2, levels: 10, rng: &rng)
            let weights = TestSupport.weights(objectives: 2, rng: &rng)
            let k = Int.random(in: 0...count, using: &rng)
            let selected = NSGA2.select(fitness, weights: weights, count: k)
            #expect(selected.count == k)
            #expect(Set(selected).count == k)
            let ranking = NSGA2.rank(fitness, weights: weights)
            guard let worst = selected.map({ ranking.ranks[$0] }).max() else { continue }
            for index in fitness.indices where ranking.ranks[index] < worst {
                #expect(selected.contains(index))
            }
            let chosenLast = selected.filter { ranking.ranks[$0] == worst }
            let leftLast = ranking.fronts[worst].filter { !selected.contains($0) }
            if let weakestChosen = chosenLast.map({ ranking.crowding[$0] }).min() {
                #expect(leftLast.allSatisfy { ranking.crowding[$0] <= weakestChosen })
            }
        }
    }
}

@Suite struct SPEA2Tests {
    @Test func fitnessMatchesTheDefinition() {
        var rng = SeededRandom(seed: 31)
        for _ in 0..<150 {
            let (fitness, weights) = TestSupport.randomCase(objectives: 2...3, sizes: 1...40, levels: 6, rng: &rng)
            let expected = SelectionReference.spea2Fitness(fitness, weights: weights)
            for (a, e) in zip(SPEA2.fitness(fitness, weights: weights), expected) {
                #expect(abs(a - e) < 1e-12)
            }
        }
    }

    @Test func selectionMatchesTheDefinitionIncludingTruncation() {
        var rng = SeededRandom(seed: 32)
        var truncations = 0
        for trial in 0..<300 {
            let count = Int.random(in: 1...36, using: &rng)
            // Anti-correlated points make large non-dominated sets, so the
            // truncation operator is exercised often.
            let fitness: [[Double]] = trial % 2 == 0
                ? TestSupport.population(count: count, objectives: 2, levels: 8, rng: &rng)
                : (0..<count).map { _ in
                    let x = Double(Int.random(in: 0..<20, using: &rng))
                    return [x, 20 - x + Double(Int.random(in: 0...1, using: &rng))]
                }
            let weights: [Double] = [1, 1]
            let k = Int.random(in: 0...count, using: &rng)
            let expected = SelectionReference.spea2Select(fitness, weights: weights, count: k)
            let raw = SPEA2.rawFitness(fitness)
            if fitness.indices.count(where: { raw[$0] == 0 }) > k { truncations += 1 }
            #expect(SPEA2.select(fitness, weights: weights, count: k).sorted() == expected.sorted())
        }
        #expect(truncations > 50)
    }

    @Test func truncationRemovesOneOfTwoCoincidentPointsFirst() {
        let fitness: [[Double]] = [[0, 10], [5, 5], [5, 5], [10, 0]]
        #expect(SPEA2.select(fitness, weights: [1, 1], count: 3) == [0, 2, 3])
    }
}

@Suite struct HypervolumeTests {
    @Test func matchesInclusionExclusionInTwoToFourDimensions() {
        var rng = SeededRandom(seed: 41)
        for _ in 0..<200 {
            let (fitness, weights) = TestSupport.randomCase(objectives: 2...4, sizes: 0...9, levels: 6, rng: &rng)
            let reference = weights.map { $0 > 0 ? -1.0 : 6.0 }
            let minimized = fitness.map { point in zip(point, weights).map { $1 > 0 ? -$0 : $0 } }
            let boundary = weights.map { $0 > 0 ? 1.0 : 6.0 }
            let expected = SelectionReference.hypervolume(minimized, reference: boundary)
            let actual = Hypervolume.compute(fitness, weights: weights, reference: reference)
            #expect(abs(actual - expected) < 1e-9, "\(fitness) \(weights)")
        }
    }

    @Test func knownValuesAndIgnoredPoints() {
        // Accuracy up, parameters down, reference (0, 1000).
        let fitness: [[Double]] = [[0.5, 500], [0.8, 800], [0.9, 2000], [-0.1, 100]]
        #expect(abs(Hypervolume.compute(fitness, weights: [1, -1], reference: [0, 1000]) - (0.5 * 500 + 0.3 * 200)) < 1e-9)
        #expect(Hypervolume.compute([], weights: [1, -1], reference: [0, 1000]) == 0)
        #expect(Hypervolume.compute([[1, 1, 1]], weights: [1, 1, 1], reference: [0, 0, 0]) == 1)
    }
}

@Suite struct DCDTournamentTests {
    @Test func theDominatingOrLessCrowdedMemberWins() {
        var rng = SeededRandom(seed: 51)
        let weighted: [[Double]] = [[2, 2], [1, 1], [0, 3], [3, 0]]
        let crowding = [1.0, 0.5, .infinity, 0.2]
        #expect(DCDTournament.winner(0, 1, weighted: weighted, crowding: crowding, rng: &rng) == 0)
        #expect(DCDTournament.winner(1, 0, weighted: weighted, crowding: crowding, rng: &rng) == 0)
        #expect(DCDTournament.winner(2, 3, weighted: weighted, crowding: crowding, rng: &rng) == 2)
        let flips = (0..<200).map { _ in
            DCDTournament.winner(0, 2, weighted: weighted, crowding: [1, 1, 1, 1], rng: &rng)
        }
        #expect(Set(flips) == [0, 2])
    }

    @Test func selectionIsReproducibleAndFavoursBetterFronts() {
        var rng = SeededRandom(seed: 52)
        let fitness = TestSupport.population(count: 40, objectives: 2, levels: 20, rng: &rng)
        var a = SeededRandom(seed: 5), b = SeededRandom(seed: 5)
        let first = DCDTournament.select(fitness, weights: [1, -1], count: 100, using: &a)
        #expect(first == DCDTournament.select(fitness, weights: [1, -1], count: 100, using: &b))
        #expect(first.count == 100)
        let ranks = NSGA2.rank(fitness, weights: [1, -1]).ranks
        let chosenMean = Double(first.map { ranks[$0] }.reduce(0, +)) / 100
        let populationMean = Double(ranks.reduce(0, +)) / 40
        #expect(chosenMean < populationMean)
        #expect(DCDTournament.select([[1, 1]], weights: [1, 1], count: 3, using: &a) == [0, 0, 0])
    }
}

@Suite struct HallOfFameTests {
    @Test func keepsTheBestEverSeenInLexicographicOrder() {
        var rng = SeededRandom(seed: 61)
        var hall = HallOfFame<Int>(capacity: 10)
        var all: [(Int, [Double])] = []
        for id in 0..<200 {
            let weighted = [rng.unit(), rng.unit()]
            all.append((id, weighted))
            hall.offer(id: id, weighted: weighted)
            hall.offer(id: id, weighted: weighted)
        }
        let expected = all.sorted { $0.1.lexicographicallyPrecedes($1.1, by: >) }.prefix(10).map(\.0)
        #expect(hall.ids == Array(expected))
    }

    @Test func zeroCapacityKeepsNothing() {
        var hall = HallOfFame<Int>(capacity: 0)
        hall.offer(id: 1, weighted: [1])
        #expect(hall.entries.isEmpty)
    }
}
