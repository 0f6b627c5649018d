import Foundation
import GEBus
import Testing

@Suite struct BrokerCoreTests {
    let gpuA = Data("A".utf8), gpuB = Data("B".utf8), llm = Data("L".utf8)

    func hello(_ kind: WorkerKind, slots: Int, running: [HeldJob] = []) -> BusMessage {
        .hello(Hello(kind: kind, name: "\(kind)", host: "h", capabilities: WorkerCapabilities(slots: slots), running: running))
    }

    func jobs(in actions: [BrokerAction]) -> [(Data, String)] {
        actions.compactMap {
            if case .send(let to, .job(let job)) = $0 { (to, job.id) } else { nil }
        }
    }

    /// The lease of the hand-out of `jobID` among `actions`.
    func leaseOf(_ jobID: String, in actions: [BrokerAction]) -> String? {
        actions.lazy.compactMap { action -> String? in
            if case .send(_, .job(let job)) = action, job.id == jobID { job.lease } else { nil }
        }.first
    }

    func completions(_ actions: [BrokerAction]) -> [String] {
        actions.compactMap { if case .completed(let id, _, _, _) = $0 { id } else { nil } }
    }

    func refusals(_ actions: [BrokerAction]) -> Int {
        actions.count { if case .refused = $0 { true } else { false } }
    }

