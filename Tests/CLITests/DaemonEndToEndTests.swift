import Foundation
import GEBus
import GEProtocol
import GEBusTestSupport
import GECore
import GEStore
import Testing

extension ProcessSuites {
    @Suite(.serialized) struct DaemonEndToEndTests {
        @Test func aRunOf40EvaluationsCompletesWithANondominatedFrontAndFullLineage() throws {
            let run = try LocalRun(budget: 40)
            try run.startDaemon()
            try run.startWorkers()
            let finished = eventually(timeout: 180) { run.state()?["state"] as? String == "finished" }
            #expect(finished, "\(run.daemonLog)")
            let status = try #require(run.state())
            #expect(status["evaluations"] as? Int == 40, "\(status)")

            let all = try #require(try run.json("export") as? [[String: Any]])
            let evaluated = all.filter { $0["objectives"] is [Double] }
            #expect(evaluated.count >= 30, "most of the 40 evaluations succeed")
            let front = try #require(try run.json("front") as? [[String: Any]])
            #expect(!front.isEmpty)
            let weights = [1.0, -1.0]
            for member in front {
                let point = Dominance.weighted([member["objectives"] as! [Double]], by: weights)[0]
                for other in evaluated {
                    let otherPoint = Dominance.weighted([other["objectives"] as! [Double]], by: weights)[0]
                    #expect(!Dominance.dominates(otherPoint, point), "#\(other["id"]!) dominates front member #\(member["id"]!)")
                }
            }
            let ids = Set(all.map { $0["id"] as! Int })
            #expect(ids == Set(0..<all.count))
            for individual in all where individual["id"] as! Int != 0 {
                let parents = individual["parents"] as! [Int]
                #expect(!parents.isEmpty && parents.allSatisfy(ids.contains), "#\(individual["id"]!) has lineage")
            }
            let csv = try run.gectl("export", "--format", "csv")
            #expect(csv.stdout.split(separator: "\n").count == all.count + 1)

            let show = try run.gectl("show", String(front[0]["id"] as! Int))
            #expect(show.status == 0 && show.stdout.contains("made by:"))
            // The tiny seed takes both objectives from its own result file.
            #expect(show.stdout.contains("accuracy 0.9 (self-reported by the job), parameters"), "\(show.stdout)")
            let lineage = try run.gectl("lineage", String(front[0]["id"] as! Int))
            #expect(lineage.stdout.split(separator: "\n").last?.hasPrefix("0 ") == true, "the lineage ends at the seed")
            let plot = run.directory + "/front.svg"
            #expect(try run.gectl("plot", "--output", plot).status == 0)
            #expect(try String(contentsOfFile: plot, encoding: .utf8).contains("<polyline"))
            let set = try run.gectl("config", "set", "variation.p_cx", "0.5")
            #expect(set.status == 0 && set.stdout.contains("variation.p_cx"), "\(set.stderr)")
            let settings = try #require(try run.json("config", "get") as? [[String: Any]])
            #expect(settings.first { $0["key"] as? String == "variation.p_cx" }?["value"] as? String == "0.5")
            let fixed = try run.gectl("config", "set", "evolution.population_size", "3")
            #expect(fixed.status == 1 && fixed.stderr.contains("cannot change while a run exists"), "\(fixed.stderr)")
            let hostile = try run.gectl("config", "set", "variation.p_cx", "nan")
            #expect(hostile.status == 1 && hostile.stderr.contains("variation.p_cx: must be a number"), "\(hostile.stderr)")
            let unknown = try run.gectl("config", "set", "colour", "blue")
            #expect(unknown.status == 1 && unknown.stderr.contains("no setting colour"))
            // A hostile control peer: an oversized request and garbage. ged drops
        // them and keeps answering gectl.
        let context = try ZMQContext()
        func reply(to frame: Data) throws -> Data? {
            let peer = try ZMQSocket(context, .req)
            defer { peer.close() }
            try peer.setLinger(milliseconds: 0)
            try peer.connect(run.control)
            try peer.send([frame])
            guard try ZMQPoller.poll([.socket(peer)], timeoutMilliseconds: 3000)[0] else { return nil }
            return try peer.receive(dontWait: true)?.first
        }
        #expect(try reply(to: Data(repeating: 0x41, count: 8 << 20)) == nil, "an oversized request is dropped unread")
        let garbage = try reply(to: Data("{\"nonsense\":".utf8)).flatMap { try? JSONDecoder().decode(ControlReply.self, from: $0) }
        #expect(garbage?.ok == false && garbage?.error?.contains("malformed request") == true)
        #expect(try run.gectl("status").status == 0, "ged still answers after hostile control requests")
        let missing = try run.gectl("show", "99999")
            #expect(missing.status == 1 && missing.stderr.hasPrefix("gectl: no individual 99999"))

            #expect(try run.gectl("stop").status == 0)
            #expect(eventually(timeout: 10) { !(run.daemon?.isRunning ?? false) })
            let unreachable = try run.gectl("status")
            #expect(unreachable.status == 3 && unreachable.stderr.contains("cannot reach ged"))
        }

