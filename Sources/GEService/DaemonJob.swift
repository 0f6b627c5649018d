import Foundation
import GEBus
import GECore
import GEProtocol
import GEStore

/// A job the daemon hands to the bus, named so that its id alone says what
/// it is for: `r<request>` asks an LLM, `e<individual>` evaluates.
enum DaemonJob: Equatable {
    case generate(requestID: Int)
    case evaluate(IndividualID)

    init(_ command: EngineCommand) {
        switch command {
        case .generate(let request): self = .generate(requestID: request.id)
        case .rephrase(let request): self = .generate(requestID: request.id)
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
        case .evaluate(let id):
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
        case .evaluate(let id): .evaluation(id, .failure(failure, run: .none))
        }
    }
}
