import Foundation
import GECore

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

    public var provider: String { "openai" }

    public var endpoint: String { baseURL + "/chat/completions" }

    private var headers: [String] {
        apiKey.map { ["Authorization: Bearer \($0.value)"] } ?? []
    }

    /// What the server says about the model at start, for the log: `nil`
    /// when it lists the model, else one line saying what is wrong (the
    /// model missing from `GET /models`, or the listing failing).
    public func modelCheck() -> String? {
        let url = baseURL + "/models"
        let response: HTTPResponse
        do {
            response = try http.get(url: url, headers: headers)
        } catch {
            return "cannot list the models at \(url): \(error.providerError); is the server up, and does the base URL end in /v1?"
        }
        if let error = ProviderResponse.error(for: response) {
            return "cannot list the models at \(url): \(error)" + (LLMJobExecutor.fix(for: error).map { "; \($0)" } ?? "")
        }
        let listing = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        let models = (listing?["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        guard !models.isEmpty, !models.contains(model) else { return nil }
        let shown = models.prefix(5).joined(separator: ", ") + (models.count > 5 ? ", …" : "")
        return "the server at \(baseURL) does not list the model \(model) (it lists \(shown)); requests will likely fail with HTTP 404"
    }

    public func complete(_ request: CompletionRequest) throws(ProviderError) -> Completion {
        let object = try ProviderResponse.post(http, url: endpoint, headers: headers, body: [
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
        let usage = object["usage"] as? [String: Any]
        return Completion(
            text: content,
            usage: usage.map { TokenUsage(reportedInput: $0["prompt_tokens"], reportedOutput: $0["completion_tokens"]) })
    }
}
