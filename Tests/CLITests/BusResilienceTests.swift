import Foundation
import GEBus
import GEBusTestSupport
import GECore
import GEStore
import Testing

extension ProcessSuites {
    /// The real ged with real workers, attacked and interrupted: hostile
    /// peers on the work socket, kill -9 with LLM jobs and evaluations in
    /// flight, and the daemon stopped (SIGSTOP) while workers are mid-job.
    @Suite(.serialized) struct BusResilienceTests {
        /// Failure kinds that would mean the bus lost or confused a job.
        static let busFailures: Set<String> = ["cancelled", "abandoned"]

        func workers(_ run: LocalRun) -> [[String: Any]] {
            ((try? run.json("workers")) as? [[String: Any]]) ?? []
        }

        func busy(_ run: LocalRun, kind: String) -> Int {
            workers(run).filter { $0["kind"] as? String == kind && ($0["running"] as? Int ?? 0) > 0 }.count
        }

        /// Failures of the run's individuals, by kind.
        func failureKinds(_ run: LocalRun) throws -> [String] {
            let all = try run.json("export") as? [[String: Any]] ?? []
            return all.compactMap { ($0["failure"] as? [String: Any])?["kind"] as? String }
        }

        @Test func killingTheDaemonWithLLMJobsAndEvaluationsInFlightCountsEachEvaluationOnce() throws {
            let run = try LocalRun(budget: 30, trainingMode: "slow")
            try run.startDaemon()
            try run.startWorkers(llm: 1, gpu: 2, llmLatency: 0.4)
            var kills = 0
            for _ in 0..<4 {
                // A moment with both an LLM job and an evaluation handed out.
                let inFlight = eventually(timeout: 60) { busy(run, kind: "llm") > 0 && busy(run, kind: "gpu") > 0 }
                guard inFlight, run.state()?["state"] as? String != "finished" else { break }
                run.killDaemon()
                kills += 1
                try run.startDaemon()
            }
            #expect(kills >= 3, "the run had LLM jobs and evaluations in flight at the kills")
            #expect(eventually(timeout: 240) { run.state()?["state"] as? String == "finished" }, "\(run.daemonLog)")
            #expect(run.state()?["evaluations"] as? Int == 30)
            let store = try RunStore(path: run.database)
            let evaluations = try store.allInputs().compactMap { record -> IndividualID? in
                if case .evaluation(let id, _) = record.input { id } else { nil }
            }
            #expect(evaluations.count == 30 && Set(evaluations).count == 30, "each evaluation counted once: \(evaluations)")
            let failures = try failureKinds(run)
            #expect(failures.filter(Self.busFailures.contains).isEmpty, "no child failed because of the kills: \(failures)")
            _ = try run.gectl("stop")
        }

