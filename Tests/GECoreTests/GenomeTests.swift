import Foundation
import GECore
import Testing

@Suite struct GenomeTests {
    @Test func realModelFileSplitsIntoHeaderAndNineSegmentsAndJoinsBackExactly() throws {
        let source = try TestSupport.exquisiteNetSource()
        let genome = Genome(source: source)
        #expect(genome.segments.count == 10)
        #expect(genome.mutableSegmentIndices == 1..<10)
        #expect(genome.segments[0].contains("import torch\n"))
        #expect(genome.code(ofSegment: 1).hasPrefix("class FCT(nn.Module):"))
        #expect(genome.code(ofSegment: 8).hasPrefix("class ExquisiteNetV2(nn.Module):"))
        #expect(genome.code(ofSegment: 9).hasPrefix("def get_optimizer(model):"))
        #expect(genome.source == source)
    }

    @Test(arguments: [
        "a\n# --OPTION--\nb\n",
        "a\r\n# --OPTION--\r\nb\r\n# --OPTION--\r\nc",
        "# --OPTION--\nfirst\n# --OPTION--",
        "no marker at all\n",
        "",
        "x = '# --OPTION--'\n  # --OPTION--\n# --OPTION-- trailing\n",
        "\n\n# --OPTION--\n\n# --OPTION--\n\n",
        "é\u{2028}# --OPTION--\u{85}b\u{0C}# --OPTION--\u{0B}c",
        "a\n# --OPTION--\u{301}\nb\n# --OPTION--\u{2029}",
    ])
    func joinGivesTheFileBackByteForByte(source: String) {
        #expect(Genome(source: source).source == source)
    }

    @Test(arguments: [
        ("a\r\n# --OPTION--\r\nb", 2),
        ("é\u{2028}# --OPTION--\u{85}b\u{0C}# --OPTION--\u{0B}c", 3),
        // A combining mark joins the marker's last character: not a marker line.
        ("a\n# --OPTION--\u{301}\nb", 1),
        ("a\n # --OPTION--\nb\n# --OPTION--x\n# --OPTION", 1),
        ("# --OPTION--", 2),
    ])
    func markerLinesFollowAnyNewline(source: String, segments: Int) {
        #expect(Genome(source: source).segments.count == segments)
    }

    @Test func onlyWholeMarkerLinesSplit() {
        let genome = Genome(source: "x = '# --OPTION--'\n  # --OPTION--\n# --OPTION-- trailing\n# --OPTION--\ny\n")
        #expect(genome.segments.count == 2)
        #expect(genome.code(ofSegment: 1) == "y")
    }

    @Test func customMarker() {
        let genome = Genome(source: "h\n## GENE\nclass A: pass\n## GENE\nclass B: pass\n", marker: "## GENE")
        #expect(genome.segments.count == 3)
        #expect(genome.code(ofSegment: 2) == "class B: pass")
    }

