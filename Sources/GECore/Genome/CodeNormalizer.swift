/// Reduces Python source to what matters for behaviour, for dedup and for
/// comparing segments.
///
/// Comments, blank lines, trailing spaces and runs of spaces between tokens
/// are dropped; indentation is kept as nesting depth (not width), since in
/// Python it changes meaning. String literals are kept verbatim, so a `#`
/// inside a string is not taken for a comment.
public enum CodeNormalizer {
    /// The normalized text.
    public static func normalize(_ source: String) -> String {
        var output: [String] = []
        var indentStack: [Int] = [0]
        var openString: StringDelimiter?
        var bracketDepth = 0
        for rawLine in source.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let insideString = openString != nil
            let continuesLogicalLine = insideString || bracketDepth > 0
            let (text, stillOpen, depthChange) = stripComment(
                rawLine, openString: openString)
            openString = stillOpen
            bracketDepth = max(0, bracketDepth + depthChange)
            // Text inside a multi-line string is data: keep its spacing.
            let collapsed = insideString
                ? String(text.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
                : collapseSpaces(text)
            if collapsed.isEmpty, !continuesLogicalLine { continue }
            if continuesLogicalLine {
                output.append("  " + collapsed)
                continue
            }
            let width = rawLine.prefix { $0 == " " || $0 == "\t" }
                .reduce(0) { $0 + ($1 == "\t" ? 8 : 1) }
            while let top = indentStack.last, width < top { indentStack.removeLast() }
            if width > indentStack.last! { indentStack.append(width) }
            output.append(String(repeating: "\t", count: indentStack.count - 1) + collapsed)
        }
        return output.joined(separator: "\n")
    }

    /// A 64-bit FNV-1a hash of the normalized text, as 16 hex digits.
    public static func fingerprint(_ source: String) -> String {
        let hex = String(hash(source), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// A 64-bit FNV-1a hash of the normalized text.
    public static func hash(_ source: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in normalize(source).utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    struct StringDelimiter: Equatable {
        let quote: Character
        let triple: Bool
    }

    /// Removes a trailing comment from one line, tracking strings that span
    /// lines (triple quotes) and the bracket depth change of the line.
    private static func stripComment(
        _ line: Substring, openString: StringDelimiter?
    ) -> (String, StringDelimiter?, Int) {
        var result = ""
        var open = openString
        var depth = 0
        let characters = Array(line)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if let delimiter = open {
                result.append(character)
                if character == "\\" , index + 1 < characters.count {
                    result.append(characters[index + 1])
                    index += 2
                    continue
                }
                if character == delimiter.quote {
                    if !delimiter.triple {
                        open = nil
                    } else if index + 2 < characters.count,
                        characters[index + 1] == delimiter.quote,
                        characters[index + 2] == delimiter.quote
                    {
                        result.append(characters[index + 1])
                        result.append(characters[index + 2])
                        index += 2
                        open = nil
                    }
                }
                index += 1
                continue
            }
            switch character {
            case "#":
                return (result, nil, depth)
            case "\"", "'":
                let triple = index + 2 < characters.count
                    && characters[index + 1] == character && characters[index + 2] == character
                open = StringDelimiter(quote: character, triple: triple)
                result.append(contentsOf: String(repeating: character, count: triple ? 3 : 1))
                index += triple ? 3 : 1
                continue
            case "(", "[", "{":
                depth += 1
            case ")", "]", "}":
                depth -= 1
            default:
                break
            }
            result.append(character)
            index += 1
        }
        // A single-quoted string cannot span lines without a backslash.
        if let delimiter = open, !delimiter.triple, !result.hasSuffix("\\") { open = nil }
        return (result, open, depth)
    }

    /// Trims the line and collapses runs of spaces outside string literals.
    private static func collapseSpaces(_ text: String) -> String {
        var result = ""
        var pendingSpace = false
        var quote: Character?
        for character in text {
            if let open = quote {
                result.append(character)
                if character == open { quote = nil }
                continue
            }
            if character == " " || character == "\t" {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace {
                if needsSpace(between: result.last!, and: character) { result.append(" ") }
                pendingSpace = false
            }
            if character == "\"" || character == "'" { quote = character }
            result.append(character)
        }
        return result
    }

    /// Spaces matter only between two word characters (`return x`, `in y`).
    private static func needsSpace(between left: Character, and right: Character) -> Bool {
        isWordCharacter(left) && isWordCharacter(right)
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
    }
}
