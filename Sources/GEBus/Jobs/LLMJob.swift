import Foundation
import GECore

/// What an LLM worker is asked to do: send `prompt`, take the code from the
/// answer, put it into segment `segment` of `baseSource`, and check that the
/// resulting file compiles.
public struct LLMJobSpec: Codable, Sendable, Equatable {
    public var prompt: String
    public var sampling: Sampling
    /// The genome the answer's code goes into.
    public var baseSource: String
    public var marker: String
    public var segment: Int
    /// Names the segment defines; the answer's block that defines them wins.
    public var expectedNames: [String]

    public init(
        prompt: String, sampling: Sampling, baseSource: String, marker: String, segment: Int, expectedNames: [String]
    ) {
        self.prompt = prompt
        self.sampling = sampling
        self.baseSource = baseSource
        self.marker = marker
        self.segment = segment
        self.expectedNames = expectedNames
    }
}

/// What an LLM worker reports for a job.
public struct LLMJobOutcome: Codable, Sendable, Equatable {
    /// Why a job produced no usable code.
    public enum FailureKind: String, Codable, Sendable {
        /// The provider refused the request (4xx other than 429), or the job was malformed.
        case request
        /// Rate limits, server errors, timeouts or broken replies outlasted the retries.
        case unavailable
        /// The prompt does not fit the model's context.
        case contextLength = "context_length"
        /// The answer has no code block.
        case noCode = "no_code"
        /// The code does not compile.
        case syntax
        /// The job was cancelled.
        case cancelled
    }

    /// The extracted code of the segment, when the job succeeded.
    public var code: String?
    /// The LLM's whole answer, when one arrived.
    public var answer: String?
    public var failure: FailureKind?
    /// One line: what went wrong.
    public var reason: String?
    /// HTTP requests made, retries included.
    public var requests: Int
    public var seconds: Double

    public init(
        code: String? = nil, answer: String? = nil, failure: FailureKind? = nil, reason: String? = nil,
        requests: Int, seconds: Double
    ) {
        self.code = code
        self.answer = answer
        self.failure = failure
        self.reason = reason
        self.requests = requests
        self.seconds = seconds
    }
}
