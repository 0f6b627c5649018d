import Foundation

/// The variation operators of Guided Evolution as pure functions: from
/// genomes, the prompt library, the configuration and the run's RNG, they
/// build LLM prompts; `apply` turns an answer into the child genome.
public enum Operators {
    /// An individual as the operators see it.
    public struct Parent: Sendable {
        public let id: IndividualID
        public let genome: Genome

        public init(id: IndividualID, genome: Genome) {
            self.id = id
            self.genome = genome
        }
    }

    /// Fixed-prompt mutation: a random mutable segment, a random mutation
    /// template, temperature and token limit from the mutation ranges.
    public static func mutation(
        of parent: Parent, library: PromptLibrary, config: VariationConfig, rng: inout SeededRandom
    ) -> VariationPrompt {
        let segment = parent.genome.mutableSegmentIndices.randomElement(using: &rng)!
        // The daemon checks, when a run is created, that the personas leave a template.
        let template = library.mutationTemplates(personas: config.personas).randomElement(using: &rng)!
        let code = parent.genome.code(ofSegment: segment)
        return prompt(
            .mutation, parents: [parent.id], base: parent.genome, segment: segment, code: code, template: template,
            values: ["code": code],
            temperature: config.mutationTemperature, library: library, config: config, rng: &rng)
    }

    /// Evolution of Thought: an elite (one of `elites`, which should be the
    /// best of the archive) that differs from the seed shows its version of a
    /// differing segment beside the seed's; the LLM explains the gain and
    /// applies it to a random segment of `target`, possibly another one.
    ///
    /// Returns `nil` when no elite differs from the seed in any segment.
    public static func evolutionOfThought(
        of target: Parent, elites: [Parent], seed: Genome, library: PromptLibrary,
        config: VariationConfig, rng: inout SeededRandom
    ) -> VariationPrompt? {
        let teachers = elites.filter { !$0.genome.differingSegments(from: seed).isEmpty }
        guard let elite = teachers.randomElement(using: &rng) else { return nil }
        let shown = elite.genome.differingSegments(from: seed)
            .filter { $0 < seed.segments.count }
            .randomElement(using: &rng)
        guard let shown else { return nil }
        let segment = target.genome.mutableSegmentIndices.randomElement(using: &rng)!
        let template = library.templates(of: .evolutionOfThought).randomElement(using: &rng)!
        let code = target.genome.code(ofSegment: segment)
        let values = [
            "elite_code": elite.genome.code(ofSegment: shown),
            "seed_code": seed.code(ofSegment: shown),
            "code": code,
        ]
        return prompt(
            .evolutionOfThought, parents: [target.id], base: target.genome, segment: segment, code: code, template: template,
            values: values, temperature: config.mutationTemperature, elite: elite.id, library: library,
            config: config, rng: &rng)
    }

    /// LLM crossover: a random segment where the parents differ; two prompts,
    /// one per child — the first based on `a` (showing a's version first), the
    /// second on `b`. Each child is its base parent with that segment replaced
    /// by the combination.
    ///
    /// Returns `nil` when the parents do not differ in any segment, so the
    /// caller falls back to mutation.
    public static func crossover(
        _ a: Parent, _ b: Parent, library: PromptLibrary, config: VariationConfig,
        rng: inout SeededRandom
    ) -> (VariationPrompt, VariationPrompt)? {
        let shared = min(a.genome.segments.count, b.genome.segments.count)
        let candidates = a.genome.differingSegments(from: b.genome).filter { $0 < shared }
        guard let segment = candidates.randomElement(using: &rng) else { return nil }
        let template = library.templates(of: .crossover).randomElement(using: &rng)!
        func combine(_ base: Parent, _ other: Parent, rng: inout SeededRandom) -> VariationPrompt {
            let code = base.genome.code(ofSegment: segment)
            return prompt(
                .crossover, parents: [base.id, other.id], base: base.genome, segment: segment, code: code, template: template,
                values: ["code_a": code, "code_b": other.genome.code(ofSegment: segment)],
                temperature: config.crossoverTemperature, library: library, config: config, rng: &rng)
        }
        let first = combine(a, b, rng: &rng)
        return (first, combine(b, a, rng: &rng))
    }

