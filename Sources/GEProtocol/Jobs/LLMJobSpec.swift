import GECore

/// What an LLM worker is asked to do: send `prompt`, and make the child from
/// the answer with `Operators.child` — `baseSource` with segment `segment`
/// replaced by the answer's code — then check that the child compiles; or,
/// for a job that asks for text (prompt evolution), return the answer itself.
/// The worker answers with an `LLMOutcome`.
public struct LLMJobSpec: Codable, Sendable, Equatable {
    /// What the worker returns.
    public enum Answer: String, Codable, Sendable {
        /// The child file made from the answer's code (`LLMOutcome.code`).
        case code
        /// The answer's text, trimmed (`LLMOutcome.text`).
        case text
    }

    public var prompt: String
    public var sampling: Sampling
    public var answer: Answer
    /// The genome the answer's code goes into; for a text job, the text the
    /// answer rewords (the template rephrased).
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
        self.answer = .code
        self.baseSource = baseSource
        self.marker = marker
        self.segment = segment
        self.expectedNames = expectedNames
    }

    /// A job whose answer is text: `subject` reworded as `prompt` asks.
    public init(textPrompt prompt: String, subject: String, sampling: Sampling) {
        self.init(prompt: prompt, sampling: sampling, baseSource: subject, marker: "", segment: 0, expectedNames: [])
        answer = .text
    }

    /// Specs from daemons that predate text jobs have no `answer`: code.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        prompt = try container.decode(String.self, forKey: .prompt)
        sampling = try container.decode(Sampling.self, forKey: .sampling)
        answer = try container.decodeIfPresent(Answer.self, forKey: .answer) ?? .code
        baseSource = try container.decode(String.self, forKey: .baseSource)
        marker = try container.decode(String.self, forKey: .marker)
        segment = try container.decode(Int.self, forKey: .segment)
        expectedNames = try container.decode([String].self, forKey: .expectedNames)
    }
}