        /// A daemon stopped for five seconds while both workers are mid-job
        /// (their heartbeats time out, they reconnect, their results wait):
        /// once it continues, both are busy again within two heartbeats.
        @Test func aStoppedDaemonGetsBothWorkersBusyAgainWithinTwoHeartbeats() throws {
            let run = try LocalRun(budget: 40, trainingMode: "slow")
            try run.startDaemon()
            try run.startWorkers(llm: 1, gpu: 2)
            #expect(eventually(timeout: 60) { busy(run, kind: "gpu") == 2 }, "\(run.daemonLog)")
            let daemon = try #require(run.daemon)
            kill(daemon.processIdentifier, SIGSTOP)
            Thread.sleep(forTimeInterval: 5)
            kill(daemon.processIdentifier, SIGCONT)
            let continued = Date()
            var seen: Set<String> = []
            // Sampled: a slow job takes 1.5 s, so a busy worker is seen busy.
            while Date().timeIntervalSince(continued) < 2 * testHeartbeat + 1, seen.count < 2 {
                for worker in workers(run) where worker["kind"] as? String == "gpu" && (worker["running"] as? Int ?? 0) > 0 {
                    seen.insert(worker["name"] as? String ?? "")
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(seen.count == 2, "busy after the stop: \(seen.sorted()); \(workers(run))")
            _ = try run.gectl("stop")
        }

        /// Hostile peers on the work socket of a live run: forged results and
        /// claims for every job id the run will use, replayed leases,
        /// absurd numbers, oversized strings and messages, garbage, a flood
        /// of hellos. ged stays up within a bounded memory, nothing forged
        /// enters the population, and the run finishes its budget.
        @Test func hostilePeersOnTheWorkSocketChangeNothing() throws {
            // A portfolio naming the honest worker's model: attackers also
            // claim it, or advertise absurd model names.
            let run = try LocalRun(budget: 24, extraConfig: "[llm]\nmodels = [{ name = \"baseline\", input_price = 1 }]\n")
            try run.startDaemon()
            try run.startWorkers(llm: 1, gpu: 2)
            #expect(eventually(timeout: 60) { (run.state()?["evaluations"] as? Int ?? 0) >= 2 }, "\(run.daemonLog)")
            let forged = try JSONEncoder().encode(EvaluationOutcome.scored(
                objectives: [0.987654321, 1], run: TrainingRun(metrics: [:], logTail: "", phase: .train, seconds: 1)))
            let codec = WireCodec()
            let context = try ZMQContext()
            var peers: [ZMQSocket] = []
            func peer() throws -> ZMQSocket {
                let socket = try ZMQSocket(context, .dealer)
                try socket.setLinger(milliseconds: 0)
                try socket.connect(run.workEndpoint)
                peers.append(socket)
                return socket
            }
            func hello(kind: WorkerKind = .gpu, name: String = "x", slots: Int = 4, model: String? = nil, running: [HeldJob] = []) -> [Data] {
                codec.encode(.hello(Hello(
                    kind: kind, name: name, host: "h", capabilities: WorkerCapabilities(slots: slots, provider: model.map { _ in "openai" }, model: model),
                    running: running)))
            }
            func header(_ json: String) -> [Data] { [Data(json.utf8)] }
            let jobIDs = (0..<80).flatMap { ["e\($0)", "r\($0)"] }
            let started = Date()
            // A registered hostile worker: it collects leases for jobs it is
            // handed and replays them on every other job, from itself and
            // from other peers. (Lying about a job it holds is beyond what a
            // bus can stop: that is what authorized keys and the worker-side
            // grading are for; it never answers its own jobs.)
            let insider = try peer()
            try insider.send(hello(slots: 2))
            var leases: [HeldJob] = []
            for round in 0..<30 {
                while let frames = try insider.receive(dontWait: true) {
                    if case .job(let job)? = try? codec.decode(frames) { leases.append(HeldJob(id: job.id, lease: job.lease)) }
                }
                let attacker = try peer()
                try attacker.send(hello(kind: round % 2 == 0 ? .gpu : .llm, slots: 1024, model: round % 2 == 0 ? nil : "baseline",
                                        running: jobIDs.shuffled().prefix(64).map { HeldJob(id: $0, lease: UUID().uuidString) }))
                for id in jobIDs {
                    let lease = leases.filter { $0.id != id }.randomElement()?.lease ?? UUID().uuidString
                    try attacker.send(codec.encode(.result(jobID: id, lease: lease, payload: forged)), dontWait: true)
                    try insider.send(codec.encode(.result(jobID: id, lease: lease, payload: forged)), dontWait: true)
                }
                for held in leases { try attacker.send(codec.encode(.result(jobID: held.id, lease: held.lease, payload: forged)), dontWait: true) }
                let huge = String(repeating: "n", count: 1 << 20)
                for frames in [
                    header(#"{"v":2,"type":"ready","credit":9223372036854775807}"#),
                    header(#"{"v":2,"type":"hello","hello":{"kind":"gpu","name":"n","host":"h","running":[],"capabilities":{"slots":-9223372036854775808}}}"#),
                    header(#"{"v":2,"type":"hello","hello":{"kind":"gpu","name":"n","host":"h","running":[],"capabilities":{"slots":9223372036854775807}}}"#),
                    hello(name: huge), hello(kind: .llm, slots: 8, model: huge), hello(kind: .llm, slots: 8, model: "bell\u{7}"),
                    hello(kind: .llm, slots: 8, model: "unlisted-\(round)"), header("{\"v\":2,\"type\":\"" + String(repeating: "t", count: 10_000) + "\"}"),
                    [Data((0..<512).map { _ in UInt8.random(in: 0...255) })], header("{}"),
                    codec.encode(.progress(jobID: "e1", lease: "x", message: String(repeating: "p", count: 4000))),
                ] {
                    try attacker.send(frames, dontWait: true)
                }
                if round % 10 == 0 {
                    // Over the message size limit: the connection is dropped.
                    try (try peer()).send([Data(count: 5 << 20)], dontWait: true)
                    // A flood of sessions.
                    for index in 0..<100 { try (try peer()).send(hello(name: "flood\(round)-\(index)", slots: 1), dontWait: true) }
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            let attackSeconds = Date().timeIntervalSince(started)
            #expect(run.daemon?.isRunning == true, "ged is still up")
            let status = try run.gectl("status")
            #expect(status.status == 0, "ged still answers: \(status.stderr)")
            peers.forEach { $0.close() }
            #expect(eventually(timeout: 240) { run.state()?["state"] as? String == "finished" }, "\(run.daemonLog)")
            #expect(run.state()?["evaluations"] as? Int == 24)
            let all = try run.json("export") as? [[String: Any]] ?? []
            let forgedMembers = all.filter { ($0["objectives"] as? [Double])?.first == 0.987654321 }
            #expect(forgedMembers.isEmpty, "forged: \(forgedMembers.map { $0["id"] ?? "?" })")
            // Only the listed model was asked; absurd names were refused, not logged whole.
            let models = try #require(try run.json("models") as? [[String: Any]])
            #expect(models.compactMap { $0["name"] as? String } == ["baseline"], "\(models)")
            #expect(run.daemonLog.contains("advertises an unusable model name: a model name has at most 200 bytes"))
            #expect(!run.daemonLog.contains(String(repeating: "n", count: 300)), "a 1 MB name reached the log")
            let peak = try #require(Self.peakResidentMegabytes(of: run.daemon!.processIdentifier))
            #expect(peak < 256, "ged's peak resident memory: \(peak) MB after \(Int(attackSeconds)) s of attacks")
            let log = run.daemonLog
            #expect(log.split(separator: "\n").count < 2000, "drops are summarized, not logged one by one")
            _ = try run.gectl("stop")
        }

        /// VmHWM: the most memory the process has had resident.
        static func peakResidentMegabytes(of pid: Int32) -> Int? {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                  let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                  let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
            else { return nil }
            return kilobytes / 1024
        }
    }
}
