import Foundation
import GECore
import Testing

@Suite struct OperatorsTests {
    let fixture: TestSupport.SeedFixture
    init() throws { fixture = try .init() }
    var library: PromptLibrary { fixture.library }
    var seed: Genome { fixture.seed }

    func variant(_ genome: Genome, segment: Int, suffix: String) -> Genome {
        genome.replacingSegment(segment, with: genome.code(ofSegment: segment) + "\n\(suffix) = 1")
    }

    @Test func mutationDrawsSegmentTemplateAndSamplingFromTheirRanges() {
        var rng = SeededRandom(seed: 1)
        let config = VariationConfig()
        var segments = Set<Int>(), templates = Set<String>()
        for _ in 0..<400 {
            let prompt = Operators.mutation(
                of: .init(id: 5, genome: seed), library: library, config: config, rng: &rng)
            #expect(prompt.variation == .mutation)
            #expect(prompt.parents == [5])
            #expect(seed.mutableSegmentIndices.contains(prompt.segment))
            #expect(prompt.text.contains(seed.code(ofSegment: prompt.segment)))
            #expect(prompt.text.hasSuffix(library.rules))
            #expect(config.mutationTemperature.contains(prompt.sampling.temperature))
            #expect(config.maxTokens.contains(prompt.sampling.maxTokens))
            #expect(prompt.sampling.topP == 0.1)
            #expect(prompt.expectedNames == CodeExtractor.definedNames(in: seed.code(ofSegment: prompt.segment)))
            segments.insert(prompt.segment)
            templates.insert(prompt.templateID)
        }
        #expect(segments == Set(1..<10))
        #expect(templates.count == 24)
    }

