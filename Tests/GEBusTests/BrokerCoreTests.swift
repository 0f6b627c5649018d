import Foundation
import GEBus
import Testing

@Suite struct BrokerCoreTests {
    let gpuA = Data("A".utf8), gpuB = Data("B".utf8), llm = Data("L".utf8)

    func hello(_ kind: WorkerKind, slots: Int, running: [String] = []) -> BusMessage {
        .hello(Hello(kind: kind, name: "\(kind)", host: "h", capabilities: WorkerCapabilities(slots: slots), running: running))
    }

    func jobs(in actions: [BrokerAction]) -> [(Data, String)] {
        actions.compactMap {
            if case .send(let to, .job(let job)) = $0 { (to, job.id) } else { nil }
        }
    }

    @Test func jobsGoOnlyToWorkersOfTheirKindWithinCredit() {
        var broker = BrokerCore()
        _ = broker.receive(hello(.gpu, slots: 1), from: gpuA, now: 0)
        _ = broker.receive(hello(.llm, slots: 4), from: llm, now: 0)
        var sent = jobs(in: broker.submit(id: "t1", kind: .gpu, payload: Data()))
        sent += jobs(in: broker.submit(id: "t2", kind: .gpu, payload: Data()))
        sent += jobs(in: broker.submit(id: "p1", kind: .llm, payload: Data()))
        #expect(sent.map(\.1) == ["t1", "p1"])
        #expect(sent[0].0 == gpuA && sent[1].0 == llm)
        #expect(broker.queued(.gpu) == 1)
        let afterResult = broker.receive(.result(jobID: "t1", payload: Data("ok".utf8)), from: gpuA, now: 1)
        #expect(!afterResult.contains(.send(to: gpuA, .ack(jobID: "t1"))), "acknowledged only once stored")
        #expect(afterResult.contains(.completed(jobID: "t1", payload: Data("ok".utf8), worker: "gpu-1", peer: gpuA)))
        #expect(jobs(in: afterResult).isEmpty, "no credit until the worker says it is ready")
        #expect(jobs(in: broker.receive(.ready(credit: 1), from: gpuA, now: 1)).map(\.1) == ["t2"])
    }

    @Test func aSilentWorkerIsDeclaredDeadAndItsJobsGoElsewhere() {
        var broker = BrokerCore()
        _ = broker.receive(hello(.gpu, slots: 1), from: gpuA, now: 0)
        _ = broker.submit(id: "t1", kind: .gpu, payload: Data())
        _ = broker.receive(hello(.gpu, slots: 1), from: gpuB, now: 0)
        _ = broker.receive(.heartbeat, from: gpuB, now: 2.5)
        #expect(!broker.tick(now: 2.9).contains { if case .workerLeft = $0 { true } else { false } })
        let actions = broker.tick(now: 3.1)
        #expect(actions.contains { if case .workerLeft(let w, _) = $0 { w.id == "gpu-1" } else { false } })
        #expect(jobs(in: actions).map(\.0) == [gpuB])
        let attempt = actions.compactMap { if case .send(_, .job(let job)) = $0 { job.attempt } else { nil } }
        #expect(attempt == [2])
    }

    @Test func aJobIsAbandonedAfterMaxAttempts() {
        var config = BrokerConfig()
        config.maxAttempts = 2
        var broker = BrokerCore(config: config)
        _ = broker.submit(id: "t1", kind: .gpu, payload: Data())
        var now = 0.0
        var abandoned: [String] = []
        for round in 0..<2 {
            let identity = Data("w\(round)".utf8)
            _ = broker.receive(hello(.gpu, slots: 1), from: identity, now: now)
            now += 10
            for action in broker.tick(now: now) {
                if case .abandoned(let id, let reason) = action {
                    abandoned.append(id)
                    #expect(reason.contains("2 workers were lost"))
                }
            }
        }
        #expect(abandoned == ["t1"])
        #expect(broker.queued(.gpu) == 0)
    }

    @Test func duplicateAndLateResultsAreAcknowledgedAndIgnored() {
        var broker = BrokerCore()
        _ = broker.receive(hello(.gpu, slots: 1), from: gpuA, now: 0)
        _ = broker.submit(id: "t1", kind: .gpu, payload: Data())
        let first = broker.receive(.result(jobID: "t1", payload: Data("1".utf8)), from: gpuA, now: 1)
        #expect(first.filter { if case .completed = $0 { true } else { false } }.count == 1)
        let second = broker.receive(.result(jobID: "t1", payload: Data("2".utf8)), from: gpuA, now: 1)
        #expect(second == [.send(to: gpuA, .ack(jobID: "t1"))])
        #expect(broker.submit(id: "t1", kind: .gpu, payload: Data()).isEmpty, "a finished job id is not run again")
    }

