import Foundation
import GEBus
import GEBusTestSupport
import Testing

@Suite(.serialized) struct BrokerSocketTests {
    func brokerConfig(heartbeat: Double = testHeartbeat) -> BrokerConfig {
        var config = BrokerConfig()
        config.heartbeatInterval = heartbeat
        return config
    }

    @Test func jobsFlowThroughSeveralWorkersOfBothKinds() throws {
        let broker = try BrokerHarness(config: brokerConfig())
        defer { broker.stop() }
        let gpus = try (0..<3).map { try WorkerHarness(context: broker.context, endpoint: broker.endpoint, name: "gpu\($0)", slots: 2, delay: 0.01) }
        let llm = try WorkerHarness(context: broker.context, endpoint: broker.endpoint, kind: .llm, name: "llm", slots: 4)
        defer { (gpus + [llm]).forEach { $0.stop() } }
        for index in 0..<60 {
            broker.send(.submit(id: "t\(index)", kind: index % 3 == 0 ? .llm : .gpu, payload: Data("p\(index)".utf8)))
        }
        #expect(eventually { broker.completed.count == 60 })
        let completions = broker.completions()
        #expect(Set(completions.map(\.id)).count == 60)
        #expect(completions.allSatisfy { $0.payload == Data("p\($0.id.dropFirst())".utf8) })
        let gpuWorkers = Set(completions.filter { Int($0.id.dropFirst())! % 3 != 0 }.map(\.worker))
        #expect(gpuWorkers.count == 3, "every GPU worker took jobs: \(gpuWorkers)")
        #expect(completions.filter { Int($0.id.dropFirst())! % 3 == 0 }.allSatisfy { $0.worker.hasPrefix("llm-") })
        #expect(broker.allActions.contains { if case .progress(_, let text) = $0 { text.hasPrefix("started") } else { false } })
    }

    @Test func creditLimitsJobsInFlightPerWorker() throws {
        let broker = try BrokerHarness(config: brokerConfig())
        defer { broker.stop() }
        let worker = try WorkerHarness(context: broker.context, endpoint: broker.endpoint, name: "slow", slots: 2, delay: 0.3)
        defer { worker.stop() }
        for index in 0..<6 { broker.send(.submit(id: "t\(index)", kind: .gpu, payload: Data())) }
        #expect(eventually { worker.executor.started.withLock { $0.count } == 2 })
        Thread.sleep(forTimeInterval: 0.1)
        #expect(worker.executor.started.withLock { $0.count } == 2)
        #expect(eventually { broker.completed.count == 6 })
    }

    @Test func aWorkerAttachingMidRunGetsWorkWithinAHeartbeat() throws {
        let broker = try BrokerHarness(config: brokerConfig())
        defer { broker.stop() }
        let first = try WorkerHarness(context: broker.context, endpoint: broker.endpoint, name: "first", delay: 0.4)
        defer { first.stop() }
        for index in 0..<10 { broker.send(.submit(id: "t\(index)", kind: .gpu, payload: Data())) }
        #expect(eventually { broker.completed.count >= 1 })
        let attached = Date()
        let late = try WorkerHarness(context: broker.context, endpoint: broker.endpoint, name: "late", delay: 0.4)
        defer { late.stop() }
        #expect(eventually { !late.executor.started.withLock { $0.isEmpty } })
        // The first worker alone would need over 3 s more; the late one must not wait
        // for a heartbeat round trip to get work (one interval, plus slack
        // for a loaded machine).
        #expect(Date().timeIntervalSince(attached) < testHeartbeat + 1, "work started within a heartbeat interval")
        #expect(eventually { broker.completed.count == 10 })
    }

    @Test func aDrainedWorkerFinishesItsJobTakesNoMoreAndExits() throws {
        let broker = try BrokerHarness(config: brokerConfig())
        defer { broker.stop() }
        let drained = try WorkerHarness(context: broker.context, endpoint: broker.endpoint, name: "drained", delay: 0.3)
        broker.send(.submit(id: "t0", kind: .gpu, payload: Data()))
        #expect(eventually { drained.executor.started.withLock { $0 } == ["t0"] })
        let id = try #require(broker.workers.first?.id)
        broker.send(.drain(workerID: id))
        for index in 1..<4 { broker.send(.submit(id: "t\(index)", kind: .gpu, payload: Data())) }
        #expect(drained.waitUntilFinished(timeout: 5))
        #expect(drained.result == "finished")
        // The broker thread records the completion just after it acknowledged it.
        #expect(eventually { broker.completed == ["t0"] })
        #expect(drained.executor.started.withLock { $0 } == ["t0"])
        let other = try WorkerHarness(context: broker.context, endpoint: broker.endpoint, name: "other")
        defer { other.stop() }
        #expect(eventually { broker.completed.count == 4 })
    }

