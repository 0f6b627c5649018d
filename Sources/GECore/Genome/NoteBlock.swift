import Foundation

/// The note of a segment: the lines between two `# -- NOTE --` lines.
///
/// A note tells the LLM what the segment may rely on (classes defined in other
/// segments, shapes it must keep). It belongs to the seed, not to any variant,
/// so it survives every rewrite of its segment.
public struct NoteBlock: Hashable, Sendable {
    /// The delimiter line, matched after trimming surrounding whitespace.
    public static let delimiter = "# -- NOTE --"

    /// The whole block, both delimiter lines included.
    public let text: String

    /// The lines between the delimiters.
    public var content: String {
        return text.lines.dropFirst().dropLast().joined(separator: "\n")
    }

    /// The first note block in `text`, if a complete one exists.
    public static func find(in text: String) -> NoteBlock? {
        guard let range = blockLineRange(in: lines(of: text)) else { return nil }
        return NoteBlock(text: lines(of: text)[range].joined(separator: "\n"))
    }

    /// `text` with its first note block removed (unchanged when it has none).
    public static func removing(from text: String) -> String {
        var all = lines(of: text)
        guard let range = blockLineRange(in: all) else { return text }
        all.removeSubrange(range)
        return all.joined(separator: "\n")
    }

    private static func lines(of text: String) -> [Substring] {
        text.lines
    }

    private static func blockLineRange(in lines: [Substring]) -> ClosedRange<Int>? {
        let delimiters = lines.indices.filter {
            lines[$0].trimmingCharacters(in: .whitespaces) == delimiter
        }
        guard delimiters.count >= 2 else { return nil }
        return delimiters[0]...delimiters[1]
    }
}
