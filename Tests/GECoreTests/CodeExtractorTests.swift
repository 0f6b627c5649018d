import GECore
import Testing

@Suite struct CodeExtractorTests {
    struct Shape: CustomTestStringConvertible, Sendable {
        let name: String
        let answer: String
        let expectedNames: [String]
        let code: String?
        var testDescription: String { name }
    }

    static let shapes: [Shape] = [
        Shape(name: "python tag", answer: "Here:\n```python\nclass A:\n    pass\n```\n", expectedNames: ["A"],
              code: "class A:\n    pass"),
        Shape(name: "no tag", answer: "```\nx = 1\n```", expectedNames: [], code: "x = 1"),
        Shape(name: "py tag", answer: "```py\ndef f():\n    return 1\n```", expectedNames: ["f"],
              code: "def f():\n    return 1"),
        Shape(name: "Python3 tag with capitals", answer: "```Python3\nx = 2\n```", expectedNames: [], code: "x = 2"),
        Shape(name: "tilde fence", answer: "~~~python\nx = 3\n~~~", expectedNames: [], code: "x = 3"),
        Shape(name: "four backticks", answer: "````python\nx = '```'\n````", expectedNames: [], code: "x = '```'"),
        Shape(name: "CRLF line ends", answer: "Sure.\r\n```python\r\nclass A:\r\n    pass\r\n```\r\nDone.",
              expectedNames: ["A"], code: "class A:\n    pass"),
        Shape(name: "leading space in reply (llama.cpp)", answer: " ```python\nx = 4\n```", expectedNames: [],
              code: "x = 4"),
        Shape(name: "trailing prose", answer: "```python\nx = 5\n```\nThis change improves accuracy because ...",
              expectedNames: [], code: "x = 5"),
        Shape(name: "reasoning before code (EoT)",
              answer: "Step 1: the SE block was replaced...\nStep 2: apply it.\n\n```python\nclass B:\n    y = 1\n```",
              expectedNames: ["B"], code: "class B:\n    y = 1"),
        Shape(name: "prefers the block defining the segment's names",
              answer: "```python\nimport torch\nimport torch.nn as nn\nimport numpy as np\n```\nThen:\n```python\nclass FCT(nn.Module):\n    pass\n```",
              expectedNames: ["FCT"], code: "class FCT(nn.Module):\n    pass"),
        Shape(name: "usage example after the code",
              answer: "```python\nclass A:\n    pass\n```\nUsage:\n```python\nmodel = A()\nout = model(torch.randn(1, 3, 32, 32))\nprint(out.shape)\n```",
              expectedNames: ["A"], code: "class A:\n    pass"),
        Shape(name: "old and new version, new defines more names",
              answer: "Old:\n```python\nclass A:\n    pass\n```\nNew:\n```python\ndef helper():\n    return 2\n\nclass A:\n    x = helper()\n```",
              expectedNames: ["A", "helper"], code: "def helper():\n    return 2\n\nclass A:\n    x = helper()"),
        Shape(name: "no names known: longest python block",
              answer: "```python\nx = 1\n```\n```python\nx = 1\ny = 2\nz = 3\n```", expectedNames: [],
              code: "x = 1\ny = 2\nz = 3"),
        Shape(name: "shell block is not taken over python",
              answer: "```bash\npip install torch torchvision timm einops\n```\n```python\nx = 1\n```",
              expectedNames: [], code: "x = 1"),
        Shape(name: "only a non-python block is still code",
              answer: "```text\nclass A:\n    pass\n```", expectedNames: ["A"], code: "class A:\n    pass"),
        Shape(name: "fence indented in a list item",
              answer: "1. Replace the block:\n   ```python\n   class A:\n       pass\n   ```\n",
              expectedNames: ["A"], code: "class A:\n    pass"),
        Shape(name: "truncated answer without closing fence",
              answer: "```python\nclass A:\n    def f(self):\n        return", expectedNames: ["A"],
              code: "class A:\n    def f(self):\n        return"),
        Shape(name: "blank lines inside and around", answer: "```python\n\n\nx = 1\n\ny = 2\n\n```",
              expectedNames: [], code: "x = 1\n\ny = 2"),
        Shape(name: "indentation inside code kept", answer: "```python\n    x = 1\n```", expectedNames: [],
              code: "    x = 1"),
        Shape(name: "inline backticks are not fences",
              answer: "Use `nn.SiLU` here.\n```python\nact = nn.SiLU()\n```", expectedNames: [],
              code: "act = nn.SiLU()"),
        Shape(name: "fence with attributes after language", answer: "```python title=\"net.py\"\nx = 9\n```",
              expectedNames: [], code: "x = 9"),
        Shape(name: "no block at all", answer: "I would increase the number of channels to 64.", expectedNames: [],
              code: nil),
        Shape(name: "empty answer", answer: "", expectedNames: [], code: nil),
        Shape(name: "only empty blocks", answer: "```python\n```\n```\n\n```", expectedNames: [], code: nil),
    ]

    @Test(arguments: shapes)
    func extractsTheRightCode(shape: Shape) {
        let result = CodeExtractor.extract(from: shape.answer, expectedNames: shape.expectedNames)
        switch (result, shape.code) {
        case (.success(let code), .some(let expected)):
            #expect(code == expected)
        case (.failure, nil):
            break
        case (.success(let code), nil):
            Issue.record("expected a failure, got code: \(code)")
        case (.failure(let failure), .some):
            Issue.record("expected code, got \(failure)")
        }
    }

    @Test func failuresAreTyped() {
        #expect(CodeExtractor.extract(from: "no code") == .failure(.noCodeBlock))
        #expect(CodeExtractor.extract(from: "```python\n\n```") == .failure(.emptyCodeBlock))
        #expect(ExtractionFailure.noCodeBlock.description.contains("no fenced code block"))
    }

    @Test func definedNamesFindsTopLevelClassesAndFunctions() {
        let code = "import x\nclass FCT(nn.Module):\n    def forward(self):\n        pass\ndef get_optimizer(m):\n    pass\nasync def run(): pass\n"
        #expect(CodeExtractor.definedNames(in: code) == ["FCT", "get_optimizer", "run"])
    }
}
