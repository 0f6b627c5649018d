import Foundation

extension SeededRandom {
    /// A draw from the Beta(α, β) distribution, for α, β ≥ 1 (Thompson
    /// sampling's posteriors of success counts always are).
    mutating func beta(_ alpha: Double, _ beta: Double) -> Double {
        let x = gamma(shape: alpha), y = gamma(shape: beta)
        return x + y > 0 ? x / (x + y) : 0.5
    }

    /// A draw from Gamma(shape, 1) for shape ≥ 1, by Marsaglia and Tsang's
    /// squeeze method (ACM TOMS 2000), which accepts over 95 % of its tries.
    mutating func gamma(shape: Double) -> Double {
        let d = max(shape, 1) - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        // Bounded so a pathological generator state cannot hang the engine;
        // 64 rejections in a row have probability below 10⁻⁸⁰.
        for _ in 0..<64 {
            let x = normal()
            let v = 1 + c * x
            guard v > 0 else { continue }
            let cube = v * v * v
            let u = 1 - unit()
            if u < 1 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1 - cube + log(cube)) {
                return d * cube
            }
        }
        return d
    }

    /// A standard normal draw (Box–Muller).
    mutating func normal() -> Double {
        let radius = (-2 * log(1 - unit())).squareRoot()
        return radius * cos(2 * Double.pi * unit())
    }
}
