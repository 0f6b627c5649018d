import Foundation
import GEBus
import GECore
@testable import GELLM
import GEProtocol
import Synchronization
import Testing

@Suite(.serialized) struct LLMJobExecutorTests {
    let server: FakeLLMServer
    let base = "import math\n# --OPTION--\nclass A:\n    x = 1\n"

    init() throws {
        server = try FakeLLMServer()
    }

    func spec() -> LLMJobSpec {
        LLMJobSpec(
            prompt: "Improve this:\n```python\nclass A:\n    x = 1\n```",
            sampling: Sampling(temperature: 0.2, topP: 0.1, maxTokens: 700), baseSource: base,
            marker: Genome.defaultMarker, segment: 1, expectedNames: ["A"])
    }

    /// Runs one job against the fake server with the given model; records waits.
    func run(model: String, timeout: Double = 5, key: APIKey? = APIKey("secret"))
        -> (outcome: LLMOutcome, waits: [Double])
    {
        let waits = Mutex<[Double]>([])
        var retry = RetryPolicy()
        retry.maxAttempts = 3
        retry.baseDelay = 0.01
        retry.sleep = { delay in waits.withLock { $0.append(delay) } }
        let provider = OpenAIProvider(
            baseURL: server.baseURL, model: model, apiKey: key, http: HTTPClient(connectTimeout: 2, totalTimeout: timeout))
        let executor = LLMJobExecutor(provider: provider, retry: retry)
        let payload = try! JSONEncoder().encode(spec())
        let data = executor.execute(JobAssignment(id: "j", kind: .llm, attempt: 1, lease: "l", payload: payload)) { _ in }
        return (try! JSONDecoder().decode(LLMOutcome.self, from: data), waits.withLock { $0 })
    }

    @Test func successReturnsTheExtractedCodeAndSendsTheSampling() throws {
        let (outcome, waits) = run(model: "ok")
        #expect(outcome.failed == nil)
        #expect(outcome.source == "import math\n# --OPTION--\nclass A:\n    x = 2\n", "the worker sends the whole child file")
        #expect(outcome.call.requests == 1 && waits.isEmpty)
        #expect(outcome.call.model == "ok")
        #expect(outcome.call.usage == TokenUsage(input: 120, output: 40), "OpenAI's usage is reported")
        let request = try #require(try server.requests().last)
        #expect(request["authorization"] as? String == "Bearer secret")
        let body = try #require(request["body"] as? [String: Any])
        #expect(body["max_tokens"] as? Int == 700)
        #expect(body["temperature"] as? Double == 0.2)
        #expect(body["top_p"] as? Double == 0.1)
        #expect((body["messages"] as? [[String: Any]])?.first?["content"] as? String == spec().prompt)
    }

    @Test func rateLimitIsRetriedAfterTheServersRetryAfter() {
        let (outcome, waits) = run(model: "ratelimit")
        #expect(outcome.failed == nil)
        #expect(outcome.call.requests == 2)
        #expect(waits.count == 1 && waits[0] >= 1.0, "waited \(waits)")
    }

    @Test func serverErrorThenSuccessIsRetriedWithBackoff() {
        let (outcome, waits) = run(model: "flaky")
        #expect(outcome.failed == nil && outcome.call.requests == 2)
        #expect(waits.count == 1 && waits[0] <= 0.01)
    }

    @Test func aServerThatStaysDownFailsAfterTheLastAttempt() {
        let (outcome, waits) = run(model: "down")
        #expect(outcome.failed?.kind == .unavailable)
        #expect(outcome.call.requests == 3 && waits.count == 2)
        #expect(waits[1] > waits[0] * 0.9, "backoff grows: \(waits)")
        #expect(outcome.failed?.reason == "server error (HTTP 503): overloaded from \(server.baseURL)/chat/completions (gave up after 3 attempts)")
    }

    @Test func timeoutsAreRetriedThenReported() {
        let start = Date()
        let (outcome, _) = run(model: "slow", timeout: 0.3)
        #expect(outcome.failed?.kind == .unavailable)
        #expect(outcome.failed?.reason.hasPrefix("timed out") == true)
        #expect(outcome.call.requests == 3)
        #expect(Date().timeIntervalSince(start) < 15, "three 0.3 s timeouts, not the default timeout")
    }

    @Test func garbageJSONIsAClearFailure() {
        let (outcome, _) = run(model: "garbage")
        #expect(outcome.failed?.kind == .unavailable)
        #expect(outcome.failed?.reason.contains("not a JSON object: <html>oops</html>") == true)
    }

    @Test func anAnswerWithoutCodeFailsAtOnce() {
        let (outcome, waits) = run(model: "nocode")
        #expect(outcome.failed?.kind == .noCode && waits.isEmpty)
        #expect(outcome.call.answer == "I would increase x to 2.", "the answer is kept as evidence")
    }

    @Test func codeWithASyntaxErrorIsReportedWithTheCompilerMessage() {
        let (outcome, _) = run(model: "syntax")
        #expect(outcome.failed?.kind == .syntax)
        #expect(outcome.failed?.reason.contains("SyntaxError") == true, "\(outcome.failed?.reason ?? "")")
        #expect(outcome.failed?.reason.contains("variant.py") == true)
    }

