import GECore

/// What an LLM worker is asked to do: send `prompt`, and make the child from
/// the answer with `Operators.child` — `baseSource` with segment `segment`
/// replaced by the answer's code — then check that the child compiles.
/// The worker answers with an `LLMOutcome`.
public struct LLMJobSpec: Codable, Sendable, Equatable {
    public var prompt: String
    public var sampling: Sampling
    /// The genome the answer's code goes into.
    public var baseSource: String
    public var marker: String
    public var segment: Int
    /// Names the segment defines; the answer's block that defines them wins.
    public var expectedNames: [String]

    public init(
        prompt: String, sampling: Sampling, baseSource: String, marker: String, segment: Int, expectedNames: [String]
    ) {
        self.prompt = prompt
        self.sampling = sampling
        self.baseSource = baseSource
        self.marker = marker
        self.segment = segment
        self.expectedNames = expectedNames
    }
}
