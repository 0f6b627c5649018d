import Foundation

/// Turning HTTP replies of LLM servers into answers or classified errors.
///
/// Servers differ: OpenAI answers 400 with `context_length_exceeded`,
/// llama.cpp answers 500 (sometimes `text/plain`) to malformed requests,
/// Gemini says `RESOURCE_EXHAUSTED` on 429. This is the one place that knows.
enum ProviderResponse {
    /// Posts a JSON request and returns the reply's JSON object, or the
    /// classified error: what every provider does before reading its answer.
    static func post(
        _ http: HTTPClient, url: String, headers: [String], body: [String: Any]
    ) throws(ProviderError) -> [String: Any] {
        let response: HTTPResponse
        do {
            response = try http.post(url: url, headers: ["Content-Type: application/json"] + headers, body: encode(body))
        } catch {
            throw error.providerError
        }
        if let error = error(for: response) { throw error }
        return try json(response.body)
    }

    /// The error for a non-2xx reply, or `nil` for success.
    static func error(for response: HTTPResponse) -> ProviderError? {
        guard !(200..<300).contains(response.status) else { return nil }
        let message = errorMessage(in: response.body)
        if mentionsContextLength(message) || mentionsContextLength(String(decoding: response.body.prefix(4096), as: UTF8.self)) {
            return .contextLength(message)
        }
        switch response.status {
        case 429: return .rateLimited(retryAfter: response.retryAfter, message: message)
        case 500..<600: return .server(status: response.status, message: message)
        default: return .client(status: response.status, message: message)
        }
    }

    /// The JSON object of a successful reply.
    static func json(_ body: Data) throws(ProviderError) -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw .malformedResponse("not a JSON object: \(snippet(body))")
        }
        return object
    }

    /// The server's own words: `error.message`, `error` as text, or the body.
    static func errorMessage(in body: Data) -> String {
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            if let error = object["error"] as? [String: Any], let message = error["message"] as? String {
                let code = (error["code"] as? String).map { " (\($0))" } ?? ""
                return oneLine(message + code)
            }
            if let message = object["error"] as? String { return oneLine(message) }
            if let message = object["message"] as? String { return oneLine(message) }
        }
        return snippet(body)
    }

    static func mentionsContextLength(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return ["context_length_exceeded", "context length", "maximum context", "context window",
                "exceeds the maximum number of tokens", "too many tokens", "exceed_context_size"]
            .contains { lowered.contains($0) }
    }

    /// The start of a JSON object, for messages about what it lacks.
    static func snippet(_ object: [String: Any]) -> String {
        snippet(encode(object))
    }

    static func snippet(_ body: Data) -> String {
        let text = oneLine(String(decoding: body.prefix(300), as: UTF8.self))
        return text.isEmpty ? "(empty body)" : text
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    static func encode(_ object: [String: Any]) -> Data {
        // Only strings, numbers, arrays and dictionaries go in: always valid JSON.
        (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
    }
}

extension HTTPError {
    var providerError: ProviderError {
        switch self {
        case .timeout(let detail): .timeout(detail)
        case .transport(let detail): .transport(detail)
        }
    }
}
