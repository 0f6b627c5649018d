/// The set of prompt templates a run draws from.
///
/// Built from template files (parsed by `PromptTemplate(parsing:source:)`) and,
/// later in a run, from evolved templates. A library is usable only when it
/// holds at least one template of every code-producing kind, one rephrase
/// template and exactly one set of rules; a context template is optional
/// (libraries of runs created before it existed have none), at most one.
public struct PromptLibrary: Sendable {
    /// All templates, in the order they were given.
    public internal(set) var templates: [PromptTemplate]

    public init(templates: [PromptTemplate]) throws(PromptError) {
        self.templates = []
        for template in templates { try add(template) }
        try checkComplete()
    }

    /// Parses and collects template files given as `(path, text)` pairs.
    public init(files: [(path: String, text: String)]) throws(PromptError) {
        var parsed: [PromptTemplate] = []
        for file in files.sorted(by: { $0.path < $1.path }) {
            parsed.append(try PromptTemplate(parsing: file.text, source: file.path))
        }
        try self.init(templates: parsed)
    }

    /// Adds a template, e.g. one produced by prompt evolution.
    public mutating func add(_ template: PromptTemplate) throws(PromptError) {
        if let existing = templates.first(where: { $0.id == template.id }) {
            throw PromptError(
                source: template.source, line: 1,
                message: "template id '\(template.id)' is already used by \(existing.source); ids must be unique")
        }
        if template.kind == .rules || template.kind == .context,
            let existing = templates.first(where: { $0.kind == template.kind })
        {
            throw PromptError(
                source: template.source, line: 1,
                message: "a second \(template.kind.rawValue) template; it is already given by \(existing.source)")
        }
        templates.append(template)
    }

    /// The templates of one kind, in library order.
    public func templates(of kind: PromptKind) -> [PromptTemplate] {
        templates.filter { $0.kind == kind }
    }

    /// The mutation templates of these personas (`nil`: of every persona).
    public func mutationTemplates(personas: [String]?) -> [PromptTemplate] {
        templates(of: .mutation).filter { personas?.contains($0.persona) ?? true }
    }

    /// The template with this id.
    public func template(id: String) -> PromptTemplate? {
        templates.first { $0.id == id }
    }

    /// The standing rules appended to code-producing prompts.
    public var rules: String {
        templates.first { $0.kind == .rules }?.body ?? ""
    }

    /// Renders a template; for code-producing kinds, the context (rendered
    /// with `context`'s values) goes before it and the rules after it.
    public func prompt(_ template: PromptTemplate, values: [String: String], context: PromptContext? = nil) -> String {
        let text = template.render(values)
        guard template.kind.producesCode else { return text }
        let shown = context.flatMap { context in
            templates.first { $0.kind == .context }?.render(["header": context.header, "notes": context.notes])
        }
        return (shown.map { $0 + "\n\n" } ?? "") + text + "\n\n" + rules
    }

    private func checkComplete() throws(PromptError) {
        let needed: [PromptKind] = [.mutation, .evolutionOfThought, .crossover, .repair, .rephrase, .rules]
        let missing = needed.filter { kind in !templates.contains { $0.kind == kind } }
        guard missing.isEmpty else {
            throw PromptError(
                source: templates.first?.source ?? "prompt library", line: 1,
                message: "the prompt library has no template of kind "
                    + missing.map(\.rawValue).joined(separator: ", ")
                    + "; add one (see prompts/README.md)")
        }
    }
}
