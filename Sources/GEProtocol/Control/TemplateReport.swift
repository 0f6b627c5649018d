import GECore

/// One prompt template of a run and what it did, for `gectl templates`.
public struct TemplateReport: Codable, Sendable, Equatable {
    public var id: String
    public var kind: String
    public var category: String?
    public var persona: String
    /// The template it rephrases, for an evolved one.
    public var parent: String?
    /// The generation prompt evolution made it in; `nil` for the run's own.
    public var generation: Int?
    public var use: TemplateUse

    public init(
        id: String, kind: String, category: String?, persona: String, parent: String?, generation: Int?, use: TemplateUse
    ) {
        self.id = id
        self.kind = kind
        self.category = category
        self.persona = persona
        self.parent = parent
        self.generation = generation
        self.use = use
    }
}