    @Test func jobsGoOnlyToWorkersOfTheirKindWithinTheirSlots() throws {
        var broker = BrokerCore()
        _ = broker.receive(hello(.gpu, slots: 1), from: gpuA, now: 0)
        _ = broker.receive(hello(.llm, slots: 4), from: llm, now: 0)
        var actions = broker.submit(id: "t1", kind: .gpu, payload: Data())
        actions += broker.submit(id: "t2", kind: .gpu, payload: Data())
        actions += broker.submit(id: "p1", kind: .llm, payload: Data())
        let sent = jobs(in: actions)
        #expect(sent.map(\.1) == ["t1", "p1"])
        #expect(sent[0].0 == gpuA && sent[1].0 == llm)
        #expect(actions.contains(.leased(jobID: "t1", lease: try #require(leaseOf("t1", in: actions)))))
        #expect(broker.queued(.gpu) == 1)
        let afterResult = broker.receive(.result(jobID: "t1", lease: try #require(leaseOf("t1", in: actions)), payload: Data("ok".utf8)), from: gpuA, now: 1)
        #expect(!afterResult.contains(.send(to: gpuA, .ack(jobID: "t1"))), "acknowledged only once stored")
        #expect(afterResult.contains(.completed(jobID: "t1", payload: Data("ok".utf8), worker: "gpu-1", peer: gpuA)))
        #expect(jobs(in: afterResult).map(\.1) == ["t2"], "the freed slot is used at once: credit is derived, not granted")
    }

    @Test func aJobNamingAModelGoesOnlyToAWorkerServingItAndDoesNotHoldUpOthers() throws {
        var broker = BrokerCore()
        let small = Data("S".utf8), large = Data("X".utf8), unnamed = Data("U".utf8)
        func llmHello(_ model: String?) -> BusMessage {
            .hello(Hello(kind: .llm, name: model ?? "any", host: "h", capabilities: WorkerCapabilities(slots: 1, provider: "openai", model: model)))
        }
        _ = broker.receive(llmHello("small"), from: small, now: 0)
        var actions = broker.submit(id: "r1", kind: .llm, payload: Data(), model: "large")
        actions += broker.submit(id: "r2", kind: .llm, payload: Data(), model: "small")
        actions += broker.submit(id: "r3", kind: .llm, payload: Data(), model: "absent")
        #expect(jobs(in: actions).map(\.1) == ["r2"], "r1 waits for a large worker without blocking r2")
        actions = broker.receive(llmHello("large"), from: large, now: 1)
        #expect(jobs(in: actions).map(\.0) == [large] && jobs(in: actions).map(\.1) == ["r1"])
        // A worker that names no model takes jobs that name none, never r3.
        actions = broker.receive(llmHello(nil), from: unnamed, now: 2)
        actions += broker.submit(id: "r4", kind: .llm, payload: Data(), now: 2)
        #expect(jobs(in: actions).map(\.1) == ["r4"])
        #expect(jobs(in: actions).map(\.0) == [unnamed])
        #expect(broker.queued(.llm) == 1, "r3 waits for a worker serving its model")
    }

    @Test func aSilentWorkerIsDeclaredDeadAndItsJobsGoElsewhereAfterTheReclaimWindow() {
        var broker = BrokerCore()
        _ = broker.receive(hello(.gpu, slots: 1), from: gpuA, now: 0)
        _ = broker.submit(id: "t1", kind: .gpu, payload: Data())
        _ = broker.receive(hello(.gpu, slots: 1), from: gpuB, now: 0)
        _ = broker.receive(.heartbeat, from: gpuB, now: 2.5)
        #expect(!broker.tick(now: 2.9).contains { if case .workerLeft = $0 { true } else { false } })
        let actions = broker.tick(now: 3.1)
        #expect(actions.contains { if case .workerLeft(let w, _) = $0 { w.id == "gpu-1" } else { false } })
        #expect(jobs(in: actions).isEmpty, "A may only have lost its connection: its job waits for it")
        _ = broker.receive(.heartbeat, from: gpuB, now: 10)
        _ = broker.receive(.heartbeat, from: gpuB, now: 17)
        let later = broker.tick(now: 18.2)
        #expect(jobs(in: later).map(\.0) == [gpuB])
        let attempt = later.compactMap { if case .send(_, .job(let job)) = $0 { job.attempt } else { nil } }
        #expect(attempt == [2])
    }

    @Test func aWorkerBackWithinTheWindowClaimsItsJobWithItsLease() throws {
        var broker = BrokerCore()
        _ = broker.receive(hello(.gpu, slots: 1), from: gpuA, now: 0)
        let lease = try #require(leaseOf("t1", in: broker.submit(id: "t1", kind: .gpu, payload: Data())))
        _ = broker.tick(now: 3.5)
        let returning = Data("A2".utf8)
        let back = broker.receive(hello(.gpu, slots: 1, running: [HeldJob(id: "t1", lease: lease)]), from: returning, now: 5)
        #expect(jobs(in: back).isEmpty && !back.contains(.send(to: returning, .cancel(jobID: "t1"))))
        #expect(broker.workers[returning]?.running == ["t1"] && broker.lease(of: "t1") == lease)
        #expect(completions(broker.receive(.result(jobID: "t1", lease: lease, payload: Data()), from: returning, now: 6)) == ["t1"])
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
            for action in broker.tick(now: now) + broker.tick(now: now + 20) {
                if case .abandoned(let id, let reason) = action {
                    abandoned.append(id)
                    #expect(reason.contains("handed out 2 times without a result"), "\(reason)")
                }
            }
            now += 20
        }
        #expect(abandoned == ["t1"])
        #expect(broker.queued(.gpu) == 0)
    }

    @Test func duplicateAndLateResultsAreAcknowledgedAndIgnored() throws {
        var broker = BrokerCore()
        _ = broker.receive(hello(.gpu, slots: 1), from: gpuA, now: 0)
        let lease = try #require(leaseOf("t1", in: broker.submit(id: "t1", kind: .gpu, payload: Data())))
        let first = broker.receive(.result(jobID: "t1", lease: lease, payload: Data("1".utf8)), from: gpuA, now: 1)
        #expect(completions(first) == ["t1"])
        let second = broker.receive(.result(jobID: "t1", lease: lease, payload: Data("2".utf8)), from: gpuA, now: 1)
        #expect(second == [.send(to: gpuA, .ack(jobID: "t1"))])
        #expect(broker.submit(id: "t1", kind: .gpu, payload: Data()).isEmpty, "a finished job id is not run again")
    }

    /// A worker declared dead whose job went to another: its late result
    /// carries a superseded lease, is acknowledged and dropped, and the new
    /// holder keeps the job ("cancelled" never becomes the job's outcome).
    @Test func aResultUnderASupersededLeaseIsDroppedAndTheNewHolderKeepsTheJob() throws {
        var config = BrokerConfig()
        config.reclaimWindow = 0.5
        var broker = BrokerCore(config: config)
        _ = broker.receive(hello(.gpu, slots: 1), from: gpuA, now: 0)
        let old = try #require(leaseOf("t1", in: broker.submit(id: "t1", kind: .gpu, payload: Data())))
        _ = broker.tick(now: 3.5)
        let handed = broker.receive(hello(.gpu, slots: 1), from: gpuB, now: 4)
        #expect(jobs(in: handed).map(\.0) == [gpuB])
        let new = try #require(leaseOf("t1", in: handed))
        let returning = Data("A2".utf8)
        let claim = broker.receive(hello(.gpu, slots: 1, running: [HeldJob(id: "t1", lease: old)]), from: returning, now: 20)
        #expect(claim.contains(.send(to: returning, .cancel(jobID: "t1"))), "the stale copy is stopped")
        #expect(!claim.contains(.send(to: gpuB, .cancel(jobID: "t1"))), "the live holder is left alone")
        #expect(broker.workers[returning]?.stale == ["t1"] && broker.workers[returning]?.credit == 0, "its slot is taken until it reports")
        let late = broker.receive(.result(jobID: "t1", lease: old, payload: Data("cancelled".utf8)), from: returning, now: 21)
        #expect(late.contains(.send(to: returning, .ack(jobID: "t1"))) && completions(late).isEmpty)
        #expect(broker.workers[returning]?.credit == 1)
        #expect(completions(broker.receive(.result(jobID: "t1", lease: new, payload: Data()), from: gpuB, now: 22)) == ["t1"])
    }

    @Test func aPeerCannotCompleteOrClaimAJobItDoesNotHold() throws {
        var broker = BrokerCore()
        let intruder = Data("X".utf8)
        _ = broker.receive(hello(.gpu, slots: 1), from: gpuA, now: 0)
        let lease = try #require(leaseOf("t1", in: broker.submit(id: "t1", kind: .gpu, payload: Data())))
        _ = broker.receive(hello(.gpu, slots: 4), from: intruder, now: 0)
        _ = broker.receive(hello(.llm, slots: 4), from: llm, now: 0)
        #expect(broker.lease(of: "t1") == lease)
        // The holder's own lease, from the wrong identity or the wrong kind of worker.
        for peer in [intruder, llm] {
            let forged = broker.receive(.result(jobID: "t1", lease: lease, payload: Data("1.0".utf8)), from: peer, now: 1)
            #expect(completions(forged).isEmpty && refusals(forged) == 1)
        }
        // A guessed lease from the holder itself.
        #expect(completions(broker.receive(.result(jobID: "t1", lease: "guess", payload: Data()), from: gpuA, now: 1)).isEmpty)
        // A hello claiming it: refused, the holder keeps it.
        let claim = broker.receive(hello(.gpu, slots: 4, running: [HeldJob(id: "t1", lease: "guess")]), from: Data("Y".utf8), now: 1)
        #expect(refusals(claim) == 1 && broker.workers[gpuA]?.running == ["t1"])
        #expect(broker.receive(.progress(jobID: "t1", lease: "guess", message: "x"), from: gpuA, now: 1).isEmpty)
        #expect(broker.receive(.progress(jobID: "t1", lease: lease, message: "x"), from: gpuA, now: 1) == [.progress(jobID: "t1", message: "x")])
        #expect(completions(broker.receive(.result(jobID: "t1", lease: lease, payload: Data()), from: gpuA, now: 2)) == ["t1"])
    }

    @Test func aJobPastItsDeadlineIsTakenBackAndItsHolderLosesTheSlot() throws {
        var broker = BrokerCore()
        _ = broker.receive(hello(.gpu, slots: 1), from: gpuA, now: 0)
        let first = try #require(leaseOf("t1", in: broker.submit(id: "t1", kind: .gpu, payload: Data(), deadline: 10)))
        _ = broker.receive(hello(.gpu, slots: 1), from: gpuB, now: 1)
        _ = broker.receive(.heartbeat, from: gpuA, now: 9)
        _ = broker.receive(.heartbeat, from: gpuB, now: 9)
        #expect(jobs(in: broker.tick(now: 9.5)).isEmpty)
        _ = broker.receive(.heartbeat, from: gpuA, now: 10)
        _ = broker.receive(.heartbeat, from: gpuB, now: 10)
        let overdue = broker.tick(now: 10.5)
        #expect(overdue.contains(.send(to: gpuA, .cancel(jobID: "t1"))))
        #expect(jobs(in: overdue).map(\.0) == [gpuB], "handed to the other worker at once")
        #expect(broker.workers[gpuA]?.credit == 0, "A keeps no free slot while it may still run the job")
        let dropped = broker.receive(.result(jobID: "t1", lease: first, payload: Data()), from: gpuA, now: 11)
        #expect(completions(dropped).isEmpty && broker.workers[gpuA]?.credit == 1)
    }

    @Test func dispatchSpreadsJobsOverTheLeastLoadedWorkers() {
        var broker = BrokerCore()
        _ = broker.receive(hello(.gpu, slots: 1000), from: gpuA, now: 0)
        _ = broker.receive(hello(.gpu, slots: 2), from: gpuB, now: 0)
        var holders: [Data] = []
        for index in 0..<4 { holders += jobs(in: broker.submit(id: "t\(index)", kind: .gpu, payload: Data())).map(\.0) }
        // Not all to the worker with the most credit: B is idle after the first.
        #expect(holders.filter { $0 == gpuB }.count == 1, "\(holders.map { String(decoding: $0, as: UTF8.self) })")
        #expect(broker.workers[gpuB]!.running.count == 1)
    }

    @Test func reconnectingWorkersKeepTheirRunningJobsOnlyWithTheirLeases() throws {
        var broker = BrokerCore()
        _ = broker.receive(hello(.gpu, slots: 1), from: gpuB, now: 0)
        let lease = try #require(leaseOf("t1", in: broker.submit(id: "t1", kind: .gpu, payload: Data())))
        _ = broker.submit(id: "t2", kind: .gpu, payload: Data())
        // B reconnects as A (a new socket) before its old session expires.
        let actions = broker.receive(hello(.gpu, slots: 3, running: [HeldJob(id: "t1", lease: lease), HeldJob(id: "t9", lease: "x")]), from: gpuA, now: 1)
        #expect(jobs(in: actions).map(\.1).contains("t2"))
        #expect(actions.contains(.send(to: gpuA, .cancel(jobID: "t9"))), "a job the daemon does not know is stopped")
        #expect(broker.workers[gpuA]?.running == ["t1", "t2"] && broker.workers[gpuA]?.stale == ["t9"])
        #expect(!actions.contains(.send(to: gpuB, .cancel(jobID: "t1"))), "nothing to cancel on the old session: same holder")
        #expect(broker.workers[gpuB] == nil, "its old session is over")
    }

    @Test func afterARestartAJobWaitsForTheHolderOfItsLastLease() {
        var broker = BrokerCore()
        _ = broker.submit(id: "t1", kind: .gpu, payload: Data(), lease: "persisted", now: 0)
        _ = broker.submit(id: "t2", kind: .gpu, payload: Data(), lease: "other", now: 0)
        let first = broker.receive(hello(.gpu, slots: 1), from: gpuB, now: 1)
        #expect(jobs(in: first).isEmpty, "reserved for their holders")
        let holder = broker.receive(hello(.gpu, slots: 2, running: [HeldJob(id: "t1", lease: "persisted")]), from: gpuA, now: 2)
        #expect(broker.workers[gpuA]?.running == ["t1"] && jobs(in: holder).isEmpty)
        _ = broker.receive(.heartbeat, from: gpuA, now: 8)
        _ = broker.receive(.heartbeat, from: gpuB, now: 8)
        _ = broker.receive(.heartbeat, from: gpuA, now: 14)
        _ = broker.receive(.heartbeat, from: gpuB, now: 14)
        #expect(jobs(in: broker.tick(now: 15.5)).map(\.1) == ["t2"], "t2's holder never came back")
    }

    @Test func drainAndCancel() throws {
        var broker = BrokerCore()
        _ = broker.receive(hello(.gpu, slots: 2), from: gpuA, now: 0)
        let lease = try #require(leaseOf("t1", in: broker.submit(id: "t1", kind: .gpu, payload: Data())))
        #expect(broker.drain(workerID: "gpu-1") == [.send(to: gpuA, .drain)])
        #expect(broker.submit(id: "t2", kind: .gpu, payload: Data()).isEmpty)
        #expect(broker.queued(.gpu) == 1)
        #expect(broker.cancel(jobID: "t1") == [.send(to: gpuA, .cancel(jobID: "t1"))])
        #expect(broker.workers[gpuA]?.stale == ["t1"])
        #expect(broker.cancel(jobID: "t2").isEmpty)
        #expect(broker.queued(.gpu) == 0)
        #expect(broker.drain(workerID: "nobody").isEmpty)
        let late = broker.receive(.result(jobID: "t1", lease: lease, payload: Data()), from: gpuA, now: 1)
        #expect(completions(late).isEmpty && broker.workers[gpuA]?.stale.isEmpty == true)
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

    @Test func helloBeyondTheCapIsTurnedAwayAndIdsContinueFromTheConfiguredNumber() {
        var config = BrokerConfig()
        config.maximumWorkersPerKind = 2
        config.firstWorkerNumber = 41
        var broker = BrokerCore(config: config)
        for index in 0..<5 { _ = broker.receive(hello(.gpu, slots: 1), from: Data("w\(index)".utf8), now: 0) }
        #expect(broker.workers.count == 2)
        #expect(Set(broker.workers.values.map(\.id)) == ["gpu-41", "gpu-42"])
        let refused = broker.receive(hello(.gpu, slots: 1), from: Data("late".utf8), now: 0)
        #expect(refusals(refused) == 1)
        #expect(refused.contains { if case .send(_, .bye(_, retry: true)) = $0 { true } else { false } })
        _ = broker.receive(hello(.llm, slots: 1), from: llm, now: 0)
        #expect(broker.workers[llm]?.id == "llm-43", "the cap is per kind")
    }
}