    @Test func aResultFromAnEarlierHolderFinishesTheJobAndCancelsTheNewHolder() {
        var broker = BrokerCore()
        _ = broker.receive(hello(.gpu, slots: 1), from: gpuA, now: 0)
        _ = broker.submit(id: "t1", kind: .gpu, payload: Data())
        _ = broker.tick(now: 3.5)
        #expect(broker.queued(.gpu) == 1, "A was declared dead and its job re-queued")
        #expect(jobs(in: broker.receive(hello(.gpu, slots: 1), from: gpuB, now: 4)).map(\.0) == [gpuB])
        // A comes back on a new connection with the result it finished meanwhile.
        let returning = Data("A2".utf8)
        #expect(broker.receive(.result(jobID: "t1", payload: Data()), from: returning, now: 5)
            == [.send(to: returning, .bye(reason: "unknown worker; say hello again", retry: true))])
        _ = broker.receive(hello(.gpu, slots: 1), from: returning, now: 5)
        let late = broker.receive(.result(jobID: "t1", payload: Data("late".utf8)), from: returning, now: 5)
        #expect(late.contains(.send(to: gpuB, .cancel(jobID: "t1"))))
        #expect(late.contains(.completed(jobID: "t1", payload: Data("late".utf8), worker: "gpu-3", peer: returning)))
        #expect(broker.workers[gpuB]?.running.isEmpty == true)
    }

    @Test func reconnectingWorkersKeepTheirRunningJobs() {
        var broker = BrokerCore()
        _ = broker.submit(id: "t1", kind: .gpu, payload: Data())
        _ = broker.submit(id: "t2", kind: .gpu, payload: Data())
        let actions = broker.receive(hello(.gpu, slots: 2, running: ["t1"]), from: gpuA, now: 0)
        #expect(jobs(in: actions).map(\.1) == ["t2"])
        #expect(broker.workers[gpuA]?.running == ["t1", "t2"])
    }

    @Test func drainAndCancel() {
        var broker = BrokerCore()
        _ = broker.receive(hello(.gpu, slots: 2), from: gpuA, now: 0)
        _ = broker.submit(id: "t1", kind: .gpu, payload: Data())
        #expect(broker.drain(workerID: "gpu-1") == [.send(to: gpuA, .drain)])
        #expect(broker.submit(id: "t2", kind: .gpu, payload: Data()).isEmpty)
        #expect(broker.queued(.gpu) == 1)
        #expect(broker.cancel(jobID: "t1") == [.send(to: gpuA, .cancel(jobID: "t1"))])
        #expect(broker.cancel(jobID: "t2").isEmpty)
        #expect(broker.queued(.gpu) == 0)
        #expect(broker.drain(workerID: "nobody").isEmpty)
    }

    @Test func unknownPeersAreAskedToSayHelloAndHeartbeatsGoOut() {
        var broker = BrokerCore()
        #expect(broker.receive(.heartbeat, from: gpuA, now: 0)
            == [.send(to: gpuA, .bye(reason: "unknown worker; say hello again", retry: true))])
        _ = broker.receive(hello(.llm, slots: 1), from: llm, now: 0)
        #expect(broker.tick(now: 1.0).contains(.send(to: llm, .heartbeat)))
        #expect(!broker.tick(now: 1.5).contains(.send(to: llm, .heartbeat)))
    }

    @Test func creditNeverExceedsTheFreeSlotsHoweverOftenAPeerIsReady() {
        var broker = BrokerCore()
        _ = broker.receive(hello(.gpu, slots: 2), from: gpuA, now: 0)
        for _ in 0..<1000 { _ = broker.receive(.ready(credit: 1024), from: gpuA, now: 0) }
        #expect(broker.workers[gpuA]?.credit == 2)
        for index in 0..<5 { _ = broker.submit(id: "t\(index)", kind: .gpu, payload: Data()) }
        #expect(broker.workers[gpuA]?.running.count == 2, "two slots, two jobs")
        _ = broker.receive(.ready(credit: 1024), from: gpuA, now: 0)
        #expect(broker.workers[gpuA]?.running.count == 2 && broker.workers[gpuA]?.credit == 0)
    }
}
