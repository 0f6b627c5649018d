import Foundation

/// OpenAI-compatible `/chat/completions`: OpenAI, vLLM, Ollama, llama.cpp server.
public struct OpenAIProvider: LLMProvider {
    /// The API base, e.g. `http://localhost:8000/v1`.
    public let baseURL: String
    public let model: String
    private let apiKey: APIKey?
    private let http: HTTPClient

    public init(baseURL: String, model: String, apiKey: APIKey?, http: HTTPClient = HTTPClient()) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.model = model
        self.apiKey = apiKey
        self.http = http
    }

    public var name: String { "openai:\(model)" }

    public var endpoint: String { baseURL + "/chat/completions" }

    public func complete(_ request: CompletionRequest) throws(ProviderError) -> String {
        var headers: [String] = []
        if let apiKey { headers.append("Authorization: Bearer \(apiKey.value)") }
        let object = try ProviderResponse.post(http, url: baseURL + "/chat/completions", headers: headers, body: [
            "model": model,
            "messages": [["role": "user", "content": request.prompt]],
            "temperature": request.sampling.temperature,
            "top_p": request.sampling.topP,
            // Without a limit llama.cpp generates until the context is full.
            "max_tokens": request.sampling.maxTokens,
            "stream": false,
        ])
        guard let choices = object["choices"] as? [[String: Any]], let first = choices.first,
            let message = first["message"] as? [String: Any], let content = message["content"] as? String
        else {
            throw .malformedResponse("no choices[0].message.content in \(ProviderResponse.snippet(object))")
        }
        return content
    }
}
