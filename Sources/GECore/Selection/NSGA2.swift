/// NSGA-II environmental selection (Deb et al. 2002).
public enum NSGA2 {
    /// The result of ranking a population: its fronts and each member's
    /// crowding distance within its own front.
    public struct Ranking: Sendable {
        public let fronts: [[Int]]
        /// Crowding distance by position in the population.
        public let crowding: [Double]
        /// Front number by position in the population.
        public let ranks: [Int]
    }

    /// Fronts and crowding distances of the whole population.
    public static func rank(_ fitness: [[Double]], weights: [Double]) -> Ranking {
        let fronts = NondominatedSort.fronts(Dominance.weighted(fitness, by: weights))
        var crowding = [Double](repeating: 0, count: fitness.count)
        for front in fronts {
            for (member, distance) in zip(front, CrowdingDistance.distances(fitness, front: front)) {
                crowding[member] = distance
            }
        }
        return Ranking(
            fronts: fronts, crowding: crowding,
            ranks: NondominatedSort.ranks(of: fronts, count: fitness.count))
    }

    /// Chooses `k` positions: whole fronts, best first, then from the first
    /// front that does not fit, its members with the largest crowding
    /// distance (ties keep population order).
    public static func select(_ fitness: [[Double]], weights: [Double], count k: Int) -> [Int] {
        let fronts = NondominatedSort.fronts(Dominance.weighted(fitness, by: weights))
        var chosen: [Int] = []
        for front in fronts {
            let room = k - chosen.count
            if room <= 0 { break }
            if front.count <= room {
                chosen += front
                continue
            }
            let distances = CrowdingDistance.distances(fitness, front: front)
            let byCrowding = front.indices.sorted { a, b in
                distances[a] != distances[b] ? distances[a] > distances[b] : a < b
            }
            chosen += byCrowding.prefix(room).map { front[$0] }
        }
        return chosen
    }
}
