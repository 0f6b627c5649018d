/// Sorting a population into Pareto fronts (Deb et al. 2002).
public enum NondominatedSort {
    /// The fronts of `weighted` (larger is better in every coordinate), best
    /// first, each listing positions in ascending order. Identical vectors
    /// share a front.
    ///
    /// Two objectives take an O(N log N) sweep; more take Deb's O(M N²)
    /// fast non-dominated sort.
    public static func fronts(_ weighted: [[Double]]) -> [[Int]] {
        guard !weighted.isEmpty else { return [] }
        let fronts = weighted[0].count == 2 ? sweepFronts(weighted) : fastNondominatedFronts(weighted)
        return fronts.map { $0.sorted() }
    }

    /// Deb's fast non-dominated sort, for any number of objectives.
    public static func fastNondominatedFronts(_ weighted: [[Double]]) -> [[Int]] {
        let count = weighted.count
        var dominatedBy = [[Int]](repeating: [], count: count)
        var dominationCount = [Int](repeating: 0, count: count)
        for i in 0..<count {
            for j in (i + 1)..<count {
                if Dominance.dominates(weighted[i], weighted[j]) {
                    dominatedBy[i].append(j)
                    dominationCount[j] += 1
                } else if Dominance.dominates(weighted[j], weighted[i]) {
                    dominatedBy[j].append(i)
                    dominationCount[i] += 1
                }
            }
        }
        var fronts: [[Int]] = []
        var current = (0..<count).filter { dominationCount[$0] == 0 }
        while !current.isEmpty {
            fronts.append(current)
            var next: [Int] = []
            for i in current {
                for j in dominatedBy[i] {
                    dominationCount[j] -= 1
                    if dominationCount[j] == 0 { next.append(j) }
                }
            }
            current = next
        }
        return fronts
    }

    /// The two-objective sweep: visit points by the first objective (best
    /// first, ties by the second); a point joins the first front whose last
    /// member does not dominate it, found by binary search, since a front that
    /// dominates the point implies every earlier front does too.
    static func sweepFronts(_ weighted: [[Double]]) -> [[Int]] {
        let order = weighted.indices.sorted { a, b in
            let pa = weighted[a], pb = weighted[b]
            if pa[0] != pb[0] { return pa[0] > pb[0] }
            if pa[1] != pb[1] { return pa[1] > pb[1] }
            return a < b
        }
        var fronts: [[Int]] = []
        var lastMember: [(x: Double, y: Double)] = []
        for index in order {
            let x = weighted[index][0], y = weighted[index][1]
            // The last member (lx, ly) has lx >= x; it dominates iff ly > y,
            // or ly == y with lx > x.
            var low = 0, high = fronts.count
            while low < high {
                let mid = (low + high) / 2
                let last = lastMember[mid]
                if last.y > y || (last.y == y && last.x > x) {
                    low = mid + 1
                } else {
                    high = mid
                }
            }
            if low == fronts.count {
                fronts.append([index])
                lastMember.append((x, y))
            } else {
                fronts[low].append(index)
                lastMember[low] = (x, y)
            }
        }
        return fronts
    }

    /// The front number (0 = non-dominated) of every position.
    public static func ranks(of fronts: [[Int]], count: Int) -> [Int] {
        var ranks = [Int](repeating: 0, count: count)
        for (rank, front) in fronts.enumerated() {
            for index in front { ranks[index] = rank }
        }
        return ranks
    }
}
