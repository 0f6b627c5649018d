/// The exact hypervolume indicator: the volume of objective space dominated by
/// a set of points and bounded by a reference point.
public enum Hypervolume {
    /// The hypervolume of `fitness` (raw values) against `reference` (raw
    /// values, worse than the points in every objective). Weights give only
    /// directions: positive maximizes, negative minimizes. Points that are not
    /// strictly better than the reference in every objective add nothing.
    ///
    /// Two objectives take an O(N log N) sweep; more take exact recursive
    /// slicing along the last objective, O(N^(M−1) log N).
    public static func compute(_ fitness: [[Double]], weights: [Double], reference: [Double]) -> Double {
        // Flip maximized objectives so that every coordinate is minimized.
        let sign = weights.map { $0 < 0 ? 1.0 : -1.0 }
        let bound = zip(reference, sign).map { $0 * $1 }
        let points = fitness
            .map { zip($0, sign).map { $0 * $1 } }
            .filter { point in zip(point, bound).allSatisfy { $0 < $1 } }
        return volume(points, bound: bound)
    }

    /// A reference point just worse than the worst value of each objective
    /// (by a tenth of its range, or of its magnitude when it does not vary),
    /// for reporting progress without a configured reference.
    public static func reference(below fitness: [[Double]], weights: [Double]) -> [Double] {
        weights.indices.map { index in
            let values = fitness.map { $0[index] }
            let low = values.min() ?? 0, high = values.max() ?? 0
            let margin = high > low ? (high - low) / 10 : max(abs(low) / 10, 1)
            return weights[index] > 0 ? low - margin : high + margin
        }
    }

    static func volume(_ points: [[Double]], bound: [Double]) -> Double {
        guard !points.isEmpty else { return 0 }
        let dimensions = bound.count
        if dimensions == 1 { return bound[0] - points.map { $0[0] }.min()! }
        if dimensions == 2 { return sweep(points, bound: bound) }
        let last = dimensions - 1
        let sorted = points.sorted { $0[last] < $1[last] }
        var total = 0.0
        var slice: [[Double]] = []
        for (index, point) in sorted.enumerated() {
            slice.append(Array(point.prefix(last)))
            let top = index + 1 < sorted.count ? sorted[index + 1][last] : bound[last]
            let depth = top - point[last]
            if depth > 0 {
                total += volume(slice, bound: Array(bound.prefix(last))) * depth
            }
        }
        return total
    }

    /// Two minimized objectives: a staircase swept by the first one.
    static func sweep(_ points: [[Double]], bound: [Double]) -> Double {
        let sorted = points.sorted { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] < $1[1] }
        var total = 0.0
        var ceiling = bound[1]
        for point in sorted where point[1] < ceiling {
            total += (bound[0] - point[0]) * (ceiling - point[1])
            ceiling = point[1]
        }
        return total
    }
}
