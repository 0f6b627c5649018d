import Foundation
@testable import GECore

/// Drives an engine with a fake LLM and fake trainers, completing outstanding
/// work in a random order, and records every input so a run can be replayed.
struct EngineSimulator {
    typealias Input = EngineInput

    var engine: Engine
    let library: PromptLibrary
    var rng: SeededRandom
    var llmSlots = 4
    var evaluationSlots = 2
    var llmFailureRate = 0.1
    /// Requests up to this id find the LLM unavailable (an outage).
    var outageUntilRequest = 0
    var unchangedAnswerRate = 0.05
    var evaluationFailureRate = 0.1
    /// The training seconds each evaluation reports, per epoch of its rung
    /// (one epoch per rung step: rung r trains r + 1 epochs).
    var secondsPerEpoch = 0.0
    private(set) var inputs: [Input] = []
    private(set) var openLLM: [LLMRequest] = []
    private(set) var openRephrasings: [RephraseRequest] = []
    /// Every rephrasing asked for, with the evaluations completed before it.
    private(set) var rephrasings: [(request: RephraseRequest, evaluationsBefore: Int)] = []
    /// Rephrasings answered without the `{{code}}` placeholder (rejected).
    var brokenRephrasingRate = 0.2
    /// Evaluation failures that look like a Python error (repairable).
    var evaluationFailureKind = Failure.Kind.shape
    private(set) var openEvaluations: [IndividualID] = []
    /// Every request with the number of successful evaluations before it.
    private(set) var requests: [(request: LLMRequest, successesBefore: Int, archiveWasEmpty: Bool, populationSize: Int)] = []
    private(set) var evaluationsDispatched: [IndividualID] = []
    /// The fingerprints of the genomes sent for evaluation, in order.
    private(set) var fingerprintsDispatched: [String] = []
    /// Steps that changed the engine without commands, and how many of them
    /// left its `stepMark` unchanged (which the daemon would not record).
    private(set) var silentChanges = 0
    private(set) var unmarkedChanges = 0
    /// Times the kept pipeline counts differed from a count of the individuals.
    private(set) var miscountedPipelines = 0
    /// Individuals seen without a genome while a decision may need it.
    private(set) var missingGenomes = 0
    /// Individuals seen with a genome no decision can need any more.
    private(set) var keptGenomes = 0
    /// Called after every evaluation result.
    var onEvaluation: (Engine, IndividualID) -> Void = { _, _ in }

    init(engine: Engine, library: PromptLibrary, driverSeed: UInt64) {
        self.engine = engine
        self.library = library
        self.rng = SeededRandom(seed: driverSeed)
    }

    /// Runs until the engine is finished; returns false if it got stuck.
    mutating func run(maxIterations: Int = 50_000) -> Bool {
        for _ in 0..<maxIterations {
            if engine.isFinished { return true }
            stepEngine()
            guard completeOne() else { return engine.isFinished }
        }
        return false
    }

    /// The share of turns that first step the engine with no free slot, as
    /// the daemon does on every reactor turn.
    var idleStepRate = 0.0

    mutating func stepEngine() {
        if idleStepRate > 0, rng.chance(idleStepRate) { step(.step(freeLLMSlots: 0, freeEvaluationSlots: 0)) }
        step(.step(freeLLMSlots: llmSlots - openLLM.count, freeEvaluationSlots: evaluationSlots - openEvaluations.count))
    }

    private mutating func step(_ input: Input) {
        inputs.append(input)
        guard case .step(let llm, let evaluation) = input else { return }
        let successes = engine.individuals.count { $0.fitness != nil }
        let archiveWasEmpty = engine.archive.isEmpty
        let populationSize = engine.population.count
        let before = engine, mark = engine.stepMark
        let commands = engine.step(freeLLMSlots: llm, freeEvaluationSlots: evaluation, library: library)
        if commands.isEmpty, engine != before {
            silentChanges += 1
            if engine.stepMark == mark { unmarkedChanges += 1 }
        }
        if engine.pipeline != PipelineCounts(counting: engine.individuals) { miscountedPipelines += 1 }
        let kept = engine.possibleParents
        for individual in engine.individuals {
            let needed = switch individual.status {
            case .breeding, .awaitingEvaluation, .evaluating: true
            case .evaluated: kept.contains(individual.id)
            case .rungScored: true
            case .failed, .duplicate: individual.id == 0
            }
            if needed, individual.genome == nil { missingGenomes += 1 }
            if !needed, individual.genome != nil { keptGenomes += 1 }
        }
        for command in commands {
            switch command {
            case .generate(let request):
                openLLM.append(request)
                requests.append((request, successes, archiveWasEmpty, populationSize))
            case .rephrase(let request):
                openRephrasings.append(request)
                rephrasings.append((request, engine.evaluationsCompleted))
            case .evaluate(let id, let genome):
                openEvaluations.append(id)
                evaluationsDispatched.append(id)
                fingerprintsDispatched.append(genome.fingerprint)
            }
        }
    }

