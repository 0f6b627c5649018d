import Foundation
import GEBus
import GECore
import GEProtocol
import Synchronization

/// Runs LLM jobs: prompt → provider (with retries) → code extraction →
/// the child file → syntax check. Every outcome, failures included, is an
/// `LLMOutcome`; nothing throws past it.
public final class LLMJobExecutor: JobExecutor {
    private let provider: any LLMProvider
    private let retry: RetryPolicy
    private let syntax: SyntaxChecker
    private let cancellations = JobCancellations()
    private let log: @Sendable (String) -> Void

    public init(
        provider: any LLMProvider, retry: RetryPolicy = RetryPolicy(), syntax: SyntaxChecker = SyntaxChecker(),
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.provider = provider
        self.retry = retry
        self.syntax = syntax
        self.log = log
    }

    public func cancel(jobID: String) {
        cancellations.cancel(jobID)
    }

    public func execute(_ job: JobAssignment, progress: @escaping @Sendable (String) -> Void) -> Data {
        cancellations.begin(job.id)
        let outcome = run(job)
        cancellations.end(job.id)
        // An outcome is strings and numbers: encoding cannot fail.
        return try! JSONEncoder().encode(outcome)
    }

    /// What the operator can do about a failure that will not pass by itself.
    static func fix(for error: ProviderError) -> String? {
        switch error {
        case .client(let status, _) where status == 401 || status == 403:
            "check the API key (ge-llm-worker --api-key-env or --api-key-file)"
        case .client(404, _):
            "does the base URL end in /v1, and does the server serve this model?"
        case .client:
            "the server refused the request: check the model name and the worker's options"
        case .contextLength:
            "use a model with a longer context, or lower variation.max_tokens"
        default:
            nil
        }
    }

    func run(_ job: JobAssignment) -> LLMOutcome {
        let start = Date()
        var usage: TokenUsage?
        func call(_ requests: Int, answer: String? = nil) -> LLMCall {
            LLMCall(
                requests: requests, seconds: Date().timeIntervalSince(start), answer: answer, model: provider.model,
                usage: usage)
        }
        guard let spec = try? JSONDecoder().decode(LLMJobSpec.self, from: job.payload) else {
            return .failure(Failure(.request, "the job payload is not an LLM job"), call: call(0))
        }
        let base = Genome(source: spec.baseSource, marker: spec.marker)
        guard spec.answer == .text || base.mutableSegmentIndices.contains(spec.segment) else {
            return .failure(Failure(.request, "segment \(spec.segment) does not exist in the base genome"), call: call(0))
        }
        let request = CompletionRequest(
            prompt: spec.prompt, sampling: spec.sampling,
            subject: spec.answer == .text ? spec.baseSource : base.code(ofSegment: spec.segment),
            wantsText: spec.answer == .text)
        let (result, requests) = retry.run(isCancelled: { cancellations.isCancelled(job.id) }) {
            () throws(ProviderError) in try provider.complete(request)
        }
        if cancellations.isCancelled(job.id) {
            return .failure(Failure(.cancelled, "cancelled"), call: call(requests))
        }
        let answer: String
        switch result {
        case .failure(let error):
            log("job \(job.id): \(provider.name) failed after \(requests) request(s): \(error)")
            let kind: Failure.Kind = switch error {
            case .contextLength: .contextLength
            case .client: .request
            default: .unavailable
            }
            let suffix = error.isRetryable ? " (gave up after \(requests) attempts)" : ""
            let reason = "\(error) from \(provider.endpoint)\(suffix)" + (Self.fix(for: error).map { "; \($0)" } ?? "")
            return .failure(Failure(kind, reason), call: call(requests))
        case .success(let completion):
            answer = completion.text
            usage = completion.usage
        }
        if spec.answer == .text {
            let trimmed = answer.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else {
                return .failure(Failure(.noCode, "the answer is empty"), call: call(requests, answer: answer))
            }
            return .text(trimmed, call: call(requests, answer: answer))
        }
        switch Operators.child(of: base, segment: spec.segment, answer: answer, expectedNames: spec.expectedNames) {
        case .failure(let failure):
            return .failure(Failure(.noCode, "\(failure)"), call: call(requests, answer: answer))
        case .success(let child):
            if let problem = syntax.check(child.source) {
                return .failure(
                    Failure(.syntax, "syntax error: \(problem)"), call: call(requests, answer: answer))
            }
            return .code(source: child.source, call: call(requests, answer: answer))
        }
    }
}
