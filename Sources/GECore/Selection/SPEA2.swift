/// SPEA2 environmental selection (Zitzler, Laumanns, Thiele 2001).
public enum SPEA2 {
    /// SPEA2's fitness of each member (lower is better): raw fitness (the sum
    /// of the strengths of its dominators, a strength being how many members
    /// one dominates) plus density 1 / (σₖ + 2), where σₖ is the Euclidean
    /// distance in objective space to the k-th nearest other member and
    /// k = ⌊√N⌋. Non-dominated members have fitness below 1.
    public static func fitness(_ fitness: [[Double]], weights: [Double]) -> [Double] {
        let raw = rawFitness(Dominance.weighted(fitness, by: weights))
        return zip(raw, density(fitness)).map { Double($0) + $1 }
    }

    /// Chooses `k` positions: every non-dominated member when they fit, topped
    /// up with the dominated members of lowest SPEA2 fitness; when there are
    /// more non-dominated members than `k`, the archive truncation removes,
    /// one at a time, the member whose sorted distances to the others are
    /// lexicographically smallest (lowest position on exact ties).
    ///
    /// The result lists non-dominated members first, each group in population
    /// order (fill-up members by fitness).
    public static func select(_ fitness: [[Double]], weights: [Double], count k: Int) -> [Int] {
        let raw = rawFitness(Dominance.weighted(fitness, by: weights))
        let nondominated = fitness.indices.filter { raw[$0] == 0 }
        if nondominated.count == k { return nondominated }
        if nondominated.count > k { return truncate(fitness, members: nondominated, to: k) }
        let densities = density(fitness)
        let rest = fitness.indices.filter { raw[$0] > 0 }.sorted { a, b in
            let fa = Double(raw[a]) + densities[a], fb = Double(raw[b]) + densities[b]
            return fa != fb ? fa < fb : a < b
        }
        return nondominated + rest.prefix(k - nondominated.count)
    }

    /// Raw fitness R(i): the summed strength of the members dominating i.
    static func rawFitness(_ weighted: [[Double]]) -> [Int] {
        let count = weighted.count
        var strength = [Int](repeating: 0, count: count)
        var dominators = [[Int]](repeating: [], count: count)
        for i in 0..<count {
            for j in (i + 1)..<count {
                if Dominance.dominates(weighted[i], weighted[j]) {
                    strength[i] += 1
                    dominators[j].append(i)
                } else if Dominance.dominates(weighted[j], weighted[i]) {
                    strength[j] += 1
                    dominators[i].append(j)
                }
            }
        }
        return dominators.map { $0.reduce(0) { $0 + strength[$1] } }
    }

    /// Density D(i) = 1 / (σₖ + 2) with k = ⌊√N⌋ (at least 1, at most N − 1).
    static func density(_ fitness: [[Double]]) -> [Double] {
        let count = fitness.count
        guard count > 1 else { return Array(repeating: 0.5, count: count) }
        let k = min(max(Int(Double(count).squareRoot()), 1), count - 1)
        var distances = [Double](repeating: 0, count: count - 1)
        return (0..<count).map { i in
            var slot = 0
            for j in 0..<count where j != i {
                distances[slot] = euclidean(fitness[i], fitness[j])
                slot += 1
            }
            return 1 / (kthSmallest(&distances, k) + 2)
        }
    }

    /// The archive truncation operator, on squared distances (same order).
    static func truncate(_ fitness: [[Double]], members: [Int], to k: Int) -> [Int] {
        let count = members.count
        // For each member, the other members sorted by distance. Removed members
        // are skipped when comparing instead of being deleted from every list.
        var distance = [[Double]](repeating: [], count: count)
        var neighbours = [[Int32]](repeating: [], count: count)
        for i in 0..<count {
            distance[i] = (0..<count).map { j in squaredDistance(fitness[members[i]], fitness[members[j]]) }
            neighbours[i] = (0..<count).filter { $0 != i }.map(Int32.init).sorted { a, b in
                let da = distance[i][Int(a)], db = distance[i][Int(b)]
                return da != db ? da < db : a < b
            }
        }
        var alive = [Bool](repeating: true, count: count)
        var remaining = count
        while remaining > k {
            var smallest = -1
            for i in 0..<count where alive[i] {
                if smallest < 0 || lexicographicallyCloser(i, than: smallest) {
                    smallest = i
                }
            }
            alive[smallest] = false
            remaining -= 1
        }
        return (0..<count).filter { alive[$0] }.map { members[$0] }

        func lexicographicallyCloser(_ a: Int, than b: Int) -> Bool {
            var ia = 0, ib = 0
            let na = neighbours[a], nb = neighbours[b]
            while true {
                while ia < na.count, !alive[Int(na[ia])] { ia += 1 }
                while ib < nb.count, !alive[Int(nb[ib])] { ib += 1 }
                guard ia < na.count, ib < nb.count else { return false }
                let da = distance[a][Int(na[ia])], db = distance[b][Int(nb[ib])]
                if da != db { return da < db }
                ia += 1
                ib += 1
            }
        }
    }

    static func euclidean(_ a: [Double], _ b: [Double]) -> Double {
        squaredDistance(a, b).squareRoot()
    }

    static func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for index in a.indices {
            let delta = a[index] - b[index]
            sum += delta * delta
        }
        return sum
    }

    /// The k-th smallest value (1-based) by quickselect; reorders `values`.
    static func kthSmallest(_ values: inout [Double], _ k: Int) -> Double {
        var low = 0, high = values.count - 1
        let target = k - 1
        while low < high {
            let pivot = values[(low + high) / 2]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if target <= j {
                high = j
            } else if target >= i {
                low = i
            } else {
                return values[target]
            }
        }
        return values[target]
    }
}
