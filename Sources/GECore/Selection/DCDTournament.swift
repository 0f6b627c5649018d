/// NSGA-II's binary tournament on dominance and crowding distance (DCD), as
/// DEAP's `selTournamentDCD`, generalized to any population size and `k`.
public enum DCDTournament {
    /// Chooses `k` positions, each the winner of a tournament between two
    /// distinct members: the dominating one wins; else the one with the larger
    /// crowding distance; else a coin flip.
    ///
    /// Pairs are consecutive members of random permutations, a fresh
    /// permutation started whenever fewer than two members remain, so every
    /// member takes part about equally often.
    public static func select(
        _ fitness: [[Double]], weights: [Double], count k: Int, using rng: inout SeededRandom
    ) -> [Int] {
        guard fitness.count > 1 else { return Array(repeating: 0, count: fitness.isEmpty ? 0 : k) }
        let weighted = Dominance.weighted(fitness, by: weights)
        let crowding = NSGA2.rank(fitness, weights: weights).crowding
        var chosen: [Int] = []
        var permutation: [Int] = []
        var cursor = 0
        while chosen.count < k {
            if cursor + 1 >= permutation.count {
                permutation = Array(fitness.indices).shuffled(using: &rng)
                cursor = 0
            }
            let a = permutation[cursor], b = permutation[cursor + 1]
            cursor += 2
            chosen.append(winner(a, b, weighted: weighted, crowding: crowding, rng: &rng))
        }
        return chosen
    }

    static func winner(
        _ a: Int, _ b: Int, weighted: [[Double]], crowding: [Double], rng: inout SeededRandom
    ) -> Int {
        if Dominance.dominates(weighted[a], weighted[b]) { return a }
        if Dominance.dominates(weighted[b], weighted[a]) { return b }
        if crowding[a] != crowding[b] { return crowding[a] > crowding[b] ? a : b }
        return rng.unit() <= 0.5 ? a : b
    }
}
