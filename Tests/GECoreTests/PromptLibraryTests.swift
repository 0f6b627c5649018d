import GECore
import Testing

@Suite struct PromptLibraryTests {
    @Test func shippedPromptsHaveSixCategoriesTimesFourPersonas() throws {
        let library = try TestSupport.shippedLibrary()
        let mutations = library.templates(of: .mutation)
        #expect(mutations.count == 24)
        #expect(Set(mutations.compactMap(\.category)) == [
            "hyperparameters", "unusual_hyperparameters", "complexity", "reduce_size", "rare_enhancement", "rewrite",
        ])
        for category in Set(mutations.compactMap(\.category)) {
            #expect(Set(mutations.filter { $0.category == category }.map(\.persona))
                == ["plain", "expert", "maverick", "visionary"])
        }
        #expect(library.templates(of: .evolutionOfThought).count >= 1)
        #expect(library.templates(of: .crossover).count == 2)
        #expect(library.templates(of: .repair).count == 1)
        #expect(library.templates(of: .rephrase).count == 1)
        #expect(library.rules.contains("Keep every class and function name"))
    }

    @Test func promptsForCodeEndWithTheRulesAndOthersDoNot() throws {
        let library = try TestSupport.shippedLibrary()
        let mutation = try #require(library.template(id: "mutation.reduce_size.expert"))
        let text = library.prompt(mutation, values: ["code": "class A: pass"])
        #expect(text.contains("```python\nclass A: pass\n```"))
        #expect(text.hasSuffix(library.rules))
        let rephrase = library.templates(of: .rephrase)[0]
        #expect(!library.prompt(rephrase, values: ["template": "x {{code}}"]).contains(library.rules))
    }

    @Test func renderInsertsValuesVerbatimWithoutExpandingThemAgain() throws {
        let template = try PromptTemplate(
            id: "t", kind: .crossover, body: "A={{code_a}} B={{code_b}}", source: "test")
        #expect(template.render(["code_a": "d = {{code_b}}", "code_b": "{}"]) == "A=d = {{code_b}} B={}")
    }

    @Test func unknownPlaceholderNamesFileAndLine() {
        let text = "id: x\nkind: mutation\ncategory: rewrite\n---\nRewrite this.\n\n{{code}} and {{segment}}\n"
        #expect(throws: PromptError(
            source: "prompts/x.txt", line: 7,
            message: "unknown placeholder {{segment}} in a mutation template; allowed: {{code}}")
        ) {
            try PromptTemplate(parsing: text, source: "prompts/x.txt")
        }
    }

    @Test func missingPlaceholderNamesFileAndFirstBodyLine() {
        let text = "id: e\nkind: eot\n---\nLearn from {{elite_code}}\nand apply to {{code}}\n"
        let error = #expect(throws: PromptError.self) { try PromptTemplate(parsing: text, source: "e.txt") }
        #expect(error?.description == "e.txt:4: missing placeholder {{seed_code}} required in a eot template")
    }

    @Test(arguments: [
        ("kind: mutation\n{{code}}\n", 1, "no '---' line ends the header"),
        ("kind: mutation\ncategory: x\n---\n{{code}}", 1, "the header has no 'id:'"),
        ("id: a\n---\n{{code}}", 1, "the header has no 'kind:'"),
        ("id: a\nkind: sorcery\n---\n{{code}}", 1, "unknown kind 'sorcery'"),
        ("id: a\nkind: mutation\n---\n{{code}}", 1, "a mutation template needs 'category:'"),
        ("id: a\nkind: rules\ncolour: blue\n---\nbe nice", 3, "unknown header key 'colour'"),
        ("id: a\nid: b\nkind: rules\n---\nbe nice", 2, "header key 'id' appears twice"),
        ("id: a\nkind: rules\njust words\n---\nbe nice", 3, "is not 'key: value'"),
        ("id: a\nkind: rules\n---\n\n", 4, "the template text is empty"),
    ])
    func malformedFilesAreClearErrors(text: String, line: Int, message: String) {
        let error = #expect(throws: PromptError.self) { try PromptTemplate(parsing: text, source: "bad.txt") }
        #expect(error?.line == line)
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test func duplicateIdsAndMissingKindsAreRejected() throws {
        var files = try TestSupport.shippedPromptFiles()
        files.append((path: "extra.txt", text: "id: rules\nkind: rules\n---\nmore rules"))
        let duplicate = #expect(throws: PromptError.self) { try PromptLibrary(files: files) }
        #expect(duplicate?.message.contains("template id 'rules' is already used") == true)

        let withoutCrossover = try TestSupport.shippedPromptFiles().filter { !$0.path.contains("/crossover/") }
        let missing = #expect(throws: PromptError.self) { try PromptLibrary(files: withoutCrossover) }
        #expect(missing?.message.contains("no template of kind crossover") == true)
    }

    @Test func evolvedTemplatesCanBeAdded() throws {
        var library = try TestSupport.shippedLibrary()
        let original = try #require(library.template(id: "mutation.rewrite.plain"))
        let evolved = try PromptTemplate(
            id: "mutation.rewrite.plain~1", kind: .mutation, category: "rewrite", body: "Redo it: {{code}}",
            source: "evolved", parentID: original.id)
        try library.add(evolved)
        #expect(library.templates(of: .mutation).count == 25)
        #expect(library.template(id: "mutation.rewrite.plain~1")?.parentID == "mutation.rewrite.plain")
    }
}
