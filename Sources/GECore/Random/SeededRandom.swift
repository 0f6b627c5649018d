/// The one source of randomness for every evolutionary decision.
///
/// A xoshiro256** generator: fast, statistically strong, and — unlike
/// `SystemRandomNumberGenerator` — its whole state is four words that can be
/// stored with the run and restored after a crash, so the remaining decisions
/// replay exactly.
public struct SeededRandom: RandomNumberGenerator, Codable, Hashable, Sendable {
    /// The generator's complete state.
    public private(set) var state: [UInt64]

    /// Creates a generator whose sequence is fully determined by `seed`.
    public init(seed: UInt64) {
        // SplitMix64 spreads one seed word over four well-mixed state words;
        // xoshiro must never start from an all-zero state.
        var mixer = seed
        var words: [UInt64] = []
        for _ in 0..<4 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var z = mixer
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            words.append(z ^ (z >> 31))
        }
        state = words
    }

    /// Restores a generator from a stored state.
    public init(state: [UInt64]) throws(RandomStateError) {
        guard state.count == 4 else { throw .wrongWordCount(state.count) }
        guard state.contains(where: { $0 != 0 }) else { throw .allZero }
        self.state = state
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let words = try container.decode([UInt64].self)
        do {
            try self.init(state: words)
        } catch {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(state)
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(state[1] &* 5, by: 7) &* 9
        let shifted = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= shifted
        state[3] = rotateLeft(state[3], by: 45)
        return result
    }

    /// A double uniformly distributed in `[0, 1)`, with 53 random bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A double uniformly distributed in the closed range.
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit()
    }

    /// `true` with probability `p` (clamped to `[0, 1]`).
    public mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

/// Why a stored generator state cannot be restored.
public enum RandomStateError: Error, Equatable, CustomStringConvertible {
    case wrongWordCount(Int)
    case allZero

    public var description: String {
        switch self {
        case .wrongWordCount(let count):
            "random generator state has \(count) words, expected 4: the stored run state is damaged"
        case .allZero:
            "random generator state is all zero, which xoshiro256** cannot leave: the stored run state is damaged"
        }
    }
}
