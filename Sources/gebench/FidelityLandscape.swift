import Foundation
import GECore

/// A synthetic search space for `gebench fidelity`: what a training job would
/// report for a variant, at full fidelity and at each lower rung.
///
/// A variant is a point in [0, 1]²: `x` is its design (which decides the
/// quality it can reach, with two basins of unequal height) and `y` its size
/// (parameters grow tenfold per 0.4; accuracy grows with size and saturates).
/// At full fidelity accuracy is exact. A lower rung reports it lower by a
/// fixed gap per rung and noisier, each rung's accuracy a noisy copy of the
/// rung above with a Pearson correlation chosen to give the requested
/// Spearman rank correlation ρ between adjacent rungs (over uniformly drawn
/// variants). The parameter count is exact at every rung.
struct FidelityLandscape {
    /// Spearman's ρ asked for between adjacent rungs.
    let rankCorrelation: Double
    /// The noise added going down each rung (index: rung), 0 for the top.
    let noise: [Double]
    /// Mean accuracy lost per rung below the top.
    static let gapPerRung = 0.05

    init(rankCorrelation: Double, rungs: Int) {
        self.rankCorrelation = rankCorrelation
        // Spearman's ρ of a bivariate normal is (6/π)·asin(r/2): invert it.
        let pearson = 2 * sin(Double.pi * rankCorrelation / 6)
        var spread = Self.accuracySpread()
        var noise = Array(repeating: 0.0, count: rungs)
        for rung in stride(from: rungs - 2, through: 0, by: -1) {
            noise[rung] = spread * (1 / (pearson * pearson) - 1).squareRoot()
            spread = (spread * spread + noise[rung] * noise[rung]).squareRoot()
        }
        self.noise = noise
    }

    /// Full-fidelity objectives: accuracy (maximized), parameters (minimized).
    static func objectives(x: Double, y: Double) -> [Double] {
        let basins = 0.9 * exp(-pow((x - 0.72) / 0.12, 2)) + 0.55 * exp(-pow((x - 0.25) / 0.08, 2))
        let quality = 0.35 + 0.65 * min(basins, 1)
        let accuracy = 0.1 + 0.88 * quality * (1 - exp(-3.5 * (y + 0.05)))
        return [accuracy, pow(10, 4 + 2.5 * y).rounded()]
    }

    /// The objectives a job at `rung` of `rungs` reports for the variant;
    /// `draw` is the variant's own noise, one standard normal per rung.
    func objectives(x: Double, y: Double, rung: Int, rungs: Int, draw: [Double]) -> [Double] {
        var values = Self.objectives(x: x, y: y)
        for below in stride(from: rungs - 2, through: rung, by: -1) {
            values[0] += noise[below] * draw[below] - Self.gapPerRung
        }
        return values
    }

    /// The standard deviation of full-fidelity accuracy over uniform variants.
    static func accuracySpread() -> Double {
        var rng = SeededRandom(seed: 0xACC)
        let values = (0..<20_000).map { _ in objectives(x: rng.unit(), y: rng.unit())[0] }
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
    }

    /// The Spearman correlation of accuracy between each pair of adjacent
    /// rungs, measured on uniform variants (what ρ really came out as).
    func measuredRankCorrelations(rungs: Int) -> [Double] {
        var rng = SeededRandom(seed: 0x5EA)
        let points = (0..<5_000).map { _ in
            (x: rng.unit(), y: rng.unit(), draw: (0..<rungs).map { _ in Self.standardNormal(&rng) })
        }
        return (0..<(rungs - 1)).map { rung in
            let low = points.map { objectives(x: $0.x, y: $0.y, rung: rung, rungs: rungs, draw: $0.draw)[0] }
            let high = points.map { objectives(x: $0.x, y: $0.y, rung: rung + 1, rungs: rungs, draw: $0.draw)[0] }
            return Self.spearman(low, high)
        }
    }

    static func standardNormal(_ rng: inout SeededRandom) -> Double {
        (-2 * log(max(rng.unit(), 1e-300))).squareRoot() * cos(2 * .pi * rng.unit())
    }

    static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        func ranks(_ values: [Double]) -> [Double] {
            var ranks = Array(repeating: 0.0, count: values.count)
            for (rank, index) in values.indices.sorted(by: { values[$0] < values[$1] }).enumerated() {
                ranks[index] = Double(rank)
            }
            return ranks
        }
        let ra = ranks(a), rb = ranks(b)
        let n = Double(a.count)
        let d2 = zip(ra, rb).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
        return 1 - 6 * d2 / (n * (n * n - 1))
    }
}
