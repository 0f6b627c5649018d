import GETraining
import Testing

@Suite struct CommandTemplateTests {
    @Test func valuesAreShellQuoted() {
        let command = CommandTemplate.render(
            "python3 train.py --data {data} --output {output}", values: ["data": "/my data/it's", "output": "r.json"])
        #expect(command == #"python3 train.py --data '/my data/it'\''s' --output 'r.json'"#)
    }

    @Test func classifierReadsTheLog() {
        #expect(FailureClassifier.classify(ending: .exited(1), log: "  File x\nIndentationError: unexpected indent") == .syntax)
        #expect(FailureClassifier.classify(ending: .exited(1), log: "NameError: name 'FCT' is not defined") == .import)
        #expect(FailureClassifier.classify(ending: .exited(1), log: "RuntimeError: Given groups=1, weight of size [8], expected input[2, 3] to have 4 channels") == .shape)
        #expect(FailureClassifier.classify(ending: .signalled(9), log: "") == .crash)
        #expect(FailureClassifier.classify(ending: .timedOut, log: "SyntaxError") == .timeout)
        #expect(FailureClassifier.reason(ending: .signalled(9), log: "", phase: "train", timeout: 1) == "train was killed by signal 9")
    }
}
