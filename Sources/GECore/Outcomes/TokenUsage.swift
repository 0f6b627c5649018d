/// Tokens one LLM job consumed, summed over its HTTP requests, as the
/// provider reported them (OpenAI `usage`, Gemini `usageMetadata`).
public struct TokenUsage: Codable, Sendable, Equatable {
    /// Prompt tokens.
    public private(set) var input: Int
    /// Generated tokens.
    public private(set) var output: Int

    /// The most tokens one job may claim: a reply from a broken or hostile
    /// server cannot make the cost budget overflow or stop a run on its own.
    public static let limit = 100_000_000

    /// Reported counts, each kept within 0…`limit` (a negative or absurd
    /// count from a server counts as nothing, or as the limit).
    public init(input: Int, output: Int) {
        self.input = Self.clamped(input)
        self.output = Self.clamped(output)
    }

    /// Counts as a JSON decoder gives them (numbers of any type); anything
    /// that is not a finite number counts as 0.
    public init(reportedInput: Any?, reportedOutput: Any?) {
        self.init(input: Self.count(reportedInput), output: Self.count(reportedOutput))
    }

    public static func + (left: TokenUsage, right: TokenUsage) -> TokenUsage {
        TokenUsage(input: left.input + right.input, output: left.output + right.output)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(input: try container.decode(Int.self, forKey: .input), output: try container.decode(Int.self, forKey: .output))
    }

    private static func clamped(_ count: Int) -> Int {
        min(max(count, 0), limit)
    }

    private static func count(_ value: Any?) -> Int {
        switch value {
        case let number as Int: number
        case let number as Double where number.isFinite: Int(min(max(number, 0), Double(limit)))
        default: 0
        }
    }
}