        @Test func killingTheDaemonAtAnyMomentLosesNothingAndTheRunFinishesItsBudget() throws {
            let run = try LocalRun(budget: 40)
            try run.startDaemon()
            try run.startWorkers()
            var rng = SystemRandomNumberGenerator()
            for crash in 0..<4 {
                #expect(eventually(timeout: 60) { (run.state()?["evaluations"] as? Int ?? 0) >= 4 * (crash + 1) }, "\(run.daemonLog)")
                Thread.sleep(forTimeInterval: Double.random(in: 0.05...0.6, using: &rng))
                let before = try evaluatedObjectives(run)
                run.killDaemon()
                try run.startDaemon()
                let after = try evaluatedObjectives(run)
                for (id, objectives) in before {
                    #expect(after[id] == objectives, "#\(id) was evaluated before crash \(crash) and must survive it")
                }
            }
            #expect(eventually(timeout: 180) { run.state()?["state"] as? String == "finished" }, "\(run.daemonLog)")
            #expect(run.state()?["evaluations"] as? Int == 40)

            let store = try RunStore(path: run.database)
            let evaluations = try store.allInputs().compactMap { record -> IndividualID? in
                if case .evaluation(let id, _) = record.input { id } else { nil }
            }
            #expect(evaluations.count == 40, "every evaluation was recorded once")
            #expect(Set(evaluations).count == evaluations.count, "no individual was evaluated twice")
            let rows = try store.individuals()
            let evaluatedIDs = Set(evaluations)
            #expect(rows.filter { evaluatedIDs.contains($0.id) }.allSatisfy { $0.status == "evaluated" || $0.status == "failed" })
            #expect(rows.filter { $0.status == "evaluated" }.allSatisfy { evaluatedIDs.contains($0.id) })
            _ = try run.gectl("stop")
        }

        @Test func aWorkerAttachedMidRunGetsWorkAndADrainedWorkerFinishesAndLeaves() throws {
            let run = try LocalRun(budget: 30)
            try run.startDaemon()
            try run.startWorkers(llm: 1, gpu: 1)
            #expect(eventually(timeout: 60) { (run.state()?["evaluations"] as? Int ?? 0) >= 3 }, "\(run.daemonLog)")
            try run.startWorkers(llm: 0, gpu: 1, firstGPU: 1)
            func worker(_ name: String) -> [String: Any]? {
                ((try? run.json("workers")) as? [[String: Any]])?.first { $0["name"] as? String == name }
            }
            #expect(eventually(timeout: 10) { worker("cpu1") != nil })
            let joined = Date()
            #expect(eventually(timeout: 10) { (worker("cpu1")?["running"] as? Int ?? 0) > 0 })
            #expect(Date().timeIntervalSince(joined) < 5, "the new worker got work soon after joining")

            let drain = try run.gectl("drain", "cpu0")
            #expect(drain.status == 0, "\(drain.stderr)")
            let drained = run.workers[1]
            #expect(eventually(timeout: 30) { !drained.isRunning }, "the drained worker finished its job and exited")
            #expect(drained.terminationStatus == 0)
            #expect(eventually(timeout: 120) { run.state()?["state"] as? String == "finished" }, "\(run.daemonLog)")
            #expect(worker("cpu0") == nil)
            _ = try run.gectl("stop")
        }

