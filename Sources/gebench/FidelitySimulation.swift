import Foundation
import GECore

/// One run of the real engine on a `FidelityLandscape`, on a simulated clock
/// with simulated GPU workers and an LLM that answers at once.
struct FidelitySimulation {
    let landscape: FidelityLandscape
    /// Epochs (= GPU-seconds) of a job at each rung.
    let epochs: [Int]
    let workers: Int
    let library: PromptLibrary
    let seed: UInt64

    /// What a run reached, and when.
    struct Outcome {
        /// Hypervolume of every full-fidelity result so far, after each, with
        /// the GPU-seconds spent by then.
        var progress: [(gpuSeconds: Double, hypervolume: Double)] = []
        var gpuSeconds = 0.0
        var evaluations = 0
        /// Evaluations at each rung, lowest first.
        var evaluationsPerRung: [Int] = []
        var finalHypervolume: Double { progress.last?.hypervolume ?? 0 }

        /// The GPU-seconds spent when the hypervolume first reached `target`.
        func gpuSeconds(toReach target: Double) -> Double? {
            progress.first { $0.hypervolume >= target }?.gpuSeconds
        }
    }

    /// Accuracy 0 and 4 million parameters: worse than any variant.
    static let reference = [0.0, 4_000_000]
    static let marker = "# --OPTION--"

    /// The evolved segment of the variant at (x, y).
    static func segment(x: Double, y: Double) -> String {
        "LATENT = (\(String(format: "%.6f", x)), \(String(format: "%.6f", y)))\n"
    }

    static func latent(of genome: Genome) -> (x: Double, y: Double) {
        let code = genome.code(ofSegment: 1)
        let inside = code.drop { $0 != "(" }.dropFirst().prefix { $0 != ")" }
        let parts = inside.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        return (parts[0], parts[1])
    }

    enum Event {
        case answer(LLMRequest, parents: [(x: Double, y: Double)])
        case rephrased(RephraseRequest)
        case evaluated(IndividualID, rung: Int, worker: Int)
    }

    mutating func run(config: EngineConfig) throws -> Outcome {
        var engine = try Engine(seed: Genome(source: "import math\n\(Self.marker)\n" + Self.segment(x: 0.5, y: 0.5), marker: Self.marker), config: config, rngSeed: seed)
        var llm = SeededRandom(seed: seed ^ 0x11A)
        var events = SimulatedEvents<Event>()
        var now = 0.0
        var idle = Array(0..<workers)
        var outcome = Outcome()
        outcome.evaluationsPerRung = Array(repeating: 0, count: epochs.count)
        var front: [[Double]] = []
        while !engine.isFinished {
            for command in engine.step(freeLLMSlots: 64, freeEvaluationSlots: idle.count, library: library) {
                switch command {
                case .generate(let request):
                    // The parents' points are read now: by the answer, a
                    // parent that left the population has no genome.
                    let parents = request.prompt.parents.map { Self.latent(of: engine.genome(of: $0)) }
                    events.add(.answer(request, parents: parents), at: now + 0.001)
                case .rephrase(let request):
                    events.add(.rephrased(request), at: now + 0.001)
                case .evaluate(let id, _):
                    let rung = config.fidelity == nil ? epochs.count - 1 : engine.rung(of: id)
                    events.add(.evaluated(id, rung: rung, worker: idle.removeFirst()), at: now + Double(epochs[rung]))
                }
            }
            guard let event = events.next() else { break }
            now = event.time
            switch event.kind {
            case .answer(let request, let parents):
                let base = engine.genome(of: request.child)
                var point = parents[0]
                if parents.count > 1, llm.chance(0.5) { point.x = parents[1].x }
                if parents.count > 1, llm.chance(0.5) { point.y = parents[1].y }
                let x = min(max(point.x + 0.06 * FidelityLandscape.standardNormal(&llm), 0), 1)
                let y = min(max(point.y + 0.06 * FidelityLandscape.standardNormal(&llm), 0), 1)
                let child = base.replacingSegment(1, with: Self.segment(x: x, y: y))
                _ = engine.receiveAnswer(requestID: request.id, outcome: .code(source: child.source, call: .none))
            case .rephrased(let request):
                _ = engine.receiveAnswer(requestID: request.id, outcome: .text("Work carefully. " + request.original.body, call: .none))
            case .evaluated(let id, let rung, let worker):
                idle.append(worker)
                let point = Self.latent(of: engine.genome(of: id))
                // The variant's own noise: the same draws at every rung.
                var noise = SeededRandom(seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(id))
                let draw = (0..<epochs.count).map { _ in FidelityLandscape.standardNormal(&noise) }
                let objectives = landscape.objectives(x: point.x, y: point.y, rung: rung, rungs: epochs.count, draw: draw)
                let seconds = Double(epochs[rung])
                _ = engine.receiveEvaluation(
                    of: id, outcome: .scored(objectives: objectives, run: TrainingRun(phase: .train, seconds: seconds)))
                outcome.gpuSeconds += seconds
                outcome.evaluations += 1
                outcome.evaluationsPerRung[rung] += 1
                if rung == epochs.count - 1 {
                    front.append(objectives)
                    let volume = Hypervolume.compute(front, weights: config.weights, reference: Self.reference)
                    outcome.progress.append((outcome.gpuSeconds, volume))
                }
            }
        }
        return outcome
    }
}
