import ArgumentParser
import Foundation
import GEBus
import GECore
import GECLI
import Logging
import GELLM

@main
struct LLMWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ge-llm-worker",
        abstract: "Turn the daemon's mutation and crossover prompts into code by calling an LLM.",
        discussion: """
            Connects to ged, takes prompt jobs, asks the LLM (several requests at once), extracts the code \
            from each answer, checks that the resulting file compiles, and returns it.

            Providers: `openai` speaks the OpenAI chat-completions API (OpenAI, vLLM, Ollama, llama.cpp \
            server: give --base-url, e.g. http://localhost:8000/v1); `gemini` speaks Google's \
            generateContent; `baseline` uses no LLM at all and makes small random edits (offline runs, \
            tests, and the "does the LLM beat random mutation?" ablation).

            The API key is read from the environment variable named by --api-key-env (default \
            GE_LLM_API_KEY) or from --api-key-file (a relative path is looked up in systemd's \
            $CREDENTIALS_DIRECTORY). It is never logged.
            """
    )

    enum Provider: String, ExpressibleByArgument, CaseIterable {
        case openai, gemini, baseline
    }

    @OptionGroup var connection: WorkerConnectionOptions

    @Option(help: "Which API to call.")
    var provider: Provider = .openai

    @Option(help: "The API base URL (default: $GE_LLM_URL; Gemini: Google's endpoint).")
    var baseURL: String?

    @Option(help: "The model name (default: $GE_LLM_MODEL; baseline: \"baseline\"). The worker advertises it, and the daemon sends it the requests for this model of its [llm] models.")
    var model: String?

    @Option(help: "Environment variable holding the API key.")
    var apiKeyEnv = "GE_LLM_API_KEY"

    @Option(help: "File holding the API key (overrides --api-key-env).")
    var apiKeyFile: String?

    @Option(help: "Requests in flight at once.")
    var concurrency = 4

    @Option(help: "Seconds to wait for a connection to the LLM server.")
    var connectTimeout = 10.0

    @Option(help: "Seconds one request may take in all.")
    var timeout = 300.0

    @Option(help: "Attempts per job on timeouts, HTTP 429 and 5xx (with exponential backoff and jitter).")
    var maxAttempts = 5

    @Option(help: "The Python interpreter for the syntax check.")
    var python = "python3"

    @Option(help: "With --provider baseline: seconds each answer takes, to rehearse a slow LLM.")
    var baselineLatency = 0.0

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1") }
        guard timeout > 0, connectTimeout > 0 else { throw ValidationError("timeouts must be positive") }
        guard (0...3600).contains(baselineLatency) else { throw ValidationError("--baseline-latency must be 0…3600 seconds") }
    }

    /// The process's log (standard error, see `StandardErrorLogHandler`).
    var logger: Logger { Logger(label: "ge-llm-worker") }

    func run() throws {
        StandardErrorLogHandler.bootstrap()
        if try connection.generateKeysIfAsked() { return }
        let llm = try makeProvider()
        if let problem = LLMModel.problem(withName: llm.model) {
            throw ValidationError("--model: \(problem)")
        }
        if let openAI = llm as? OpenAIProvider, let problem = openAI.modelCheck() {
            logger.line("warning: " + problem)
        }
        var retry = RetryPolicy()
        retry.maxAttempts = maxAttempts
        let executor = LLMJobExecutor(
            provider: llm, retry: retry, syntax: SyntaxChecker(python: python), log: logger.line)
        let config = try connection.workerConfig(
            kind: .llm, defaultName: "llm", capabilities: WorkerCapabilities(
                slots: concurrency, provider: llm.provider, model: llm.model))
        let client = try WorkerClient(context: ZMQContext(), config: config, executor: executor, log: logger.line)
        let control = client.control
        let signals = TerminationSignals { _ in control.stop() }
        logger.line("ge-llm-worker \(config.hello.name): \(llm.name), \(concurrency) at once, connecting to \(connection.connect)")
        try client.run()
        withExtendedLifetime(signals) {}
    }

    func makeProvider() throws -> any LLMProvider {
        let environment = ProcessInfo.processInfo.environment
        let http = HTTPClient(connectTimeout: connectTimeout, totalTimeout: timeout)
        switch provider {
        case .baseline:
            return BaselineProvider(latency: baselineLatency, model: model ?? "baseline")
        case .openai:
            guard let url = baseURL ?? environment["GE_LLM_URL"] else {
                throw ValidationError("the openai provider needs --base-url or $GE_LLM_URL, e.g. http://localhost:8000/v1")
            }
            guard let model = model ?? environment["GE_LLM_MODEL"] else {
                throw ValidationError("the openai provider needs --model or $GE_LLM_MODEL")
            }
            return OpenAIProvider(baseURL: url, model: model, apiKey: try optionalKey(), http: http)
        case .gemini:
            guard let model = model ?? environment["GE_LLM_MODEL"] else {
                throw ValidationError("the gemini provider needs --model or $GE_LLM_MODEL, e.g. gemini-1.5-flash")
            }
            guard let key = try optionalKey() else {
                throw ValidationError("the gemini provider needs an API key in $\(apiKeyEnv) or --api-key-file")
            }
            return GeminiProvider(
                model: model, apiKey: key, baseURL: baseURL ?? "https://generativelanguage.googleapis.com", http: http)
        }
    }

    /// The key if one is configured; local servers need none.
    func optionalKey() throws -> APIKey? {
        if let apiKeyFile { return try APIKey.fromFile(apiKeyFile) }
        return try? APIKey.fromEnvironment(apiKeyEnv)
    }
}
