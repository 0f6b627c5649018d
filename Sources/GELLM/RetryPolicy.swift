import Foundation

/// How often and how patiently a failed request is retried.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts = 5
    /// Backoff before retry n (1-based) is up to `baseDelay · 2ⁿ⁻¹`, capped at
    /// `maxDelay`, with full jitter in its upper half.
    public var baseDelay = 1.0
    public var maxDelay = 60.0
    /// Waiting; replaced in tests.
    public var sleep: @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }

    public init() {}

    /// The wait before retry number `retry` (1-based) after `error`: a
    /// server's Retry-After is honoured (up to `maxDelay`), never shortened.
    public func delay(beforeRetry retry: Int, after error: ProviderError, random: inout some RandomNumberGenerator) -> Double {
        let backoff = min(baseDelay * pow(2, Double(retry - 1)), maxDelay) * Double.random(in: 0.5...1, using: &random)
        if case .rateLimited(let retryAfter?, _) = error {
            return max(min(retryAfter, maxDelay), backoff)
        }
        return backoff
    }

    /// Runs `attempt` until it succeeds, fails for good, or runs out of
    /// attempts or of time (`isCancelled`). Returns the value or the last
    /// error, and how many attempts were made.
    public func run<T>(
        isCancelled: () -> Bool = { false },
        _ attempt: () throws(ProviderError) -> T
    ) -> (result: Result<T, ProviderError>, attempts: Int) {
        var random = SystemRandomNumberGenerator()
        var made = 0
        while true {
            made += 1
            do {
                return (.success(try attempt()), made)
            } catch {
                guard error.isRetryable, made < maxAttempts, !isCancelled() else { return (.failure(error), made) }
                sleep(delay(beforeRetry: made, after: error, random: &random))
            }
        }
    }
}