    @Test func contextLengthFailsAtOnceWithAClearReason() {
        let (outcome, waits) = run(model: "context")
        #expect(outcome.failed?.kind == .contextLength && waits.isEmpty && outcome.call.requests == 1)
        #expect(outcome.failed?.reason == "prompt exceeds the model's context length: This model's maximum context length is 4096 tokens. (context_length_exceeded) from \(server.baseURL)/chat/completions; use a model with a longer context, or lower variation.max_tokens")
    }

    @Test func otherClientErrorsFailAtOnceWithTheServersMessage() {
        let (outcome, waits) = run(model: "forbidden", key: nil)
        #expect(outcome.failed?.kind == .request && waits.isEmpty)
        #expect(outcome.failed?.reason == "request refused (HTTP 401): Invalid API key provided from \(server.baseURL)/chat/completions; check the API key (ge-llm-worker --api-key-env or --api-key-file)")
    }

    @Test func geminiSendsItsFormatAndKeyHeader() throws {
        let provider = GeminiProvider(
            model: "gemini-test", apiKey: APIKey("gkey"), baseURL: "http://127.0.0.1:\(server.port)",
            http: HTTPClient(connectTimeout: 2, totalTimeout: 5))
        let answer = try provider.complete(CompletionRequest(prompt: "hi", sampling: spec().sampling, subject: ""))
        #expect(answer.text.contains("class A:"))
        #expect(answer.usage == TokenUsage(input: 90, output: 42), "usageMetadata: thoughts count as output")
        let request = try #require(try server.requests().last)
        #expect(request["path"] as? String == "/v1beta/models/gemini-test:generateContent")
        #expect(request["goog_key"] as? String == "gkey")
        let config = (request["body"] as? [String: Any])?["generationConfig"] as? [String: Any]
        #expect(config?["maxOutputTokens"] as? Int == 700)
    }

    @Test func usageIsOnlyWhatTheServerSaysWithinBounds() {
        #expect(run(model: "no-usage").outcome.call.usage == nil)
        #expect(run(model: "hostile-usage").outcome.call.usage == TokenUsage(input: 0, output: TokenUsage.limit))
        // A retried job counts the attempt that answered.
        let retried = run(model: "ratelimit").outcome.call
        #expect(retried.requests == 2 && retried.usage == TokenUsage(input: 120, output: 40))
    }

    @Test func connectionRefusedIsATransportError() {
        let provider = OpenAIProvider(baseURL: "http://127.0.0.1:1/v1", model: "x", apiKey: nil, http: HTTPClient(connectTimeout: 1, totalTimeout: 2))
        #expect(throws: ProviderError.self) {
            try provider.complete(CompletionRequest(prompt: "hi", sampling: spec().sampling, subject: ""))
        }
    }
}

@Suite struct BaselineAndKeysTests {
    @Test func baselineEditsTheSegmentDeterministically() throws {
        let request = CompletionRequest(
            prompt: "p", sampling: Sampling(temperature: 0.3, topP: 0.1, maxTokens: 800),
            subject: "class B(nn.Module):\n    def __init__(self):\n        self.a = nn.ReLU()\n        self.c = nn.Conv2d(16, 32, 3)\n")
        let first = try BaselineProvider().complete(request)
        #expect(first == (try BaselineProvider().complete(request)))
        #expect(first.usage == TokenUsage(input: 0, output: first.text.utf8.count / 4), "an estimate, four bytes a token")
        let code = try CodeExtractor.extract(from: first.text, expectedNames: ["B"]).get()
        #expect(code.hasPrefix("class B(nn.Module):"))
        #expect(code != request.subject.trimmingCharacters(in: .newlines))
        var other = request
        other.prompt = "q"
        #expect((try BaselineProvider().complete(other)) != first)
    }

    @Test func retryAfterIsHonouredButCapped() {
        var policy = RetryPolicy()
        policy.maxDelay = 10
        var random = SystemRandomNumberGenerator()
        #expect(policy.delay(beforeRetry: 1, after: .rateLimited(retryAfter: 7, message: ""), random: &random) >= 7)
        #expect(policy.delay(beforeRetry: 1, after: .rateLimited(retryAfter: 500, message: ""), random: &random) == 10)
        let backoff = (1...6).map { policy.delay(beforeRetry: $0, after: .timeout(""), random: &random) }
        #expect(backoff.allSatisfy { $0 <= 10 })
        #expect(backoff[4] >= 5, "the fifth retry waits at least half of min(16, 10)")
    }

    @Test func keysComeFromTheEnvironmentOrAFileAndNeverShow() throws {
        setenv("GE_TEST_KEY", "  sk-test  ", 1)
        let key = try APIKey.fromEnvironment("GE_TEST_KEY")
        #expect(key.value == "sk-test")
        #expect("\(key)" == "APIKey(redacted)")
        #expect(throws: APIKeyError.missingVariable("GE_NO_SUCH_KEY")) { try APIKey.fromEnvironment("GE_NO_SUCH_KEY") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString)")
        try "sk-file\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try APIKey.fromFile(file.path).value == "sk-file")
        #expect(throws: APIKeyError.unreadableFile("/nonexistent/key")) { try APIKey.fromFile("/nonexistent/key") }
    }
}
