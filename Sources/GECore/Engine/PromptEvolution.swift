/// Prompt evolution, as in the GE reference: after every round (a
/// generation; μ evaluations in steady mode) the LLM rephrases a few mutation
/// templates, and each usable rephrasing joins the pool beside its parent.
/// Evolved templates live in the engine's state, so a replay rebuilds them.
public struct PromptEvolution: Codable, Sendable, Equatable {
    /// The evolved templates, in the order they were made.
    public internal(set) var templates: [EvolvedTemplate] = []
    /// Rephrasings decided but not yet sent.
    var planned: [RephraseRequest] = []
    /// Rephrasings sent and not yet answered, by request id.
    public internal(set) var open: [Int: RephraseRequest] = [:]
    /// The last round whose rephrasings were planned.
    var lastRound = 0
}

/// A template made by prompt evolution, with the round it was born in.
public struct EvolvedTemplate: Codable, Sendable, Equatable {
    public let template: PromptTemplate
    public let generation: Int

    public init(template: PromptTemplate, generation: Int) {
        self.template = template
        self.generation = generation
    }
}

extension Engine {
    /// The longest rephrased template taken: a template is an instruction of
    /// a few lines; anything longer is a runaway answer.
    static let evolvedTemplateLimit = 8_000

    /// The run's prompt library: `base` (the templates the run was created
    /// with) and the evolved templates.
    public func library(extending base: PromptLibrary) -> PromptLibrary {
        base.adding(evolution.templates.map(\.template))
    }

    /// Plans the rephrasings of round `round` once: distinct mutation
    /// templates, drawn from the whole pool (evolved ones included).
    mutating func planRephrasings(round: Int, library: PromptLibrary) {
        guard round > evolution.lastRound, stopReason == nil else { return }
        evolution.lastRound = round
        let room = config.variation.maxEvolvedTemplates - evolution.templates.count - evolution.open.count
        let count = min(config.variation.rephrasings, room)
        guard count > 0 else { return }
        var candidates = library.mutationTemplates(personas: config.variation.personas)
        for _ in 0..<min(count, candidates.count) {
            let original = candidates.remove(at: Int.random(in: 0..<candidates.count, using: &rng))
            let (text, sampling) = Operators.rephrasing(
                original, library: library, config: config.variation, rng: &rng)
            // The id is assigned when the request is sent.
            evolution.planned.append(
                RephraseRequest(id: 0, original: original, text: text, sampling: sampling, generation: round))
        }
    }

    /// The next planned rephrasing, with its request id.
    mutating func nextRephrasing() -> RephraseRequest? {
        guard !evolution.planned.isEmpty else { return nil }
        let planned = evolution.planned.removeFirst()
        let request = RephraseRequest(
            id: nextRequestID, original: planned.original, text: planned.text, sampling: planned.sampling,
            generation: planned.generation, model: chooseModel())
        nextRequestID += 1
        evolution.open[request.id] = request
        return request
    }

    /// Takes the answer to a rephrasing: a valid template joins the pool.
    mutating func receiveRephrasing(_ request: RephraseRequest, outcome: LLMOutcome) -> [EngineEvent] {
        let reason: String
        switch outcome {
        case .failure(let failure, _) where failure.kind == .unavailable && stopReason == nil:
            evolution.planned.insert(request, at: 0)
            return []
        case .failure(let failure, _):
            reason = failure.description
        case .code:
            reason = "the LLM worker sent code where text was asked"
        case .text(let answer, _) where answer.utf8.count > Self.evolvedTemplateLimit:
            reason = "the rephrasing has \(answer.utf8.count) bytes, more than the \(Self.evolvedTemplateLimit) a template may have"
        case .text(let answer, _):
            do {
                let template = try Operators.evolvedTemplate(
                    from: answer, rephrasing: request.original, id: request.evolvedID)
                evolution.templates.append(EvolvedTemplate(template: template, generation: request.generation))
                return [.templateEvolved(template, generation: request.generation)]
            } catch {
                reason = error.message
            }
        }
        return [.templateRejected(templateID: request.original.id, reason: reason)]
    }
}

extension PromptLibrary {
    /// The library with `templates` added; ids already present are skipped
    /// (the engine makes evolved ids unique, so this never drops one).
    func adding(_ templates: [PromptTemplate]) -> PromptLibrary {
        guard !templates.isEmpty else { return self }
        var copy = self
        var ids = Set(self.templates.map(\.id))
        for template in templates where ids.insert(template.id).inserted {
            copy.templates.append(template)
        }
        return copy
    }
}
