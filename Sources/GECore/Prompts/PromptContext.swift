/// What a code-producing prompt shows the LLM read-only: the file's header
/// (imports, so it uses only what is imported) and the note of the segment
/// it rewrites (how the segment fits the rest of the file).
public struct PromptContext: Sendable, Equatable {
    public let header: String
    /// The note's lines, or "none" when the segment has no note.
    public let notes: String

    /// The context of rewriting `segment` of `genome`.
    public init(rewriting segment: Int, of genome: Genome) {
        header = genome.segments[0].trimmingBlankLines()
        notes = genome.note(ofSegment: segment)?.content ?? "none"
    }
}
