import Foundation
import GECore
import Testing

@Suite struct SeededRandomTests {
    @Test func sameSeedGivesSameSequenceAndDifferentSeedsDiffer() {
        var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42), c = SeededRandom(seed: 43)
        let first = (0..<100).map { _ in a.next() }
        #expect(first == (0..<100).map { _ in b.next() })
        #expect(first != (0..<100).map { _ in c.next() })
    }

    @Test func restoredStateContinuesTheSequence() throws {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<17 { _ = rng.next() }
        let data = try JSONEncoder().encode(rng)
        var restored = try JSONDecoder().decode(SeededRandom.self, from: data)
        #expect((0..<50).map { _ in rng.next() } == (0..<50).map { _ in restored.next() })
    }

    @Test func damagedStateIsRejected() {
        #expect(throws: RandomStateError.allZero) { try SeededRandom(state: [0, 0, 0, 0]) }
        #expect(throws: RandomStateError.wrongWordCount(3)) { try SeededRandom(state: [1, 2, 3]) }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(SeededRandom.self, from: Data("[0,0,0,0]".utf8))
        }
    }

    @Test func unitAndUniformStayInRangeAndCoverIt() {
        var rng = SeededRandom(seed: 1)
        let values = (0..<10_000).map { _ in rng.uniform(0.05...0.4) }
        #expect(values.allSatisfy { (0.05...0.4).contains($0) })
        #expect(values.min()! < 0.06 && values.max()! > 0.39)
        let mean = (0..<10_000).map { _ in rng.unit() }.reduce(0, +) / 10_000
        #expect(abs(mean - 0.5) < 0.02)
    }

    @Test func chanceMatchesItsProbability() {
        var rng = SeededRandom(seed: 3)
        let hits = (0..<20_000).count { _ in rng.chance(0.35) }
        #expect(abs(Double(hits) / 20_000 - 0.35) < 0.015)
        #expect(!(0..<1000).contains { _ in rng.chance(0) })
        #expect((0..<1000).allSatisfy { _ in rng.chance(1) })
    }
}