    @Test func replacingASegmentKeepsItsNoteAndTheRestOfTheFile() throws {
        let genome = Genome(source: try TestSupport.exquisiteNetSource())
        let note = try #require(genome.note(ofSegment: 1))
        #expect(note.content.contains("FCT(cin, cout) is the stem"))
        let child = genome.replacingSegment(1, with: "class FCT(nn.Module):\n    pass")
        #expect(child.note(ofSegment: 1) == note)
        #expect(child.code(ofSegment: 1) == "class FCT(nn.Module):\n    pass")
        for index in 2..<10 { #expect(child.segments[index] == genome.segments[index]) }
        #expect(child.segments[0] == genome.segments[0])
        #expect(child.source.contains("# --OPTION--\n# -- NOTE --\n# FCT(cin, cout) is the stem"))
        #expect(Genome(source: child.source).segments == child.segments)
    }

    @Test func aNoteTheLLMRewroteIsReplacedByTheOriginal() throws {
        let genome = Genome(source: try TestSupport.exquisiteNetSource())
        let edited = "# -- NOTE --\n# I changed the note\n# -- NOTE --\nclass FCT(nn.Module):\n    pass\n"
        let child = genome.replacingSegment(1, with: edited)
        #expect(child.note(ofSegment: 1) == genome.note(ofSegment: 1))
        #expect(!child.source.contains("I changed the note"))
    }

    @Test func replacingASegmentWithoutNoteAddsNone() throws {
        let genome = Genome(source: "import torch\n# --OPTION--\nclass ME:\n    x = 1\n\n# --OPTION--\ny = 2\n")
        #expect(genome.note(ofSegment: 1) == nil)
        let child = genome.replacingSegment(1, with: "\n\nclass ME(nn.Module):\n    pass\n\n\n")
        #expect(child.segments[1] == "\nclass ME(nn.Module):\n    pass\n\n")
    }

    @Test func differingSegmentsIgnoreFormattingButNotSubstance() throws {
        let genome = Genome(source: try TestSupport.exquisiteNetSource())
        let reformatted = genome.replacingSegment(
            4, with: "# squeeze and excite\n\n" + genome.code(ofSegment: 4)
                .replacingOccurrences(of: "bias=False", with: "bias = False")
                .replacingOccurrences(of: "):\n", with: "):  # block\n"))
        #expect(reformatted.differingSegments(from: genome).isEmpty)
        let changed = genome
            .replacingSegment(4, with: genome.code(ofSegment: 4).replacingOccurrences(of: "bias=False", with: "bias=True"))
            .replacingSegment(7, with: "class DW(nn.Module):\n    pass")
        #expect(changed.differingSegments(from: genome) == [4, 7])
        #expect(genome.differingSegments(from: changed) == [4, 7])
    }

    @Test func fingerprintIgnoresCommentsBlankLinesAndSpacing() {
        let a = Genome(source: "h\n# --OPTION--\ndef f(x):\n    return x + 1\n")
        let b = Genome(source: "h  # header\n# --OPTION--\n\ndef f( x ):   # doc\n\n        return x+1   \n")
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.fingerprint.count == 16)
    }

    @Test func aVariantKeepsTheParentsHashesAndMatchesAFreshParse() throws {
        let genome = Genome(source: try TestSupport.exquisiteNetSource())
        let child = genome.replacingSegment(4, with: "class DW(nn.Module):\n    width = 3")
        let variant = try #require(genome.variant(child.source, changingOnly: 4))
        #expect(variant == child && variant == Genome(source: child.source))
        #expect(variant.fingerprint != genome.fingerprint)
        #expect(genome.variant(genome.source, changingOnly: 4) == genome, "an unchanged answer is a variant (a duplicate)")
        // Changes elsewhere, the header, an extra marker line, a wrong index.
        #expect(genome.variant(child.source, changingOnly: 5) == nil)
        #expect(genome.variant("import os\n" + child.source, changingOnly: 4) == nil)
        #expect(genome.variant(child.source + "\n# --OPTION--\nx = 1\n", changingOnly: 4) == nil)
        #expect(genome.variant(child.source, changingOnly: 0) == nil)
        #expect(genome.variant(child.source, changingOnly: Int.max) == nil)
    }

    @Test func aDecodedGenomeKeepsItsHashesAndAnOldOneGetsThem() throws {
        let genome = Genome(source: "h\n# --OPTION--\ndef f(x):\n    return x + 1\n# --OPTION--\ny = 2\n")
        let data = try JSONEncoder().encode(genome)
        #expect(try JSONDecoder().decode(Genome.self, from: data) == genome)
        let old = try JSONSerialization.data(withJSONObject: ["marker": genome.marker, "segments": genome.segments])
        #expect(try JSONDecoder().decode(Genome.self, from: old) == genome)
    }

    @Test func fingerprintSeesCodeStringsAndIndentation() {
        let base = "def f(x):\n    if x:\n        a = 1\n    b = 2\n"
        let moved = "def f(x):\n    if x:\n        a = 1\n        b = 2\n"
        #expect(CodeNormalizer.fingerprint(base) != CodeNormalizer.fingerprint(moved))
        #expect(CodeNormalizer.fingerprint("s = '# not a comment'") != CodeNormalizer.fingerprint("s = ''"))
        #expect(CodeNormalizer.fingerprint("x = 1") != CodeNormalizer.fingerprint("x = 2"))
        #expect(CodeNormalizer.fingerprint("return x") != CodeNormalizer.fingerprint("returnx"))
    }

    @Test func normalizerKeepsMultiLineStringsAndBracketContinuations() {
        let source = "x = \"\"\"\n# inside\n  text\n\"\"\"\ny = f(1,\n      2)  # tail\n"
        let normalized = CodeNormalizer.normalize(source)
        #expect(normalized.contains("# inside"))
        #expect(normalized.hasSuffix("y=f(1,\n  2)"))
    }
}