    /// Completes one random outstanding job; false when there is none.
    mutating func completeOne() -> Bool {
        let total = openLLM.count + openRephrasings.count + openEvaluations.count
        guard total > 0 else { return false }
        var pick = Int.random(in: 0..<total, using: &rng)
        if pick >= openLLM.count, pick < openLLM.count + openRephrasings.count {
            let request = openRephrasings.remove(at: pick - openLLM.count)
            let body = rng.chance(brokenRephrasingRate)
                ? "Make it better." : "Please, with care: " + request.original.body
            let outcome = LLMOutcome.text(body, call: .none)
            inputs.append(.answer(requestID: request.id, outcome))
            _ = engine.receiveAnswer(requestID: request.id, outcome: outcome)
            return true
        }
        if pick >= openLLM.count { pick -= openRephrasings.count }
        if pick < openLLM.count {
            let request = openLLM.remove(at: pick)
            let outcome = answer(request)
            inputs.append(.answer(requestID: request.id, outcome))
            _ = engine.receiveAnswer(requestID: request.id, outcome: outcome)
        } else {
            let id = openEvaluations.remove(at: pick - openLLM.count)
            let outcome = evaluate(engine.genome(of: id), rung: engine.rung(of: id))
            inputs.append(.evaluation(id, outcome))
            _ = engine.receiveEvaluation(of: id, outcome: outcome)
            onEvaluation(engine, id)
        }
        return true
    }

    mutating func answer(_ request: LLMRequest) -> LLMOutcome {
        if request.id <= outageUntilRequest {
            return .failure(Failure(.unavailable, "HTTP 503 from the LLM server"), call: .none)
        }
        if rng.chance(llmFailureRate) {
            return .failure(Failure(.noCode, "the answer has no code block"), call: .none)
        }
        let base = engine.genome(of: request.child)
        var code = base.code(ofSegment: request.prompt.segment)
        if !rng.chance(unchangedAnswerRate) {
            code += "\nTUNED_\(request.id) = \(Int.random(in: 0..<1000, using: &rng))"
        }
        return workerOutcome(
            for: request, answer: "Here is the improved code:\n```python\n\(code)\n```\nIt should be better.", in: engine)
    }

    /// A deterministic score of `genome`; at a lower rung the accuracy is
    /// lower by 0.1 per rung below the top (its rank among children is kept).
    mutating func evaluate(_ genome: Genome, rung: Int = 0) -> EvaluationOutcome {
        let run = TrainingRun(phase: .train, seconds: secondsPerEpoch * Double(rung + 1))
        // The seed always trains: a failing seed stops a run at once.
        if genome != engine.seed, rng.chance(evaluationFailureRate) {
            return .failure(
                Failure(evaluationFailureKind, "RuntimeError: shape mismatch", excerpt: "Traceback (most recent call last):\nRuntimeError: shape mismatch"),
                run: run)
        }
        let hash = UInt64(genome.fingerprint, radix: 16)!
        let below = Double((engine.config.fidelity?.rungs ?? 1) - 1 - rung)
        return .scored(
            objectives: [0.5 + Double(hash % 1000) / 2000 - 0.1 * max(0, below), Double(genome.source.count + Int(hash >> 54))],
            run: run)
    }

    /// Feeds recorded inputs to an engine, as the daemon would after a restart.
    static func replay(_ inputs: some Sequence<Input>, into engine: inout Engine, library: PromptLibrary) {
        for input in inputs { _ = engine.apply(input, library: library) }
    }
}