    @Test func cancelStopsARunningJob() throws {
        let broker = try BrokerHarness(config: brokerConfig())
        defer { broker.stop() }
        let worker = try WorkerHarness(context: broker.context, endpoint: broker.endpoint, name: "w", delay: 30)
        defer { worker.stop() }
        broker.send(.submit(id: "long", kind: .gpu, payload: Data()))
        #expect(eventually { worker.executor.started.withLock { $0 } == ["long"] })
        broker.send(.cancel(jobID: "long"))
        #expect(eventually { worker.executor.cancelled.withLock { $0 } == ["long"] })
        broker.send(.submit(id: "next", kind: .gpu, payload: Data("quick".utf8)))
        #expect(eventually { broker.completed == ["next"] }, "the slot came back after the cancelled job ended")
    }

    @Test func workersReconnectAfterTheDaemonRestartsAndDeliverResultsMeanwhile() throws {
        let context = try ZMQContext()
        let first = try BrokerHarness(config: brokerConfig(), context: context)
        let endpoint = first.endpoint
        let worker = try WorkerHarness(context: context, endpoint: endpoint, name: "w", delay: 0.5)
        defer { worker.stop() }
        first.send(.submit(id: "t1", kind: .gpu, payload: Data("r".utf8)))
        #expect(eventually { worker.executor.started.withLock { $0 } == ["t1"] })
        let lease = try #require(first.leases["t1"])
        first.stop()
        // The daemon restarts on the same endpoint and re-queues what was in
        // flight under the lease it kept: the worker claims it.
        let second = try BrokerHarness(endpoint: endpoint, config: brokerConfig(), context: context)
        defer { second.stop() }
        second.send(.submit(id: "t1", kind: .gpu, payload: Data("r".utf8), lease: lease))
        #expect(eventually { second.completed == ["t1"] })
        #expect(worker.executor.started.withLock { $0 } == ["t1"], "the job was not run twice")
    }

    @Test func curveAcceptsAnAuthorizedWorkerAndRefusesAnUnknownKey() throws {
        let context = try ZMQContext()
        let server = try CurveKeyPair.generate()
        let trusted = try CurveKeyPair.generate()
        let stranger = try CurveKeyPair.generate()
        try ZAPHandler(authorizedKeys: [trusted.publicKey]).start(context: context)
        let broker = try BrokerHarness(config: brokerConfig(), curve: CurveServerKeys(keys: server), context: context)
        defer { broker.stop() }
        let good = try WorkerHarness(
            context: context, endpoint: broker.endpoint, name: "trusted",
            curve: CurveClientKeys(keys: trusted, serverPublicKey: server.publicKey))
        let bad = try WorkerHarness(
            context: context, endpoint: broker.endpoint, name: "stranger",
            curve: CurveClientKeys(keys: stranger, serverPublicKey: server.publicKey))
        let plain = try WorkerHarness(context: context, endpoint: broker.endpoint, name: "plain")
        defer { [good, bad, plain].forEach { $0.stop() } }
        for index in 0..<5 { broker.send(.submit(id: "t\(index)", kind: .gpu, payload: Data())) }
        #expect(eventually { broker.completed.count == 5 })
        Thread.sleep(forTimeInterval: 0.3)
        #expect(broker.workers.map(\.name) == ["trusted"])
        #expect(good.executor.started.withLock { $0.count } == 5)
        #expect(bad.executor.started.withLock { $0.isEmpty })
    }

    @Test func keyFilesRoundTripAndAuthorizedKeysLoadFromADirectory() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pair = try CurveKeyPair.generate()
        try pair.write(to: directory + "/worker")
        #expect(try CurveKeyPair.load(from: directory + "/worker") == pair)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/worker")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        try FileManager.default.removeItem(atPath: directory + "/worker")
        #expect(try ZAPHandler.authorizedKeys(inDirectory: directory) == [pair.publicKey])
        try "public-key = \"short\"\n".write(toFile: directory + "/bad.pub", atomically: true, encoding: .utf8)
        #expect(throws: CurveKeyError.malformedKeyFile(path: directory + "/bad.pub")) {
            try ZAPHandler.authorizedKeys(inDirectory: directory)
        }
        #expect(throws: CurveKeyError.unreadable(path: "/nonexistent/key")) { try CurveKeyPair.load(from: "/nonexistent/key") }
    }
}
