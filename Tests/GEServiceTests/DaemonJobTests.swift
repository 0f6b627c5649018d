import Foundation
import GEBus
import GECore
@testable import GEService
import Testing

@Suite struct DaemonJobTests {
    @Test func idsRoundTripAndForeignIdsAreRejected() {
        for job in [DaemonJob.generate(requestID: 17), .evaluate(4, rung: 0), .evaluate(4, rung: 2)] {
            #expect(DaemonJob(id: job.id) == job)
        }
        // A run without rungs names its evaluations as before.
        #expect(DaemonJob.evaluate(4, rung: 0).id == "e4" && DaemonJob.evaluate(4, rung: 2).id == "e4@2")
        #expect(DaemonJob.generate(requestID: 3).kind == .llm && DaemonJob.evaluate(3, rung: 0).kind == .gpu)
        for foreign in [
            "", "r", "x12", "e1.5", "t0", "e-1", "e4@", "e4@0", "e4@-1", "e4@99", "e4@1@2", "r4@1", "e@1",
            "e9223372036854775808", "e4@9223372036854775807", "e4@1x",
        ] {
            #expect(DaemonJob(id: foreign) == nil, "\(foreign)")
        }
    }

    @Test func aResultCountsOnlyForTheRungItWasAskedFor() throws {
        var config = EngineConfig()
        config.fidelity = EngineConfig.Fidelity(rungs: 3)
        let engine = try Engine(seed: Genome(source: "import torch\n# --OPTION--\nx = 1\n"), config: config, rngSeed: 1)
        // The seed trains at full fidelity: rung 2.
        #expect(DaemonJob.evaluate(0, rung: 2).isCurrent(in: engine))
        #expect(!DaemonJob.evaluate(0, rung: 0).isCurrent(in: engine))
        #expect(!DaemonJob.evaluate(1, rung: 0).isCurrent(in: engine), "an individual that does not exist")
        #expect(DaemonJob.generate(requestID: 9).isCurrent(in: engine))
    }

    @Test func resultsBecomeEngineInputsAsTheWorkerSentThem() throws {
        let call = LLMCall(requests: 1, seconds: 0.1, answer: "```python\nx = 1\n```")
        let outcomes: [LLMOutcome] = [
            .code(source: "x = 1", call: call), .failure(Failure(.noCode, "no block"), call: call),
        ]
        for outcome in outcomes {
            let payload = try JSONEncoder().encode(outcome)
            #expect(DaemonJob.generate(requestID: 5).input(for: payload) == .answer(requestID: 5, outcome))
        }
        let run = TrainingRun(metrics: ["epochs": 2], logTail: "ok", phase: .train, seconds: 1)
        let evaluations: [EvaluationOutcome] = [
            .scored(objectives: [0.9, 100], run: run), .failure(Failure(.shape, "bad", excerpt: "Traceback"), run: run),
        ]
        for outcome in evaluations {
            let payload = try JSONEncoder().encode(outcome)
            #expect(DaemonJob.evaluate(8, rung: 1).input(for: payload) == .evaluation(8, outcome))
        }
    }

    @Test func unreadableResultsAreInvalidResultsNotGuesses() throws {
        // A payload of the other kind, garbage, or a result without a kind.
        let llmPayload = try JSONEncoder().encode(LLMOutcome.code(source: "x = 1", call: .none))
        for payload in [Data("{".utf8), llmPayload, Data("{}".utf8), Data(repeating: 0x41, count: 1 << 20)] {
            guard case .evaluation(8, .failure(let failure, _)) = DaemonJob.evaluate(8, rung: 0).input(for: payload) else {
                Issue.record("an unreadable evaluation result must fail the evaluation")
                continue
            }
            #expect(failure.kind == .invalidResult)
        }
        #expect(DaemonJob.generate(requestID: 2).failure(Failure(.abandoned, "no worker"))
            == .answer(requestID: 2, .failure(Failure(.abandoned, "no worker"), call: .none)))
    }

    @Test func lineDiffMarksChangedLinesWithContext() {
        let old = (1...10).map { "line \($0)" }.joined(separator: "\n")
        let new = old.replacingOccurrences(of: "line 5", with: "line five")
        #expect(LineDiff.unified(from: old, to: new, context: 1) == " line 4\n-line 5\n+line five\n line 6")
        #expect(LineDiff.unified(from: old, to: old).isEmpty)
    }
}
