import ArgumentParser
import Foundation
import GECore
import GEService

/// `gebench utilization`: how busy the engine keeps GPU workers, steady
/// state against the generational loop, on a simulated clock.
struct UtilizationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "utilization",
        abstract: "Fraction of GPU-worker time spent busy, steady vs generational, in one simulated run.",
        discussion: """
            Drives the real engine (GECore) with simulated workers on a simulated clock: evaluation times \
            are log-normal, clipped to [--min-seconds, --max-seconds]; LLM answers take --llm-seconds. \
            Both modes see the same worker count, budget and random durations. Prints one JSON object.
            """
    )

    @Option(help: "Simulated GPU workers.") var workers = 16
    @Option(help: "Evaluations per mode.") var budget = 800
    @Option(help: "Shortest evaluation (seconds).") var minSeconds = 0.05
    @Option(help: "Longest evaluation (seconds).") var maxSeconds = 0.5
    @Option(help: "Seconds an LLM answer takes.") var llmSeconds = 0.01
    @Option(help: "Generational mode: offspring per generation (the reference uses 8).") var offspring = 8
    @Option(help: "Folder of prompt templates.") var prompts = "prompts"
    @Option(help: "Random seed.") var seed: UInt64 = 1

    func run() throws {
        let library = try PromptLibrary(files: PromptFiles.read(directory: prompts))
        var output: [String: Any] = ["workers": workers, "budget": budget]
        for mode in EngineConfig.Mode.allCases {
            var config = EngineConfig()
            config.mode = mode
            config.evaluationBudget = budget
            config.offspringPerGeneration = offspring
            let result = try simulate(config: config, library: library)
            output[mode.rawValue] = [
                "busy_fraction": result.busy, "simulated_seconds": result.seconds, "evaluations": result.evaluations,
            ]
        }
        let data = try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    enum Event { case answer(LLMRequest), rephrased(RephraseRequest), evaluated(IndividualID, worker: Int) }

    func simulate(config: EngineConfig, library: PromptLibrary) throws -> (busy: Double, seconds: Double, evaluations: Int) {
        let seedGenome = Genome(source: "import torch\n# --OPTION--\nclass A:\n    width = 16\n# --OPTION--\nclass B:\n    depth = 3\n")
        var engine = try Engine(seed: seedGenome, config: config, rngSeed: seed)
        var durations = SeededRandom(seed: seed ^ 0x5EED)
        var events = SimulatedEvents<Event>()
        var now = 0.0, busy = 0.0
        var idle = Array(0..<workers)
        while !engine.isFinished {
            for command in engine.step(freeLLMSlots: 1_000, freeEvaluationSlots: idle.count, library: library) {
                switch command {
                case .generate(let request):
                    events.add(.answer(request), at: now + llmSeconds)
                case .rephrase(let request):
                    events.add(.rephrased(request), at: now + llmSeconds)
                case .evaluate(let id, _):
                    let worker = idle.removeFirst()
                    let duration = evaluationTime(&durations)
                    busy += duration
                    events.add(.evaluated(id, worker: worker), at: now + duration)
                }
            }
            guard let event = events.next() else { break }
            now = event.time
            switch event.kind {
            case .answer(let request):
                let base = engine.genome(of: request.child)
                let code = base.code(ofSegment: request.prompt.segment) + "\nTUNED_\(request.id) = 1"
                let child = base.replacingSegment(request.prompt.segment, with: code)
                _ = engine.receiveAnswer(requestID: request.id, outcome: .code(source: child.source, call: .none))
            case .rephrased(let request):
                let answer = "Work carefully. " + request.original.body
                _ = engine.receiveAnswer(requestID: request.id, outcome: .text(answer, call: .none))
            case .evaluated(let id, let worker):
                idle.append(worker)
                let hash = UInt64(engine.genome(of: id).fingerprint, radix: 16)!
                _ = engine.receiveEvaluation(of: id, outcome: .scored(objectives: [Double(hash % 1000) / 1000, Double(hash >> 54)], run: .none))
            }
        }
        return (busy / (Double(workers) * now), now, engine.evaluationsCompleted)
    }

    /// Log-normal with its median at the geometric middle of the range, clipped to it.
    func evaluationTime(_ rng: inout SeededRandom) -> Double {
        let median = (minSeconds * maxSeconds).squareRoot()
        let normal = (-2 * log(max(rng.unit(), 1e-12))).squareRoot() * cos(2 * .pi * rng.unit())
        return min(max(median * exp(0.6 * normal), minSeconds), maxSeconds)
    }
}