    @Test func evolutionOfThoughtShowsAnEliteChangeAndTargetsAnySegment() throws {
        var rng = SeededRandom(seed: 2)
        let elite = variant(seed, segment: 3, suffix: "ELITE_CHANGE")
        let target = variant(seed, segment: 6, suffix: "TARGET")
        var targeted = Set<Int>()
        for _ in 0..<100 {
            let prompt = try #require(Operators.evolutionOfThought(
                of: .init(id: 9, genome: target), elites: [.init(id: 0, genome: seed), .init(id: 4, genome: elite)],
                seed: seed, library: library, config: VariationConfig(), rng: &rng))
            #expect(prompt.variation == .evolutionOfThought)
            #expect(prompt.elite == 4)
            #expect(prompt.parents == [9])
            #expect(prompt.text.contains("ELITE_CHANGE = 1"))
            #expect(prompt.text.contains(seed.code(ofSegment: 3)))
            #expect(prompt.text.contains(target.code(ofSegment: prompt.segment)))
            targeted.insert(prompt.segment)
        }
        #expect(targeted == Set(1..<10))
    }

    /// Every code prompt shows the file's header and the rewritten segment's
    /// note before the task, and the code to rewrite without the note.
    @Test func everyCodePromptShowsTheHeaderAndTheNoteReadOnly() throws {
        var rng = SeededRandom(seed: 9)
        let header = seed.segments[0].trimmingCharacters(in: .newlines)
        let elite = variant(seed, segment: 3, suffix: "ELITE_CHANGE")
        let other = variant(seed, segment: 4, suffix: "OTHER")
        let target = Operators.Parent(id: 1, genome: seed)
        var prompts = [
            Operators.mutation(of: target, library: library, config: VariationConfig(), rng: &rng),
            Operators.repair(of: target, segment: 2, seed: seed, failure: "ValueError: x", library: library, config: VariationConfig(), rng: &rng),
        ]
        prompts.append(try #require(Operators.evolutionOfThought(
            of: target, elites: [.init(id: 2, genome: elite)], seed: seed, library: library, config: VariationConfig(), rng: &rng)))
        let (first, second) = try #require(Operators.crossover(
            .init(id: 3, genome: elite), .init(id: 4, genome: other), library: library, config: VariationConfig(), rng: &rng))
        prompts += [first, second]
        for prompt in prompts {
            let note = try #require(seed.note(ofSegment: prompt.segment))
            #expect(prompt.text.hasPrefix("Context, for reading only"), "\(prompt.variation)")
            #expect(prompt.text.contains("```python\n\(header)\n```"), "the header: \(prompt.text)")
            #expect(prompt.text.contains(note.content), "the note of segment \(prompt.segment)")
            #expect(prompt.text.components(separatedBy: NoteBlock.delimiter).count == 1, "a note's delimiters reached the prompt")
            #expect(prompt.text.contains("one fenced ```python block"), "the rules ask for a fenced block")
        }
        // A segment without a note says so.
        let bare = Genome(source: "import torch\n# --OPTION--\nclass A:\n    x = 1\n")
        let plain = Operators.mutation(of: .init(id: 1, genome: bare), library: library, config: VariationConfig(), rng: &rng)
        #expect(plain.text.contains("there is no note):\nnone"), "\(plain.text)")
    }

    @Test func thePersonasSettingLimitsTheMutationTemplates() {
        var rng = SeededRandom(seed: 10)
        var config = VariationConfig()
        config.personas = ["plain"]
        let personas = Set((0..<200).map { _ in
            Operators.mutation(of: .init(id: 1, genome: seed), library: library, config: config, rng: &rng).persona
        })
        #expect(personas == ["plain"])
        #expect(library.mutationTemplates(personas: ["plain"]).count == 6)
    }

    @Test func evolutionOfThoughtNeedsAnEliteThatDiffersFromTheSeed() {
        var rng = SeededRandom(seed: 3)
        let same = seed.replacingSegment(2, with: seed.code(ofSegment: 2) + "\n# only a comment")
        #expect(Operators.evolutionOfThought(
            of: .init(id: 1, genome: seed), elites: [.init(id: 2, genome: same)], seed: seed,
            library: library, config: VariationConfig(), rng: &rng) == nil)
    }

    @Test func crossoverCombinesADifferingSegmentIntoTwoMirroredChildren() throws {
        var rng = SeededRandom(seed: 4)
        let a = variant(seed, segment: 5, suffix: "FROM_A")
        let b = variant(variant(seed, segment: 5, suffix: "FROM_B"), segment: 7, suffix: "B_ONLY")
        var segments = Set<Int>()
        for _ in 0..<50 {
            let (first, second) = try #require(Operators.crossover(
                .init(id: 1, genome: a), .init(id: 2, genome: b), library: library, config: VariationConfig(),
                rng: &rng))
            #expect(first.segment == second.segment)
            #expect([5, 7].contains(first.segment))
            #expect(first.parents == [1, 2] && second.parents == [2, 1])
            #expect(first.variation == .crossover)
            #expect(VariationConfig().crossoverTemperature.contains(first.sampling.temperature))
            if first.segment == 5 {
                #expect(first.text.range(of: "FROM_A")!.lowerBound < first.text.range(of: "FROM_B")!.lowerBound)
                #expect(second.text.range(of: "FROM_B")!.lowerBound < second.text.range(of: "FROM_A")!.lowerBound)
            } else {
                #expect(first.text.contains("B_ONLY") && second.text.contains("B_ONLY"))
            }
            segments.insert(first.segment)
        }
        #expect(segments == [5, 7])
        #expect(Operators.crossover(
            .init(id: 1, genome: a), .init(id: 3, genome: a), library: library, config: VariationConfig(),
            rng: &rng) == nil)
    }

    @Test func childReplacesTheSegmentAndKeepsItsNote() throws {
        var rng = SeededRandom(seed: 5)
        var prompt = Operators.mutation(of: .init(id: 0, genome: seed), library: library, config: VariationConfig(), rng: &rng)
        while prompt.segment != 1 {
            prompt = Operators.mutation(of: .init(id: 0, genome: seed), library: library, config: VariationConfig(), rng: &rng)
        }
        let answer = "Sure!\n```python\nclass FCT(nn.Module):\n    def __init__(self, cin, cout):\n        super().__init__()\n```\nIt is smaller."
        func make(_ answer: String) -> Result<Genome, ExtractionFailure> {
            Operators.child(of: seed, segment: prompt.segment, answer: answer, expectedNames: prompt.expectedNames)
        }
        let child = try make(answer).get()
        #expect(child.code(ofSegment: 1).hasPrefix("class FCT(nn.Module):\n    def __init__(self, cin, cout)"))
        #expect(child.note(ofSegment: 1) == seed.note(ofSegment: 1))
        #expect(child.differingSegments(from: seed) == [1])
        #expect(make("I cannot help with that.") == .failure(.noCodeBlock))
        // A marker line in the answer would split the gene: the worker would
        // check one file and the engine keep another.
        let split = "```python\nclass FCT(nn.Module):\n    pass\n\(seed.marker)\nclass Extra:\n    pass\n```"
        #expect(make(split) == .failure(.containsMarker(seed.marker)))
    }

    @Test func repairShowsTheCodeTheSeedVersionAndTheFailure() {
        var rng = SeededRandom(seed: 6)
        let broken = variant(seed, segment: 2, suffix: "BROKEN")
        let prompt = Operators.repair(
            of: .init(id: 7, genome: broken), segment: 2, seed: seed,
            failure: "RuntimeError: shape mismatch", library: library, config: VariationConfig(), rng: &rng)
        #expect(prompt.variation == .repair)
        #expect(prompt.text.contains("BROKEN = 1"))
        #expect(prompt.text.contains(seed.code(ofSegment: 2)))
        #expect(prompt.text.contains("RuntimeError: shape mismatch"))
    }

    @Test func rephrasingMakesAValidatedEvolvedTemplate() throws {
        var rng = SeededRandom(seed: 7)
        let original = try #require(library.template(id: "mutation.complexity.plain"))
        let request = Operators.rephrasing(original, library: library, config: VariationConfig(), rng: &rng)
        #expect(request.text.contains(original.body))
        let evolved = try Operators.evolvedTemplate(
            from: "\r\nMake this block smarter and deeper:\r\n\r\n{{code}}\r\n", rephrasing: original, id: "mutation.complexity.plain~1")
        #expect(evolved.kind == .mutation && evolved.category == "complexity" && evolved.parentID == original.id)
        #expect(evolved.body == "Make this block smarter and deeper:\n\n{{code}}")
        #expect(throws: PromptError.self) {
            try Operators.evolvedTemplate(from: "Make it better.", rephrasing: original, id: "x")
        }
    }
}