    /// Repair: asks the LLM to fix `segment` of `child` against the seed's
    /// version of it, given the failure reason if one is known.
    public static func repair(
        of child: Parent, segment: Int, seed: Genome, failure: String?, library: PromptLibrary,
        config: VariationConfig, rng: inout SeededRandom
    ) -> VariationPrompt {
        let template = library.templates(of: .repair).randomElement(using: &rng)!
        let code = child.genome.code(ofSegment: segment)
        let seedCode = segment < seed.segments.count ? seed.code(ofSegment: segment) : ""
        return prompt(
            .repair, parents: [child.id], base: child.genome, segment: segment, code: code, template: template,
            values: ["code": code, "seed_code": seedCode, "failure": failure ?? ""],
            temperature: config.mutationTemperature, library: library, config: config, rng: &rng)
    }

    /// The child genome made from an LLM answer: `base` with `segment`
    /// replaced by the answer's code block (the one defining
    /// `expectedNames`, if several). The one place that decides a child's
    /// source; the LLM worker calls it, the engine checks what it sent.
    public static func child(
        of base: Genome, segment: Int, answer: String, expectedNames: [String]
    ) -> Result<Genome, ExtractionFailure> {
        CodeExtractor.extract(from: answer, expectedNames: expectedNames).flatMap { code in
            // A marker line inside the code would make the file split into
            // more segments than its parent has.
            guard Genome(source: code, marker: base.marker).segments.count == 1 else {
                return .failure(.containsMarker(base.marker))
            }
            return .success(base.replacingSegment(segment, with: code))
        }
    }

    /// A prompt asking the LLM to rephrase `template` (prompt evolution).
    public static func rephrasing(
        _ template: PromptTemplate, library: PromptLibrary, config: VariationConfig,
        rng: inout SeededRandom
    ) -> (text: String, sampling: Sampling) {
        let rephrase = library.templates(of: .rephrase).randomElement(using: &rng)!
        return (
            library.prompt(rephrase, values: ["template": template.body]),
            sampling(config.rephraseTemperature, config: config, rng: &rng)
        )
    }

    /// The evolved template from a rephrasing answer: same kind, category and
    /// persona as `original`, validated like a template file.
    public static func evolvedTemplate(
        from answer: String, rephrasing original: PromptTemplate, id: String
    ) throws(PromptError) -> PromptTemplate {
        let body = answer.replacingOccurrences(of: "\r\n", with: "\n").trimmingBlankLines()
        return try PromptTemplate(
            id: id, kind: original.kind, category: original.category, persona: original.persona,
            body: body, source: "evolved from \(original.id)", parentID: original.id)
    }

    /// A prompt that asks for new code of `segment` of `base` (now `code`):
    /// the template filled with `values` after the read-only context (the
    /// header and the segment's note), sampling drawn from `temperature`.
    static func prompt(
        _ variation: VariationOperator, parents: [IndividualID], base: Genome, segment: Int, code: String,
        template: PromptTemplate, values: [String: String], temperature: ClosedRange<Double>,
        elite: IndividualID? = nil, library: PromptLibrary, config: VariationConfig, rng: inout SeededRandom
    ) -> VariationPrompt {
        VariationPrompt(
            variation: variation, parents: parents, segment: segment,
            templateID: template.id, persona: template.persona, category: template.category,
            text: library.prompt(template, values: values, context: PromptContext(rewriting: segment, of: base)),
            sampling: sampling(temperature, config: config, rng: &rng),
            expectedNames: CodeExtractor.definedNames(in: code), elite: elite)
    }

    static func sampling(
        _ temperature: ClosedRange<Double>, config: VariationConfig, rng: inout SeededRandom
    ) -> Sampling {
        Sampling(
            temperature: rng.uniform(temperature), topP: config.topP,
            maxTokens: Int.random(in: config.maxTokens, using: &rng))
    }
}
