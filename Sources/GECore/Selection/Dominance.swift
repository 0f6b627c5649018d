/// Pareto dominance between fitness vectors, with objective directions given
/// as weights like DEAP's `weights=(1.0, -1.0)`: a positive weight maximizes
/// its objective, a negative one minimizes it.
public enum Dominance {
    /// Each fitness vector multiplied element-wise by the weights, so that
    /// larger is better in every coordinate.
    public static func weighted(_ fitness: [[Double]], by weights: [Double]) -> [[Double]] {
        fitness.map { values in zip(values, weights).map { $0 * $1 } }
    }

    /// Whether `a` dominates `b`, both already weighted: no worse in every
    /// objective and better in at least one. Equal vectors dominate neither.
    @inline(__always)
    public static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
        var better = false
        for index in a.indices {
            if a[index] < b[index] { return false }
            if a[index] > b[index] { better = true }
        }
        return better
    }
}
