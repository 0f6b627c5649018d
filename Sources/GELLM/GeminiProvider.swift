import Foundation
import GECore

/// Google's Gemini `generateContent`.
public struct GeminiProvider: LLMProvider {
    /// The API base, by default Google's endpoint.
    public let baseURL: String
    public let model: String
    private let apiKey: APIKey
    private let http: HTTPClient

    public init(
        model: String, apiKey: APIKey, baseURL: String = "https://generativelanguage.googleapis.com",
        http: HTTPClient = HTTPClient()
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.model = model
        self.apiKey = apiKey
        self.http = http
    }

    public var provider: String { "gemini" }

    public var endpoint: String { "\(baseURL)/v1beta/models/\(model):generateContent" }

    public func complete(_ request: CompletionRequest) throws(ProviderError) -> Completion {
        let url = "\(baseURL)/v1beta/models/\(model):generateContent"
        let object = try ProviderResponse.post(http, url: url, headers: ["x-goog-api-key: \(apiKey.value)"], body: [
            "contents": [["role": "user", "parts": [["text": request.prompt]]]],
            "generationConfig": [
                "temperature": request.sampling.temperature,
                "topP": request.sampling.topP,
                "maxOutputTokens": request.sampling.maxTokens,
            ],
        ])
        guard let candidates = object["candidates"] as? [[String: Any]], let first = candidates.first,
            let content = first["content"] as? [String: Any], let parts = content["parts"] as? [[String: Any]]
        else {
            let reason = (object["promptFeedback"] as? [String: Any])?["blockReason"] as? String
            throw .malformedResponse(reason.map { "prompt blocked: \($0)" }
                ?? "no candidates[0].content.parts in \(ProviderResponse.snippet(object))")
        }
        return Completion(text: parts.compactMap { $0["text"] as? String }.joined(), usage: Self.usage(in: object))
    }

    /// `usageMetadata`: prompt tokens, and candidate tokens plus a thinking
    /// model's thought tokens (billed as output).
    static func usage(in object: [String: Any]) -> TokenUsage? {
        guard let metadata = object["usageMetadata"] as? [String: Any] else { return nil }
        let candidates = TokenUsage(reportedInput: metadata["promptTokenCount"], reportedOutput: metadata["candidatesTokenCount"])
        let thoughts = TokenUsage(reportedInput: nil, reportedOutput: metadata["thoughtsTokenCount"])
        return candidates + thoughts
    }
}