        @Test func aSecondDaemonOnTheSameStateDirectoryIsRefused() throws {
            let run = try LocalRun(budget: 4)
            try run.startDaemon()
            let second = try ProcessRunner.run("ged", ["--config", run.directory + "/ged.toml"])
            #expect(second.status != 0)
            #expect(second.stderr == "Error: another ged is running with the state directory \(run.directory)/state; stop it or use another --state-dir\n")
            #expect(try run.gectl("status").status == 0, "the first daemon still answers")
            _ = try run.gectl("stop")
        }

        /// Objectives of every evaluated individual, from the daemon.
        func evaluatedObjectives(_ run: LocalRun) throws -> [Int: [Double]] {
            guard eventually(timeout: 20, { run.state() != nil }) else { return [:] }
            let all = try run.json("export") as? [[String: Any]] ?? []
            var result: [Int: [Double]] = [:]
            for individual in all {
                if let objectives = individual["objectives"] as? [Double] { result[individual["id"] as! Int] = objectives }
            }
            return result
        }
    }
}

extension ProcessSuites.DaemonEndToEndTests {
    @Test func aTCPControlEndpointAnswersOnlyAnAuthorizedOperator() throws {
        let run = try LocalRun(budget: 5)
        let keys = run.directory + "/keys"
        for folder in ["workers", "operators"] {
            try FileManager.default.createDirectory(atPath: keys + "/" + folder, withIntermediateDirectories: true)
        }
        #expect(try ProcessRunner.run("ged", ["--generate-keys", keys + "/server.key"]).status == 0)
        #expect(try ProcessRunner.run("gectl", ["generate-keys", keys + "/operator.key"]).status == 0)
        #expect(try ProcessRunner.run("ge-llm-worker", ["--generate-keys", keys + "/worker.key"]).status == 0)
        try FileManager.default.copyItem(atPath: keys + "/operator.key.pub", toPath: keys + "/operators/operator.pub")
        try FileManager.default.copyItem(atPath: keys + "/worker.key.pub", toPath: keys + "/workers/worker.pub")
        let port = freePort()
        var config = try String(contentsOfFile: run.directory + "/ged.toml", encoding: .utf8)
        config = config.replacingOccurrences(of: "control = \"ipc://\(run.directory)/control.sock\"", with: """
            control = "tcp://127.0.0.1:\(port)"
            server_keys = "\(keys)/server.key"
            authorized_keys = "\(keys)/workers"
            operator_keys = "\(keys)/operators"
            """)
        try config.write(toFile: run.directory + "/ged.toml", atomically: true, encoding: .utf8)
        let daemon = try run.launch("ged", ["--config", run.directory + "/ged.toml"], log: run.directory + "/ged.log")
        defer { kill(daemon.processIdentifier, SIGKILL); daemon.waitUntilExit() }
        let control = ["--control", "tcp://127.0.0.1:\(port)", "--timeout", "3"]
        let operatorKeys = ["--key", keys + "/operator.key", "--server-key", keys + "/server.key.pub"]
        #expect(eventually { (try? ProcessRunner.run("gectl", ["status"] + control + operatorKeys).status) == 0 },
                "the operator is answered")
        let plain = try ProcessRunner.run("gectl", ["status"] + control)
        #expect(plain.status == 3 && plain.stderr.contains("needs --key and --server-key"), "\(plain.stderr)")
        let worker = try ProcessRunner.run(
            "gectl", ["status"] + control + ["--key", keys + "/worker.key", "--server-key", keys + "/server.key.pub"])
        #expect(worker.status == 3, "a worker's key does not open the control socket")
    }
}

