import Foundation
import GEBus
import GECore

/// A job the daemon hands to the bus, named so that its id alone says what
/// it is for: `r<request>` asks an LLM, `e<individual>` evaluates.
enum DaemonJob: Equatable {
    case generate(requestID: Int)
    case evaluate(IndividualID)

    init(_ command: EngineCommand) {
        switch command {
        case .generate(let request): self = .generate(requestID: request.id)
        case .evaluate(let id, _): self = .evaluate(id)
        }
    }

    /// Parses a job id; `nil` for ids the daemon never made.
    init?(id: String) {
        guard let number = Int(id.dropFirst()) else { return nil }
        switch id.first {
        case "r": self = .generate(requestID: number)
        case "e": self = .evaluate(number)
        default: return nil
        }
    }

    var id: String {
        switch self {
        case .generate(let request): "r\(request)"
        case .evaluate(let individual): "e\(individual)"
        }
    }

    var kind: WorkerKind {
        switch self {
        case .generate: .llm
        case .evaluate: .gpu
        }
    }

    /// The engine input for a worker's result payload.
    func input(for payload: Data) -> EngineInput {
        let decoder = JSONDecoder()
        switch self {
        case .generate:
            guard let outcome = try? decoder.decode(LLMJobOutcome.self, from: payload) else {
                return failure("the LLM worker sent an unreadable result")
            }
            if outcome.failure == nil, let code = outcome.code { return answer(.code(code)) }
            return failure("\(outcome.failure?.rawValue ?? "failed"): \(outcome.reason ?? "no reason given")")
        case .evaluate(let id):
            guard let outcome = try? decoder.decode(TrainingJobOutcome.self, from: payload) else {
                return failure("the GPU worker sent an unreadable result")
            }
            if outcome.failure == nil, let objectives = outcome.objectives {
                return .evaluation(id, .success(objectives: objectives))
            }
            return failure("\(outcome.failure?.rawValue ?? "failed"): \(outcome.reason ?? "no reason given")")
        }
    }

    /// The engine input for a job that produced no result.
    func failure(_ reason: String) -> EngineInput {
        switch self {
        case .generate: answer(.failure(reason: reason))
        case .evaluate(let id): .evaluation(id, .failure(reason: reason))
        }
    }

    private func answer(_ outcome: LLMOutcome) -> EngineInput {
        guard case .generate(let request) = self else { preconditionFailure("an evaluation has no LLM answer") }
        return .answer(requestID: request, outcome)
    }
}
