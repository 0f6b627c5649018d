import GECore
import GRDB

/// A prompt template of the run, as it was when the run was created (or
/// when prompt evolution made it: then with the generation it was born in).
struct TemplateRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "template"

    var id: String
    /// The kind as text: a kind this version does not know is reported, not guessed.
    var kind: String
    var category: String?
    var persona: String
    var body: String
    var source: String
    var parentID: String?
    /// The round prompt evolution made it in; `nil` for the run's own.
    var generation: Int?

    init(_ template: PromptTemplate, generation: Int? = nil) {
        self.generation = generation
        id = template.id
        kind = template.kind.rawValue
        category = template.category
        persona = template.persona
        body = template.body
        source = template.source
        parentID = template.parentID
    }

    /// The template, or why the row cannot be one.
    func template(databasePath: String) throws -> PromptTemplate {
        guard let kind = PromptKind(rawValue: kind) else {
            throw StoreError.corrupt(path: databasePath, "template \(id) has the unknown kind \"\(self.kind)\"")
        }
        return try PromptTemplate(
            id: id, kind: kind, category: category, persona: persona, body: body, source: source, parentID: parentID)
    }
}
