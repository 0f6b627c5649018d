/// A model a run may ask, as the operator lists it in `[llm] models`: its
/// name as the LLM workers serving it advertise it, and its prices.
public struct LLMModel: Codable, Sendable, Equatable {
    /// The model's name, e.g. `gpt-4o-mini` or `qwen2.5-coder:7b`; a job for
    /// it goes only to a worker that advertises this name.
    public var name: String
    /// Price per million prompt tokens, in the run's currency (0: free).
    public var inputPrice: Double
    /// Price per million generated tokens.
    public var outputPrice: Double

    public init(name: String, inputPrice: Double = 0, outputPrice: Double = 0) {
        self.name = name
        self.inputPrice = inputPrice
        self.outputPrice = outputPrice
    }

    /// What `usage` costs with this model.
    public func cost(of usage: TokenUsage) -> Double {
        (Double(usage.input) * inputPrice + Double(usage.output) * outputPrice) / 1_000_000
    }

    /// The longest model name taken (from the configuration or a worker).
    public static let maxNameLength = 200

    /// Why `name` cannot name a model, or `nil` when it can: a name is shown
    /// in tables and logs and matched byte for byte.
    public static func problem(withName name: String) -> String? {
        if name.isEmpty { return "a model name must not be empty" }
        if name.utf8.count > maxNameLength { return "a model name has at most \(maxNameLength) bytes, got \(name.utf8.count)" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " }) {
            return "a model name has no spaces or control characters, got \(String(reflecting: name))"
        }
        return nil
    }
}
