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
        self.segmentHashes = segments.map(CodeNormalizer.hash)
        self.fingerprint = Genome.fingerprint(of: segmentHashes)
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
            ?? Genome.fingerprint(of: segmentHashes)
    }

    /// The fingerprint of a file with these segment hashes: a 64-bit FNV-1a
    /// hash over them, as 16 hex digits. Built from the segments' hashes, a
    /// child's fingerprint costs the normalization of its new segment only.
    private static func fingerprint(of segmentHashes: [UInt64]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for segmentHash in segmentHashes {
            for shift in stride(from: 0, to: 64, by: 8) {
                hash ^= (segmentHash >> UInt64(shift)) & 0xFF
                hash &*= 0x0000_0100_0000_01B3
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
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
        return withSegment(index, replaced)
    }

    /// Copy with segment `index` set to `text` as is.
    private func withSegment(_ index: Int, _ text: String) -> Genome {
        var copy = self
        copy.segments[index] = text
        copy.segmentHashes[index] = CodeNormalizer.hash(text)
        copy.fingerprint = Genome.fingerprint(of: copy.segmentHashes)
        return copy
    }

    /// The genome in `source` if it is this one with segment `index` alone
    /// changed (what a child made by `Operators.child` must be), else `nil`.
    /// Only the changed segment is normalized.
    public func variant(_ source: String, changingOnly index: Int) -> Genome? {
        let given = Genome.split(source, at: marker)
        guard given.count == segments.count, mutableSegmentIndices.contains(index),
            segments.indices.allSatisfy({ $0 == index || given[$0] == segments[$0] })
        else { return nil }
        return withSegment(index, given[index])
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

    /// Cuts `source` at marker lines, working on its UTF-8 bytes: a child
    /// is split on every answer, so this runs on every input.
    ///
    /// Newline characters (`\n`, `\r`, VT, FF, NEL, LS, PS) never combine
    /// with what follows, so a line starts after any of their encodings, as
    /// it does for `Character.isNewline`.
    private static func split(_ source: String, at marker: String) -> [String] {
        let bytes = source.utf8
        let markerBytes = Array(marker.utf8)
        var segments: [String] = []
        var segmentStart = bytes.startIndex
        var position = bytes.startIndex
        var lineStart = true
        while position < bytes.endIndex {
            if lineStart, let afterMarker = matchMarker(markerBytes, in: bytes, at: position),
                afterMarker == bytes.endIndex || newlineLength(in: bytes, at: afterMarker) > 0
            {
                segments.append(String(source[segmentStart..<position]))
                segmentStart = afterMarker
                position = afterMarker
                lineStart = false
                continue
            }
            let newline = newlineLength(in: bytes, at: position)
            lineStart = newline > 0
            position = bytes.index(position, offsetBy: max(newline, 1))
        }
        segments.append(String(source[segmentStart..<bytes.endIndex]))
        return segments
    }

    /// Where the marker ends if it starts at `position`.
    private static func matchMarker(_ marker: [UInt8], in bytes: String.UTF8View, at position: String.Index) -> String.Index? {
        var index = position
        for byte in marker {
            guard index < bytes.endIndex, bytes[index] == byte else { return nil }
            index = bytes.index(after: index)
        }
        return index
    }

    /// The length in bytes of the newline character at `position`, or 0.
    private static func newlineLength(in bytes: String.UTF8View, at position: String.Index) -> Int {
        switch bytes[position] {
        case 0x0A, 0x0B, 0x0C, 0x0D: return 1
        case 0xC2:
            let next = bytes.index(after: position)
            return next < bytes.endIndex && bytes[next] == 0x85 ? 2 : 0
        case 0xE2:
            let second = bytes.index(after: position)
            guard second < bytes.endIndex, bytes[second] == 0x80 else { return 0 }
            let third = bytes.index(after: second)
            return third < bytes.endIndex && (bytes[third] == 0xA8 || bytes[third] == 0xA9) ? 3 : 0
        default: return 0
        }
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
