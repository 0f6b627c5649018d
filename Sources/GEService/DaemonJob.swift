import Foundation
import GEBus
import GECore
import GEProtocol
import GEStore

/// A job the daemon hands to the bus, named so that its id alone says what
/// it is for: `r<request>` asks an LLM, `e<individual>` evaluates, and
/// `e<individual>@<rung>` evaluates at a fidelity rung above the lowest.
enum DaemonJob: Equatable {
    case generate(requestID: Int)
    case evaluate(IndividualID, rung: Int)

    /// The job for `command`; an evaluation's rung is the engine's.
    init(_ command: EngineCommand, engine: Engine) {
        switch command {
        case .generate(let request): self = .generate(requestID: request.id)
        case .rephrase(let request): self = .generate(requestID: request.id)
        case .evaluate(let id, _): self = .evaluate(id, rung: engine.rung(of: id))
        }
    }

    /// Parses a job id; `nil` for ids the daemon never made.
    init?(id: String) {
        let parts = id.dropFirst().split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard let number = Int(parts[0]), number >= 0 else { return nil }
        switch id.first {
        case "r" where parts.count == 1: self = .generate(requestID: number)
        case "e" where parts.count == 1: self = .evaluate(number, rung: 0)
        case "e":
            guard let rung = Int(parts[1]), (1..<EngineConfig.maxRungs).contains(rung) else { return nil }
            self = .evaluate(number, rung: rung)
        default: return nil
        }
    }

    var id: String {
        switch self {
        case .generate(let request): "r\(request)"
        case .evaluate(let individual, 0): "e\(individual)"
        case .evaluate(let individual, let rung): "e\(individual)@\(rung)"
        }
    }

    /// Whether the engine still waits for this job: an evaluation's result
    /// counts only at the rung it was asked for, so a late result from a
    /// lower rung cannot pass for a promoted child's.
    func isCurrent(in engine: Engine) -> Bool {
        switch self {
        case .generate: true
        case .evaluate(let id, let rung):
            engine.individuals.indices.contains(id) && engine.rung(of: id) == rung
        }
    }

    /// The job's kind as the store records it.
    var record: JobRecord.Kind {
        switch self {
        case .generate: .llm
        case .evaluate: .gpu
        }
    }

    var kind: WorkerKind {
        switch self {
        case .generate: .llm
        case .evaluate: .gpu
        }
    }

    /// The engine input for a worker's result payload: the outcome the
    /// worker sent, as it sent it, or `invalid_result` if it is unreadable.
    func input(for payload: Data) -> EngineInput {
        let decoder = JSONDecoder()
        switch self {
        case .generate(let request):
            guard let outcome = try? decoder.decode(LLMOutcome.self, from: payload) else {
                return failure(Failure(.invalidResult, "the LLM worker sent an unreadable result"))
            }
            return .answer(requestID: request, outcome)
        case .evaluate(let id, _):
            guard let outcome = try? decoder.decode(EvaluationOutcome.self, from: payload) else {
                return failure(Failure(.invalidResult, "the GPU worker sent an unreadable result"))
            }
            return .evaluation(id, outcome)
        }
    }

    /// The engine input for a job that produced no result.
    func failure(_ failure: Failure) -> EngineInput {
        switch self {
        case .generate(let request): .answer(requestID: request, .failure(failure, call: .none))
        case .evaluate(let id, _): .evaluation(id, .failure(failure, run: .none))
        }
    }
}
