import GECore

/// Brute-force implementations straight from the published definitions, used
/// as oracles for the optimized selection code.
enum SelectionReference {
    /// Fronts by repeated peeling: a front is every remaining point that no
    /// remaining point dominates.
    static func fronts(_ weighted: [[Double]]) -> [[Int]] {
        var remaining = Array(weighted.indices)
        var fronts: [[Int]] = []
        while !remaining.isEmpty {
            let front = remaining.filter { i in
                !remaining.contains { j in Dominance.dominates(weighted[j], weighted[i]) }
            }
            fronts.append(front)
            remaining.removeAll { front.contains($0) }
        }
        return fronts
    }

    /// Crowding distance for points with distinct values in every objective:
    /// the gap between each member's neighbours along every objective.
    static func crowding(_ fitness: [[Double]], front: [Int]) -> [Double] {
        let objectives = fitness[front[0]].count
        return front.map { member in
            var total = 0.0
            for m in 0..<objectives {
                let values = front.map { fitness[$0][m] }
                let value = fitness[member][m]
                let lower = values.filter { $0 < value }.max()
                let upper = values.filter { $0 > value }.min()
                guard let lower, let upper else { return .infinity }
                total += (upper - lower) / (Double(objectives) * (values.max()! - values.min()!))
            }
            return total
        }
    }

    /// SPEA2 fitness F = R + D per Zitzler et al. 2001.
    static func spea2Fitness(_ fitness: [[Double]], weights: [Double]) -> [Double] {
        let weighted = Dominance.weighted(fitness, by: weights)
        let n = fitness.count
        let strength = (0..<n).map { i in (0..<n).count { Dominance.dominates(weighted[i], weighted[$0]) } }
        let k = max(1, Int(Double(n).squareRoot()))
        return (0..<n).map { i in
            let raw = (0..<n).filter { Dominance.dominates(weighted[$0], weighted[i]) }.map { strength[$0] }
                .reduce(0, +)
            let distances = (0..<n).filter { $0 != i }.map { distance(fitness[i], fitness[$0]) }.sorted()
            let sigma = distances.isEmpty ? 0 : distances[min(k, distances.count) - 1]
            return Double(raw) + 1 / (sigma + 2)
        }
    }

    /// SPEA2 environmental selection with the truncation operator recomputed
    /// from scratch at every removal.
    static func spea2Select(_ fitness: [[Double]], weights: [Double], count k: Int) -> [Int] {
        let f = spea2Fitness(fitness, weights: weights)
        let nondominated = fitness.indices.filter { f[$0] < 1 }
        if nondominated.count <= k {
            let rest = fitness.indices.filter { f[$0] >= 1 }.sorted { f[$0] != f[$1] ? f[$0] < f[$1] : $0 < $1 }
            return nondominated + rest.prefix(k - nondominated.count)
        }
        var archive = nondominated
        while archive.count > k {
            let vectors = archive.map { i in
                archive.filter { $0 != i }.map { distance(fitness[i], fitness[$0]) }.sorted()
            }
            var smallest = 0
            for candidate in 1..<archive.count
            where vectors[candidate].lexicographicallyPrecedes(vectors[smallest]) {
                smallest = candidate
            }
            archive.remove(at: smallest)
        }
        return archive
    }

    /// Hypervolume by inclusion–exclusion over all subsets (small sets only),
    /// in minimization space.
    static func hypervolume(_ points: [[Double]], reference: [Double]) -> Double {
        let useful = points.filter { zip($0, reference).allSatisfy { $0 < $1 } }
        var total = 0.0
        for mask in 1..<(1 << useful.count) {
            let subset = useful.indices.filter { mask & (1 << $0) != 0 }.map { useful[$0] }
            let corner = reference.indices.map { d in subset.map { $0[d] }.max()! }
            let volume = zip(reference, corner).map { $0 - $1 }.reduce(1, *)
            total += subset.count % 2 == 1 ? volume : -volume
        }
        return total
    }

    static func distance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
    }
}