extension ProcessSuites.DaemonEndToEndTests {
    @Test func aRunWithFidelityRungsTrainsEachRungForItsEpochsAndOnlyTheTopReachesThePopulation() throws {
        let run = try LocalRun(budget: 30, rungs: [1, 2])
        try run.startDaemon()
        try run.startWorkers()
        #expect(eventually(timeout: 180) { run.state()?["state"] as? String == "finished" }, "\(run.daemonLog)")
        let status = try #require(run.state())
        #expect(status["evaluations"] as? Int == 30, "\(status)")
        #expect(status["rungEpochs"] as? [Int] == [1, 2])
        let scored = try #require(status["scoredPerRung"] as? [Int])
        #expect(scored.count == 2 && scored[0] >= 9 && scored[1] >= 2, "\(scored)")

        // The tiny seed's training reports the epochs it was given.
        let store = try RunStore(readingAt: run.database)
        let rows = try store.individuals()
        let population = try #require(try run.json("population") as? [[String: Any]]).map { $0["id"] as! Int }
        var promoted: [Int] = []
        for row in rows where row.metrics != nil {
            let epochs = try JSONDecoder().decode([String: Double].self, from: Data(row.metrics!.utf8))["epochs"]
            let history = try row.rungs.map { try JSONDecoder().decode([[Double]].self, from: Data($0.utf8)) }
            switch row.status {
            case "rung":
                #expect(epochs == 1, "#\(row.id) waits at rung 0 after 1 epoch")
                #expect(history?.count == 1)
            case "evaluated":
                #expect(epochs == 2, "#\(row.id) trained at full fidelity")
                #expect(row.id == 0 ? history == nil : history?.count == 1, "#\(row.id): \(String(describing: row.rungs))")
                if row.id != 0 { promoted.append(row.id) }
            default:
                break
            }
        }
        #expect(!promoted.isEmpty)
        #expect(population.allSatisfy { $0 == 0 || promoted.contains($0) }, "only full-fidelity results in the population")
        let show = try run.gectl("show", String(promoted[0]))
        #expect(show.stdout.contains("rung 0: 0.9, "), "\(show.stdout)")
        let table = try run.gectl("population")
        #expect(table.stdout.split(separator: "\n").first?.contains("RUNGS") == true, "\(table.stdout)")
        let text = try run.gectl("status")
        #expect(text.stdout.contains("rungs:       1 epochs: \(scored[0]) scored, 2 epochs: \(scored[1]) scored"), "\(text.stdout)")
        _ = try run.gectl("stop")
    }
}

