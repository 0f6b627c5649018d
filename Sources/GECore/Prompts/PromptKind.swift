/// What a prompt template is for, and which placeholders it must use.
public enum PromptKind: String, Codable, Sendable, CaseIterable {
    /// Rewrite one segment following a fixed instruction.
    case mutation
    /// Evolution of Thought: learn from an elite's change, apply it elsewhere.
    case evolutionOfThought = "eot"
    /// Combine two parents' versions of one segment.
    case crossover
    /// Fix produced code against the seed's version of the segment.
    case repair
    /// Rephrase another template (prompt evolution).
    case rephrase
    /// The standing rules appended to every prompt that asks for code.
    case rules
    /// What every prompt that asks for code shows read-only before its task:
    /// the file's header (imports) and the note of the segment rewritten.
    case context

    /// The placeholders a template of this kind uses: each must appear at
    /// least once, and no other may appear.
    public var placeholders: Set<String> {
        switch self {
        case .mutation: ["code"]
        case .evolutionOfThought: ["elite_code", "seed_code", "code"]
        case .crossover: ["code_a", "code_b"]
        case .repair: ["code", "seed_code", "failure"]
        case .rephrase: ["template"]
        case .rules: []
        case .context: ["header", "notes"]
        }
    }

    /// Whether the LLM's answer to this kind of prompt is code.
    public var producesCode: Bool {
        switch self {
        case .mutation, .evolutionOfThought, .crossover, .repair: true
        case .rephrase, .rules, .context: false
        }
    }
}
