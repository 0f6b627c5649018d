/// A model's source file seen as a sequence of segments (genes).
///
/// The file is cut at *marker lines*: lines that consist of exactly the marker
/// text (by default `# --OPTION--`). Segment 0 is everything before the first
/// marker line (imports, header) and is never mutated; every later segment is
/// one gene, usually one class or function. The newline before and after each
/// marker stays inside the neighbouring segments, so joining the segments with
/// the marker gives the file back byte for byte.
///
/// Normalizing code is the costly part of comparing genomes, so a genome
/// computes its fingerprint and one hash per segment when it is made and
/// keeps them: dedup and segment comparisons on every input cost nothing
/// more than comparing numbers.
public struct Genome: Hashable, Codable, Sendable {
    /// The default marker of Guided Evolution seeds.
    public static let defaultMarker = "# --OPTION--"

    /// The marker text that separates segments.
    public let marker: String
    /// The segments in file order; `segments[0]` is the fixed header.
    public private(set) var segments: [String]
    /// A fingerprint of the whole file that ignores comments, blank lines and
    /// spacing: two genomes with the same fingerprint train the same model.
    public private(set) var fingerprint: String
    /// A hash of each segment's normalized code, in segment order.
    private var segmentHashes: [UInt64]

    /// Splits `source` at every line that is exactly `marker`.
    public init(source: String, marker: String = Genome.defaultMarker) {
        self.marker = marker
        self.segments = Genome.split(source, at: marker)
        self.fingerprint = CodeNormalizer.fingerprint(source)
        self.segmentHashes = segments.map(CodeNormalizer.hash)
    }

    private enum CodingKeys: String, CodingKey {
        case marker, segments, fingerprint, segmentHashes
    }

    /// Decodes genomes saved before the hashes were kept by computing them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        marker = try container.decode(String.self, forKey: .marker)
        segments = try container.decode([String].self, forKey: .segments)
        let hashes = try container.decodeIfPresent([UInt64].self, forKey: .segmentHashes)
        segmentHashes = hashes?.count == segments.count ? hashes! : segments.map(CodeNormalizer.hash)
        fingerprint = try container.decodeIfPresent(String.self, forKey: .fingerprint)
            ?? CodeNormalizer.fingerprint(segments.joined(separator: marker))
    }

    /// The file text: the segments joined with the marker.
    public var source: String {
        segments.joined(separator: marker)
    }

    /// Indices of the segments that may be mutated (all but the header).
    public var mutableSegmentIndices: Range<Int> {
        1..<segments.count
    }

    /// Returns a copy whose segment `index` holds `code`.
    ///
    /// The note block of the old segment is kept: it is re-inserted before the
    /// new code, and any note block the new code brings along is dropped so the
    /// note cannot drift. The blank lines around the old segment are kept too,
    /// so the file keeps its layout.
    public func replacingSegment(_ index: Int, with code: String) -> Genome {
        precondition(mutableSegmentIndices.contains(index), "segment \(index) is not mutable")
        let old = segments[index]
        let note = NoteBlock.find(in: old)
        let body = NoteBlock.removing(from: code).trimmingBlankLines()
        let leading = old.prefix { $0.isNewline }
        let trailing = old.reversed().prefix { $0.isWhitespace }.reversed()
        var replaced = String(leading)
        if let note {
            replaced += note.text + "\n"
        }
        replaced += body + String(trailing)
        var copy = self
        copy.segments[index] = replaced
        copy.segmentHashes[index] = CodeNormalizer.hash(replaced)
        copy.fingerprint = CodeNormalizer.fingerprint(copy.source)
        return copy
    }

    /// Whether `child` is this genome with segment `index` alone changed:
    /// what a child made by `Operators.child` must be.
    public func isVariant(_ child: Genome, changingOnly index: Int) -> Bool {
        child.marker == marker && child.segments.count == segments.count
            && segments.indices.allSatisfy { $0 == index || child.segments[$0] == segments[$0] }
    }

    /// The segment's code without its note block and surrounding blank lines:
    /// what an LLM is shown and asked to rewrite.
    public func code(ofSegment index: Int) -> String {
        NoteBlock.removing(from: segments[index]).trimmingBlankLines()
    }

    /// The note block of a segment, if it has one.
    public func note(ofSegment index: Int) -> NoteBlock? {
        NoteBlock.find(in: segments[index])
    }

    /// Mutable segment indices where the two genomes differ in substance
    /// (ignoring comments, blank lines and spacing), in ascending order.
    ///
    /// Genomes with different segment counts differ at every index that only
    /// one of them has.
    public func differingSegments(from other: Genome) -> [Int] {
        let count = max(segments.count, other.segments.count)
        return (1..<max(count, 1)).filter { index in
            guard index < segments.count, index < other.segments.count else { return true }
            return segmentHashes[index] != other.segmentHashes[index]
        }
    }

    private static func split(_ source: String, at marker: String) -> [String] {
        var segments: [String] = []
        var current = Substring()
        var rest = source[...]
        var lineStart = true
        while !rest.isEmpty {
            if lineStart, rest.hasPrefix(marker) {
                let after = rest.dropFirst(marker.count)
                if after.isEmpty || after.first!.isNewline {
                    segments.append(String(current))
                    current = Substring()
                    rest = after
                    lineStart = false
                    continue
                }
            }
            let character = rest.removeFirst()
            current.append(character)
            lineStart = character.isNewline
        }
        segments.append(String(current))
        return segments
    }
}

extension StringProtocol {
    /// The text without blank lines at its start and end, and without
    /// trailing whitespace on its last line.
    func trimmingBlankLines() -> String {
        var lines = self.lines
        while let first = lines.first, first.allSatisfy(\.isWhitespace) { lines.removeFirst() }
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}

extension StringProtocol {
    /// The lines of the text, split at any line end (`\n`, `\r\n`, `\r`),
    /// without their line ends; a trailing line end gives a last empty line.
    var lines: [SubSequence] {
        split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    }
}
