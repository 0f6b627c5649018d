import Foundation
import GEBus
import GECore
@testable import GEService
import Testing

@Suite struct DaemonJobTests {
    @Test func idsRoundTripAndForeignIdsAreRejected() {
        for job in [DaemonJob.generate(requestID: 17), .evaluate(4)] {
            #expect(DaemonJob(id: job.id) == job)
        }
        #expect(DaemonJob.generate(requestID: 3).kind == .llm && DaemonJob.evaluate(3).kind == .gpu)
        for foreign in ["", "r", "x12", "e1.5", "t0"] { #expect(DaemonJob(id: foreign) == nil) }
    }

    @Test func resultsBecomeEngineInputs() throws {
        let code = try JSONEncoder().encode(LLMJobOutcome(code: "x = 1", requests: 1, seconds: 0.1))
        #expect(DaemonJob.generate(requestID: 5).input(for: code) == .answer(requestID: 5, .code("x = 1")))
        let noCode = try JSONEncoder().encode(LLMJobOutcome(failure: .noCode, reason: "no block", requests: 1, seconds: 0))
        #expect(DaemonJob.generate(requestID: 5).input(for: noCode) == .answer(requestID: 5, .failure(reason: "no_code: no block")))
        let trained = try JSONEncoder().encode(TrainingJobOutcome(objectives: [0.9, 100], phase: "train", seconds: 1))
        #expect(DaemonJob.evaluate(8).input(for: trained) == .evaluation(8, .success(objectives: [0.9, 100])))
        let crashed = try JSONEncoder().encode(TrainingJobOutcome(failure: .shape, reason: "bad", phase: "screen", seconds: 1))
        #expect(DaemonJob.evaluate(8).input(for: crashed) == .evaluation(8, .failure(reason: "shape: bad")))
        #expect(DaemonJob.evaluate(8).input(for: Data("{".utf8)) == .evaluation(8, .failure(reason: "the GPU worker sent an unreadable result")))
        #expect(DaemonJob.generate(requestID: 2).failure("abandoned") == .answer(requestID: 2, .failure(reason: "abandoned")))
    }

    @Test func lineDiffMarksChangedLinesWithContext() {
        let old = (1...10).map { "line \($0)" }.joined(separator: "\n")
        let new = old.replacingOccurrences(of: "line 5", with: "line five")
        #expect(LineDiff.unified(from: old, to: new, context: 1) == " line 4\n-line 5\n+line five\n line 6")
        #expect(LineDiff.unified(from: old, to: old).isEmpty)
    }
}
