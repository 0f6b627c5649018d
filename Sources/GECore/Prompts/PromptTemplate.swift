import Foundation

/// One prompt template: a text with `{{name}}` placeholders, and what it is for.
///
/// Template files start with a header of `key: value` lines, end the header
/// with a line `---`, and continue with the body:
///
///     id: mutation.reduce_size.expert
///     kind: mutation
///     category: reduce_size
///     persona: expert
///     ---
///     As a leading ML engineer, make this code smaller ...
///     {{code}}
public struct PromptTemplate: Hashable, Codable, Sendable {
    /// A unique, stable name (e.g. `mutation.rewrite.plain`).
    public let id: String
    public let kind: PromptKind
    /// The mutation category (paper, Table 2); `nil` for other kinds.
    public let category: String?
    /// The role-play persona, `plain` when none.
    public let persona: String
    /// The text with placeholders.
    public let body: String
    /// Where the template came from (a file path, or a database row).
    public let source: String
    /// For an evolved template: the id of the template it rephrases.
    public let parentID: String?

    public init(
        id: String, kind: PromptKind, category: String? = nil, persona: String = "plain",
        body: String, source: String, parentID: String? = nil
    ) throws(PromptError) {
        self.id = id
        self.kind = kind
        self.category = category
        self.persona = persona
        self.body = body
        self.source = source
        self.parentID = parentID
        try validate(bodyFirstLine: 1)
    }

    /// Parses a template file's text; `source` names it in errors.
    public init(parsing text: String, source: String) throws(PromptError) {
        let lines = text.lines.map(String.init)
        guard let separator = lines.firstIndex(of: "---") else {
            throw PromptError(
                source: source, line: 1,
                message: "no '---' line ends the header; start the file with 'id:' and 'kind:' lines, then '---', then the text")
        }
        var header: [String: String] = [:]
        for (offset, line) in lines[..<separator].enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw PromptError(
                    source: source, line: offset + 1,
                    message: "header line '\(trimmed)' is not 'key: value'")
            }
            let key = trimmed[..<colon].trimmingCharacters(in: .whitespaces)
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard ["id", "kind", "category", "persona", "parent"].contains(key) else {
                throw PromptError(
                    source: source, line: offset + 1,
                    message: "unknown header key '\(key)'; known keys: id, kind, category, persona, parent")
            }
            guard header[key] == nil else {
                throw PromptError(source: source, line: offset + 1, message: "header key '\(key)' appears twice")
            }
            header[key] = value
        }
        guard let id = header["id"], !id.isEmpty else {
            throw PromptError(source: source, line: 1, message: "the header has no 'id:'")
        }
        guard let kindName = header["kind"] else {
            throw PromptError(source: source, line: 1, message: "the header has no 'kind:'")
        }
        guard let kind = PromptKind(rawValue: kindName) else {
            let known = PromptKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw PromptError(
                source: source, line: 1, message: "unknown kind '\(kindName)'; known kinds: \(known)")
        }
        if kind == .mutation, header["category"] == nil {
            throw PromptError(source: source, line: 1, message: "a mutation template needs 'category:'")
        }
        self.id = id
        self.kind = kind
        self.category = header["category"]
        self.persona = header["persona"] ?? "plain"
        self.body = lines[(separator + 1)...].joined(separator: "\n").trimmingBlankLines()
        self.source = source
        self.parentID = header["parent"]
        try validate(bodyFirstLine: separator + 2)
    }

    /// The names of the placeholders the body uses, with their 1-based line
    /// within the body.
    public var placeholders: [(name: String, line: Int)] {
        var found: [(String, Int)] = []
        for (offset, line) in body.lines.enumerated() {
            var rest = line[...]
            while let open = rest.range(of: "{{") {
                guard let close = rest[open.upperBound...].range(of: "}}") else { break }
                found.append((String(rest[open.upperBound..<close.lowerBound]), offset + 1))
                rest = rest[close.upperBound...]
            }
        }
        return found
    }

    /// The body with every placeholder replaced by its value.
    ///
    /// Values are inserted verbatim in one pass, so a value that itself
    /// contains `{{...}}` (code often has braces) is never expanded again.
    public func render(_ values: [String: String]) -> String {
        var output = ""
        var rest = body[...]
        while let open = rest.range(of: "{{"),
            let close = rest[open.upperBound...].range(of: "}}")
        {
            output += rest[..<open.lowerBound]
            let name = String(rest[open.upperBound..<close.lowerBound])
            output += values[name] ?? ""
            rest = rest[close.upperBound...]
        }
        output += rest
        return output
    }

    private func validate(bodyFirstLine: Int) throws(PromptError) {
        let used = placeholders
        for (name, line) in used where !kind.placeholders.contains(name) {
            let allowed = kind.placeholders.sorted().map { "{{\($0)}}" }
            throw PromptError(
                source: source, line: bodyFirstLine + line - 1,
                message: "unknown placeholder {{\(name)}} in a \(kind.rawValue) template; allowed: "
                    + (allowed.isEmpty ? "none" : allowed.joined(separator: ", ")))
        }
        let missing = kind.placeholders.subtracting(used.map(\.name)).sorted()
        if !missing.isEmpty {
            throw PromptError(
                source: source, line: bodyFirstLine,
                message: "missing placeholder "
                    + missing.map { "{{\($0)}}" }.joined(separator: ", ")
                    + " required in a \(kind.rawValue) template")
        }
        if body.isEmpty {
            throw PromptError(source: source, line: bodyFirstLine, message: "the template text is empty")
        }
    }
}