extension ProcessSuites.DaemonEndToEndTests {
    @Test func aPortfolioRoutesRequestsToTheListedModelsAccountsTheirTokensAndStopsAtTheCostBudget() throws {
        let run = try LocalRun(budget: 200, extraConfig: """
            [llm]
            models = [{ name = "small", input_price = 1, output_price = 2 }, { name = "large", input_price = 5, output_price = 10 }]
            """)
        try run.startDaemon()
        // Set before any worker joins: no request is made without it.
        let set = try run.gectl("config", "set", "evolution.max_llm_cost", "0.03")
        #expect(set.status == 0, "\(set.stderr)")
        // A worker for a model the run does not list comes first: it gets
        // nothing, and breeding waits for a listed one.
        try run.startWorkers(llm: 1, gpu: 2, provider: ["--provider", "baseline", "--model", "unlisted"])
        #expect(eventually(timeout: 30) { run.daemonLog.contains("breeding waits: no connected LLM worker serves a model llm.models lists (small, large)") }, "\(run.daemonLog)")
        Thread.sleep(forTimeInterval: 1)
        let idle = try #require(try run.json("models") as? [[String: Any]])
        #expect(idle.allSatisfy { (($0["stats"] as? [String: Any])?["requests"] as? Int) == 0 }, "\(idle)")
        let waiting = try run.gectl("status").stdout
        #expect(waiting.contains("llm:         breeding waits: no connected LLM worker serves a model llm.models lists"), "\(waiting)")
        try run.startWorkers(llm: 1, gpu: 0, firstLLM: 1, provider: ["--provider", "baseline", "--model", "small"])
        try run.startWorkers(llm: 1, gpu: 0, firstLLM: 2, provider: ["--provider", "baseline", "--model", "large"])
        #expect(eventually(timeout: 180) { run.state()?["state"] as? String == "finished" }, "\(run.daemonLog)")
        let status = try #require(run.state())
        let reason = status["stopReason"] as? String ?? ""
        #expect(reason.hasPrefix("LLM cost budget of 0.03 USD reached"), "\(status)")
        let cost = try #require(status["llmCost"] as? Double)
        #expect(cost >= 0.03 && cost < 0.06, "\(cost)")
        #expect(run.daemonLog.contains("serves unlisted, which llm.models does not list"), "\(run.daemonLog)")

        let models = try #require(try run.json("models") as? [[String: Any]])
        #expect(models.compactMap { $0["name"] as? String } == ["small", "large"], "the unlisted model got no request: \(models)")
        var requests = 0
        for model in models {
            let stats = try #require(model["stats"] as? [String: Any])
            #expect(model["served"] as? Bool == true && model["listed"] as? Bool == true)
            #expect((stats["requests"] as? Int ?? 0) > 0, "\(model)")
            #expect((stats["inputTokens"] as? Int ?? 0) > 0 && (stats["cost"] as? Double ?? 0) > 0, "\(model)")
            requests += stats["requests"] as? Int ?? 0
        }
        // Each request is stored with its model, tokens and cost.
        let jobs = try RunStore(readingAt: run.database).jobs().filter { $0.kind == .llm && $0.state == .done }
        #expect(jobs.count == requests)
        #expect(jobs.allSatisfy { ["small", "large"].contains($0.model ?? "") && ($0.inputTokens ?? 0) > 0 })
        #expect(abs(jobs.reduce(0) { $0 + ($1.cost ?? 0) } - cost) < 1e-9)

        let table = try run.gectl("models")
        #expect(table.stdout.contains("MODEL") && table.stdout.contains("USD"), "\(table.stdout)")
        #expect(try run.gectl("status").stdout.contains("llm cost:    "))
        #expect(try run.gectl("workers").stdout.contains("baseline:large"))
        let resume = try run.gectl("resume")
        #expect(resume.status == 1 && resume.stderr.contains("raise evolution.max_llm_cost"), "\(resume.stderr)")
        _ = try run.gectl("stop")
    }
}

extension ProcessSuites.DaemonEndToEndTests {
    @Test func requestsForAModelWhoseWorkersVanishedGoToAnotherAndTheRunFinishes() throws {
        let run = try LocalRun(budget: 16, extraConfig: """
            [llm]
            models = [{ name = "small" }, { name = "large" }]
            """)
        try run.startDaemon()
        // The only worker for "large" is slow, and dies holding its requests.
        try run.startWorkers(llm: 1, gpu: 2, llmLatency: 30, provider: ["--provider", "baseline", "--model", "large", "--baseline-latency", "30"])
        let large = run.workers[0]
        #expect(eventually(timeout: 30) {
            (try? RunStore(readingAt: run.database).jobs().contains { $0.kind == .llm && $0.state == .queued }) ?? false
        }, "\(run.daemonLog)")
        kill(large.processIdentifier, SIGKILL)
        large.waitUntilExit()
        try run.startWorkers(llm: 1, gpu: 0, firstLLM: 1, provider: ["--provider", "baseline", "--model", "small"])
        #expect(eventually(timeout: 180) { run.state()?["state"] as? String == "finished" }, "\(run.daemonLog)")
        #expect(run.state()?["evaluations"] as? Int == 16)
        let models = try #require(try run.json("models") as? [[String: Any]])
        let small = try #require(models.first { $0["name"] as? String == "small" }?["stats"] as? [String: Any])
        #expect((small["requests"] as? Int ?? 0) > 0)
        let gone = try #require(models.first { $0["name"] as? String == "large" })
        #expect(gone["served"] as? Bool == false)
        _ = try run.gectl("stop")
    }
}
