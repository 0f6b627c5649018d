import Foundation
import GECore
import GEService

/// Paths and builders shared by the GECore tests.
enum TestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The paper's seed, ExquisiteNetV2, as shipped in `sota/`: a real model
    /// file with notes and nine mutable segments.
    static func exquisiteNetSource() throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent("sota/ExquisiteNetV2/network.py"), encoding: .utf8)
    }

    /// The prompt files shipped in `prompts/`, as `(path, text)` pairs.
    static func shippedPromptFiles() throws -> [(path: String, text: String)] {
        try PromptFiles.read(directory: repositoryRoot.appendingPathComponent("prompts").path)
    }

    static func shippedLibrary() throws -> PromptLibrary {
        try PromptLibrary(files: shippedPromptFiles())
    }

    /// The shipped prompt library and the ExquisiteNetV2-like seed.
    struct SeedFixture {
        let library: PromptLibrary
        let seed: Genome

        init() throws {
            library = try TestSupport.shippedLibrary()
            seed = Genome(source: try TestSupport.exquisiteNetSource())
        }
    }

    /// A random population whose values come from a small grid, so that ties
    /// and duplicate points are common.
    static func population(
        count: Int, objectives: Int, levels: Int, rng: inout SeededRandom
    ) -> [[Double]] {
        (0..<count).map { _ in
            (0..<objectives).map { _ in Double(Int.random(in: 0..<levels, using: &rng)) }
        }
    }

    /// A random population of continuous values (ties practically never occur).
    static func continuousPopulation(count: Int, objectives: Int, rng: inout SeededRandom) -> [[Double]] {
        (0..<count).map { _ in (0..<objectives).map { _ in rng.unit() } }
    }

    /// A random population with random objective count (in `objectives`),
    /// size (in `sizes`) and weights, on a grid of `levels` values.
    static func randomCase(
        objectives: ClosedRange<Int>, sizes: ClosedRange<Int>, levels: Int, rng: inout SeededRandom
    ) -> (fitness: [[Double]], weights: [Double]) {
        let count = Int.random(in: objectives, using: &rng)
        let fitness = population(count: Int.random(in: sizes, using: &rng), objectives: count, levels: levels, rng: &rng)
        return (fitness, weights(objectives: count, rng: &rng))
    }

    /// Random weights of random signs and magnitudes.
    static func weights(objectives: Int, rng: inout SeededRandom) -> [Double] {
        (0..<objectives).map { _ in (rng.chance(0.5) ? 1 : -1) * rng.uniform(0.5...2) }
    }
}

/// What an honest LLM worker sends for the model's `answer` to `request`:
/// the child made by `Operators.child`, or `no_code`.
func workerOutcome(for request: LLMRequest, answer: String, in engine: Engine) -> LLMOutcome {
    let call = LLMCall(requests: 1, seconds: 0, answer: answer)
    let base = engine.genome(of: request.child)
    switch Operators.child(
        of: base, segment: request.prompt.segment, answer: answer, expectedNames: request.prompt.expectedNames)
    {
    case .success(let child): return .code(source: child.source, call: call)
    case .failure(let failure): return .failure(Failure(.noCode, "\(failure)"), call: call)
    }
}

/// A scored evaluation without a training record.
func scored(_ objectives: [Double]) -> EvaluationOutcome {
    .scored(objectives: objectives, run: .none)
}
