import Foundation
import GEBus
import GECore
import Synchronization

/// Runs LLM jobs: prompt → provider (with retries) → code extraction →
/// the child file → syntax check. Every outcome, failures included, is an
/// `LLMJobOutcome`; nothing throws past it.
public final class LLMJobExecutor: JobExecutor {
    private let provider: any LLMProvider
    private let retry: RetryPolicy
    private let syntax: SyntaxChecker
    private let cancelled = Mutex<Set<String>>([])
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
        cancelled.withLock { _ = $0.insert(jobID) }
    }

    public func execute(_ job: JobAssignment, progress: @escaping @Sendable (String) -> Void) -> Data {
        let outcome = run(job)
        cancelled.withLock { _ = $0.remove(job.id) }
        // An outcome is strings and numbers: encoding cannot fail.
        return try! JSONEncoder().encode(outcome)
    }

    func run(_ job: JobAssignment) -> LLMJobOutcome {
        let start = Date()
        func seconds() -> Double { Date().timeIntervalSince(start) }
        guard let spec = try? JSONDecoder().decode(LLMJobSpec.self, from: job.payload) else {
            return LLMJobOutcome(failure: .request, reason: "the job payload is not an LLM job", requests: 0, seconds: 0)
        }
        let base = Genome(source: spec.baseSource, marker: spec.marker)
        guard base.mutableSegmentIndices.contains(spec.segment) else {
            return LLMJobOutcome(
                failure: .request, reason: "segment \(spec.segment) does not exist in the base genome", requests: 0,
                seconds: 0)
        }
        let request = CompletionRequest(
            prompt: spec.prompt, sampling: spec.sampling, segmentCode: base.code(ofSegment: spec.segment))
        let (result, requests) = retry.run(isCancelled: { cancelled.withLock { $0.contains(job.id) } }) {
            () throws(ProviderError) in try provider.complete(request)
        }
        if cancelled.withLock({ $0.contains(job.id) }) {
            return LLMJobOutcome(failure: .cancelled, reason: "cancelled", requests: requests, seconds: seconds())
        }
        let answer: String
        switch result {
        case .failure(let error):
            log("job \(job.id): \(provider.name) failed after \(requests) request(s): \(error)")
            let kind: LLMJobOutcome.FailureKind
            switch error {
            case .contextLength: kind = .contextLength
            case .client: kind = .request
            default: kind = .unavailable
            }
            let suffix = error.isRetryable ? " (gave up after \(requests) attempts)" : ""
            return LLMJobOutcome(failure: kind, reason: "\(error)\(suffix)", requests: requests, seconds: seconds())
        case .success(let text):
            answer = text
        }
        switch CodeExtractor.extract(from: answer, expectedNames: spec.expectedNames) {
        case .failure(let failure):
            return LLMJobOutcome(answer: answer, failure: .noCode, reason: "\(failure)", requests: requests, seconds: seconds())
        case .success(let code):
            let child = base.replacingSegment(spec.segment, with: code)
            if let problem = syntax.check(child.source) {
                return LLMJobOutcome(
                    code: code, answer: answer, failure: .syntax, reason: "syntax error: \(problem)",
                    requests: requests, seconds: seconds())
            }
            return LLMJobOutcome(code: code, answer: answer, requests: requests, seconds: seconds())
        }
    }
}
