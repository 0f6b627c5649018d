/// NSGA-II's crowding distance (Deb et al. 2002), computed as DEAP does.
public enum CrowdingDistance {
    /// The crowding distance of each member of `front` (positions into
    /// `fitness`), in the order of `front`.
    ///
    /// For each objective the members are sorted by value; the two extremes get
    /// infinity, every other member adds the gap between its neighbours divided
    /// by (objective count × the objective's range). Sorting is stable and
    /// starts from the previous objective's order, as in DEAP, so exact ties
    /// resolve the same way.
    public static func distances(_ fitness: [[Double]], front: [Int]) -> [Double] {
        let count = front.count
        guard count > 0 else { return [] }
        var distances = [Double](repeating: 0, count: count)
        let objectives = fitness[front[0]].count
        var order = Array(0..<count)
        var positions = Array(0..<count)
        for objective in 0..<objectives {
            for (position, member) in order.enumerated() { positions[member] = position }
            order.sort { a, b in
                let va = fitness[front[a]][objective], vb = fitness[front[b]][objective]
                return va != vb ? va < vb : positions[a] < positions[b]
            }
            distances[order[0]] = .infinity
            distances[order[count - 1]] = .infinity
            let low = fitness[front[order[0]]][objective]
            let high = fitness[front[order[count - 1]]][objective]
            guard high != low, count > 2 else { continue }
            let norm = Double(objectives) * (high - low)
            for k in 1..<(count - 1) {
                let previous = fitness[front[order[k - 1]]][objective]
                let next = fitness[front[order[k + 1]]][objective]
                distances[order[k]] += (next - previous) / norm
            }
        }
        return distances
    }
}
