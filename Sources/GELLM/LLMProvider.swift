import Foundation
import GECore

/// One completion request, as every provider sees it.
public struct CompletionRequest: Sendable, Equatable {
    public var prompt: String
    public var sampling: Sampling
    /// The code being rewritten, or for a text request the text being
    /// reworded; only the `baseline` provider, which has no LLM, looks at it.
    public var subject: String
    /// Whether the answer is text rather than code.
    public var wantsText: Bool

    public init(prompt: String, sampling: Sampling, subject: String, wantsText: Bool = false) {
        self.prompt = prompt
        self.sampling = sampling
        self.subject = subject
        self.wantsText = wantsText
    }
}

/// One answer: its text, and the tokens the provider says it used.
public struct Completion: Sendable, Equatable {
    public var text: String
    /// `nil` when the reply carried no usage.
    public var usage: TokenUsage?

    public init(text: String, usage: TokenUsage? = nil) {
        self.text = text
        self.usage = usage
    }
}

/// Something that answers prompts.
public protocol LLMProvider: Sendable {
    /// The kind of server it calls: `openai`, `gemini` or `baseline`.
    var provider: String { get }

    /// The model it asks, as the daemon's `[llm] models` names it.
    var model: String { get }

    /// Where requests go, for messages that tell the operator what to fix
    /// (never the key).
    var endpoint: String { get }

    /// One attempt; retries are the caller's.
    func complete(_ request: CompletionRequest) throws(ProviderError) -> Completion
}

extension LLMProvider {
    /// A name for logs, e.g. `openai:qwen2.5-coder` (never the key).
    public var name: String { "\(provider):\(model)" }
}

/// Why one attempt produced no answer, classified for the retry policy.
public enum ProviderError: Error, Equatable, CustomStringConvertible {
    /// HTTP 429: retry after the server's Retry-After, if it gave one.
    case rateLimited(retryAfter: Double?, message: String)
    /// HTTP 5xx: retry.
    case server(status: Int, message: String)
    /// A reply that is not the expected JSON: retry.
    case malformedResponse(String)
    case timeout(String)
    case transport(String)
    /// Any other 4xx: do not retry.
    case client(status: Int, message: String)
    /// The prompt is longer than the model's context: do not retry.
    case contextLength(String)

    /// Whether another attempt may succeed.
    public var isRetryable: Bool {
        switch self {
        case .rateLimited, .server, .malformedResponse, .timeout, .transport: true
        case .client, .contextLength: false
        }
    }

    public var description: String {
        switch self {
        case .rateLimited(_, let message): "rate limited (HTTP 429): \(message)"
        case .server(let status, let message): "server error (HTTP \(status)): \(message)"
        case .malformedResponse(let detail): "unexpected reply: \(detail)"
        case .timeout(let detail): "timed out: \(detail)"
        case .transport(let detail): "connection failed: \(detail)"
        case .client(let status, let message): "request refused (HTTP \(status)): \(message)"
        case .contextLength(let message): "prompt exceeds the model's context length: \(message)"
        }
    }
}
