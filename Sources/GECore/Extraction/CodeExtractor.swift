import Foundation

/// Finds the code in an LLM's answer.
///
/// Answers put code in fenced blocks (```` ``` ```` or `~~~`, with or without a
/// language tag), sometimes several (the old and the new version, a usage
/// example), surrounded by prose, with CRLF line ends, or cut off before the
/// closing fence. The block chosen is the one that defines the names the
/// segment must keep; failing that, the longest Python (or untagged) block.
public enum CodeExtractor {
    /// A fenced block found in an answer.
    public struct Block: Equatable, Sendable {
        /// The language tag after the opening fence, lowercased; empty if none.
        public let language: String
        public let code: String
    }

    /// The code to use from `answer`.
    ///
    /// - Parameter expectedNames: top-level names the segment defines; the
    ///   block that defines most of them wins.
    public static func extract(
        from answer: String, expectedNames: [String] = []
    ) -> Result<String, ExtractionFailure> {
        let blocks = fencedBlocks(in: answer).filter { !$0.code.allSatisfy(\.isWhitespace) }
        guard !blocks.isEmpty else {
            return .failure(fencedBlocks(in: answer).isEmpty ? .noCodeBlock : .emptyCodeBlock)
        }
        let pythonLike = blocks.filter { ["", "python", "py", "python3"].contains($0.language) }
        let candidates = pythonLike.isEmpty ? blocks : pythonLike
        let expected = Set(expectedNames)
        func score(_ block: Block) -> (Int, Int) {
            let defined = Set(definedNames(in: block.code))
            return (defined.intersection(expected).count, block.code.count)
        }
        // On an exact tie the first block wins: answers put their main code first.
        var best = candidates[0]
        for block in candidates.dropFirst() where score(block) > score(best) {
            best = block
        }
        return .success(best.code)
    }

    /// Every fenced block of `answer`, in order. A block left open at the end
    /// of the answer (a truncated reply) runs to the end.
    public static func fencedBlocks(in answer: String) -> [Block] {
        let lines = answer.lines
        var blocks: [Block] = []
        var open: (fence: String, indent: Int, language: String, lines: [Substring])?
        for line in lines {
            let indent = line.prefix { $0 == " " }.count
            let trimmed = line.drop { $0 == " " }
            if var current = open {
                if trimmed.hasPrefix(current.fence),
                    trimmed.drop(while: { $0 == current.fence.first }).allSatisfy(\.isWhitespace)
                {
                    blocks.append(Block(language: current.language, code: dedent(current.lines, by: current.indent)))
                    open = nil
                } else {
                    current.lines.append(line)
                    open = current
                }
                continue
            }
            for fenceCharacter in ["`", "~"] {
                let run = trimmed.prefix { String($0) == fenceCharacter }
                guard run.count >= 3 else { continue }
                let info = trimmed.dropFirst(run.count).trimmingCharacters(in: .whitespaces)
                let language = info.split(separator: " ").first.map { $0.lowercased() } ?? ""
                open = (String(run), indent, language, [])
                break
            }
        }
        if let current = open {
            blocks.append(Block(language: current.language, code: dedent(current.lines, by: current.indent)))
        }
        return blocks
    }

    /// Names defined at the top level of `code` by `class` or `def`.
    public static func definedNames(in code: String) -> [String] {
        code.lines.compactMap { line in
            for keyword in ["class ", "def ", "async def "] where line.hasPrefix(keyword) {
                let name = line.dropFirst(keyword.count)
                    .prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                return name.isEmpty ? nil : String(name)
            }
            return nil
        }
    }

    /// Removes up to `indent` leading spaces from each line: blocks nested in
    /// list items are indented along with their fence.
    private static func dedent(_ lines: [Substring], by indent: Int) -> String {
        lines.map { line in
            let spaces = min(indent, line.prefix { $0 == " " }.count)
            return String(line.dropFirst(spaces))
        }.joined(separator: "\n").trimmingBlankLines()
    }
}

/// Why no code could be taken from an answer.
public enum ExtractionFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The answer has no fenced code block at all.
    case noCodeBlock
    /// The answer's code blocks are all empty.
    case emptyCodeBlock
    /// The code holds the genome's marker line, which would cut the gene in two.
    case containsMarker(String)

    public var description: String {
        switch self {
        case .containsMarker(let marker): "the LLM's code contains the segment marker line \(marker)"
        case .noCodeBlock: "the LLM answer contains no fenced code block"
        case .emptyCodeBlock: "the LLM answer's code blocks are empty"
        }
    }
}

