import Foundation
import GEBusTestSupport
import Testing

extension ProcessSuites {
    /// The real ged and LLM worker against a fake OpenAI-compatible server
    /// that goes down, comes back, or refuses every request.
    @Suite(.serialized) struct LLMServiceTests {
        static let fakeServer = LocalRun.repository.appendingPathComponent("Tests/CLITests/Fixtures/fake_openai.py").path

        /// The fake server on `port`; `status` makes it refuse every request.
        final class FakeServer {
            let port: Int
            private var process: Process?

            init(port: Int = freePort()) {
                self.port = port
            }

            var baseURL: String { "http://127.0.0.1:\(port)/v1" }

            func start(status: String = "", record: String? = nil) throws {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = ["python3", LLMServiceTests.fakeServer, "--port", String(port)]
                    + (status.isEmpty ? [] : ["--status", status]) + (record.map { ["--record", $0] } ?? [])
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                self.process = process
                guard eventually(timeout: 10, { Self.accepts(port: self.port) }) else {
                    throw HarnessError(message: "the fake LLM server did not start on port \(port)")
                }
            }

            /// SIGKILL: the test runner blocks SIGTERM, and its children inherit that.
            func stop() {
                guard let process, process.isRunning else { return }
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }

            deinit { stop() }

            static func accepts(port: Int) -> Bool {
                let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                defer { close(descriptor) }
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = in_port_t(UInt16(port).bigEndian)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                return withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                    }
                }
            }
        }

        /// The id of the first individual of `gectl export` that matches, once one does.
        func firstIndividual(of run: LocalRun, timeout: Double, where matches: @escaping ([String: Any]) -> Bool) -> Int? {
            var found: Int?
            _ = eventually(timeout: timeout) {
                let all = (try? run.json("export")) as? [[String: Any]] ?? []
                found = all.first(where: matches)?["id"] as? Int
                return found != nil
            }
            return found
        }

        func openAI(_ server: FakeServer) -> [String] {
            ["--provider", "openai", "--base-url", server.baseURL, "--model", "fake", "--max-attempts", "2",
             "--connect-timeout", "1", "--timeout", "5"]
        }

        @Test func anOutageLongerThanTheRetriesIsWaitedOutAndTheRunFinishes() throws {
            let server = FakeServer()
            try server.start()
            // Slow evaluations: the run still needs the LLM when the outage begins.
            let run = try LocalRun(budget: 16, trainingMode: "slow")
            try run.startDaemon()
            try run.startWorkers(llm: 1, gpu: 1, provider: openAI(server))
            #expect(eventually(timeout: 60) { (run.state()?["evaluations"] as? Int ?? 0) >= 2 }, "\(run.daemonLog)")
            server.stop()
            #expect(eventually(timeout: 30) { run.state()?["llmWaiting"] != nil }, "status says it waits for the LLM")
            let waiting = run.state()?["llmWaiting"] as? String ?? ""
            #expect(waiting.contains("waiting for the LLM since") && waiting.contains(server.baseURL + "/chat/completions"), "\(waiting)")
            // Down for longer than a job's whole retry schedule (2 attempts).
            Thread.sleep(forTimeInterval: 8)
            let during = try #require(run.state())
            #expect(during["state"] as? String == "running" && during["stopReason"] == nil, "\(during)")
            try server.start()
            #expect(eventually(timeout: 240) { run.state()?["state"] as? String == "finished" }, "\(run.daemonLog)")
            let status = try #require(run.state())
            #expect(status["evaluations"] as? Int == 16)
            #expect(status["stopReason"] as? String == "evaluation budget of 16 reached", "\(status)")
            #expect((status["failures"] as? [String: Int])?["unavailable"] == nil, "no child failed for the outage: \(status)")
            #expect(run.daemonLog.contains("the LLM is unavailable") && run.daemonLog.contains("the LLM answers again"))
            _ = try run.gectl("stop")
        }

        @Test func aFailedChildShowsTheAnswerAndThePromptItWasTriedWith() throws {
            let server = FakeServer()
            try server.start(status: "nocode")
            let run = try LocalRun(budget: 6)
            try run.startDaemon()
            try run.startWorkers(llm: 1, gpu: 1, provider: openAI(server))
            let id = try #require(firstIndividual(of: run, timeout: 60) { ($0["failure"] as? [String: Any])?["kind"] as? String == "no_code" },
                                  "\(run.daemonLog)")
            let show = try run.gectl("show", String(id))
            #expect(show.stdout.contains("failure: no_code"), "\(show.stdout)")
            #expect(show.stdout.contains("made by: mutation of segment") || show.stdout.contains("made by: crossover"), "\(show.stdout)")
            #expect(show.stdout.contains("the LLM's answer:\n  | I would make it deeper."), "\(show.stdout)")
            #expect(run.daemonLog.contains("failed before evaluation: no_code"), "ged logs failed children")
            #expect(!(try String(contentsOfFile: run.directory + "/llm0.log", encoding: .utf8)).contains("does not list the model"))
            _ = try run.gectl("stop")
        }

        /// Children that repeat the seed before any GPU worker joined (so
        /// before the seed's row was first written): ged records them.
        @Test func duplicatesOfTheSeedBeforeItIsEvaluatedAreRecorded() throws {
            let server = FakeServer()
            try server.start(status: "same")
            let run = try LocalRun(budget: 4)
            try run.startDaemon()
            try run.startWorkers(llm: 1, gpu: 0, provider: openAI(server))
            let id = try #require(firstIndividual(of: run, timeout: 30) { $0["duplicateOf"] as? Int == 0 }, "\(run.daemonLog)")
            #expect(run.daemon?.isRunning == true, "\(run.daemonLog)")
            #expect(try run.gectl("show", String(id)).stdout.contains("duplicate: repeats #0"))
            _ = try run.gectl("stop")
        }

        @Test func theLLMWorkerWarnsAtStartWhenTheServerDoesNotListItsModel() throws {
            let server = FakeServer()
            try server.start()
            var options = openAI(server)
            options[options.firstIndex(of: "fake")!] = "qwen-typo"
            let run = try LocalRun(budget: 4)
            try run.startWorkers(llm: 1, gpu: 0, provider: options)
            let log = run.directory + "/llm0.log"
            #expect(eventually(timeout: 20) { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("does not list") })
            let text = try String(contentsOfFile: log, encoding: .utf8)
            #expect(text.contains(" warning the server at \(server.baseURL) does not list the model qwen-typo (it lists fake)"), "\(text)")
        }

        @Test(arguments: [
            ("401", "check the API key"),
            ("404", "does the base URL end in /v1"),
            ("context", "use a model with a longer context"),
        ])
        func requestsTheServerRefusesStopBreedingWithTheURLAndTheFix(status: String, fix: String) throws {
            let server = FakeServer()
            try server.start(status: status)
            let run = try LocalRun(budget: 12)
            try run.startDaemon()
            try run.startWorkers(llm: 1, gpu: 1, provider: openAI(server))
            #expect(eventually(timeout: 60) { run.state()?["state"] as? String == "stopped" }, "\(run.daemonLog)")
            let stopped = try #require(run.state())
            let reason = stopped["stopReason"] as? String ?? ""
            #expect(reason.contains(server.baseURL + "/chat/completions") && reason.contains(fix), "\(reason)")
            let failed = (stopped["failures"] as? [String: Int] ?? [:]).filter { $0.key != "cancelled" }.values.reduce(0, +)
            #expect(failed <= 5, "stopped within 5 failures: \(stopped)")
            let printed = try run.gectl("status")
            #expect(printed.stdout.contains("stopped (the LLM refused"), "\(printed.stdout)")
            guard status == "401" else { return _ = try run.gectl("stop") }
            // The key is fixed; the run continues where it stopped.
            server.stop()
            try server.start()
            let resume = try run.gectl("resume")
            #expect(resume.stdout.hasPrefix("resumed; cleared the stop: the LLM refused 3 requests in a row"), "\(resume.stdout)\(resume.stderr)")
            #expect(eventually(timeout: 180) { run.state()?["state"] as? String == "finished" }, "\(run.daemonLog)")
            #expect(run.state()?["evaluations"] as? Int == 12)
            _ = try run.gectl("stop")
        }

        /// What the LLM is shown, recorded by the server: the header and the
        /// segment's note read-only before the code it rewrites (which has no
        /// note), and for a child that failed in training, its Python error.
        @Test func promptsShowTheHeaderAndNotesReadOnlyAndARepairShowsThePythonError() throws {
            let server = FakeServer()
            let record = FileManager.default.temporaryDirectory.appendingPathComponent("prompts-\(UUID().uuidString).jsonl").path
            defer { try? FileManager.default.removeItem(atPath: record) }
            try server.start(record: record)
            // Variants whose `parameters` is odd fail in training with a ValueError.
            let model = """
                import math
                MODE = "odd"
                # --OPTION--
                # -- NOTE --
                # Net.parameters is read by train.py and must stay an integer attribute.
                # -- NOTE --
                class Net:
                    parameters = 124

                """
            let run = try LocalRun(budget: 24, model: model, extraConfig: "[variation]\np_repair = 1.0\nrephrasings = 2\n")
            try run.startDaemon()
            try run.startWorkers(llm: 1, gpu: 1, provider: openAI(server))
            func prompts() -> [String] {
                let lines = ((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").split(separator: "\n")
                return lines.compactMap { try? JSONDecoder().decode(String.self, from: Data($0.utf8)) }
            }
            let repairShown = eventually(timeout: 120) {
                prompts().contains { $0.contains("ValueError: parameters must be even, got") }
            }
            #expect(repairShown, "no repair prompt showed the error: \(run.daemonLog)")
            #expect(eventually(timeout: 120) { run.state()?["state"] as? String == "finished" }, "\(run.daemonLog)")
            let code = prompts().filter { !$0.contains("\nInstruction:\n") }
            #expect(code.count >= 10)
            for prompt in code {
                let context = try #require(prompt.components(separatedBy: "```python\n").dropFirst().first, "\(prompt)")
                #expect(prompt.hasPrefix("Context, for reading only"), "\(prompt)")
                #expect(context.hasPrefix("import math\nMODE = \"odd\"\n```"), "the header, read-only: \(prompt)")
                #expect(prompt.contains("# Net.parameters is read by train.py and must stay an integer attribute."), "the note: \(prompt)")
                // The code to rewrite comes after the context, without the note.
                let task = prompt.components(separatedBy: "```python\n").dropFirst(2).joined()
                #expect(task.contains("class Net:") && !task.contains("-- NOTE --") && !task.contains("MODE = "), "\(prompt)")
                #expect(prompt.contains("one fenced ```python block"), "the rules ask for a fenced block: \(prompt)")
            }
            let repair = try #require(code.first { $0.contains("ValueError: parameters must be even, got") })
            #expect(repair.contains("Traceback (most recent call last)") && repair.contains("raise ValueError"), "\(repair)")
            #expect(repair.contains("train: ValueError: parameters must be even, got"), "the reason, then the excerpt: \(repair)")
            // The repaired children are counted, and prompt evolution ran through the same worker.
            let status = try #require(run.state())
            let repairs = try #require(status["repairs"] as? [String: Int])
            #expect((repairs["attempted"] ?? 0) >= 1, "\(status)")
            #expect((status["evolvedTemplates"] as? Int ?? 0) >= 1, "\(status)")
            let templates = try run.gectl("templates")
            #expect(templates.stdout.contains(".r") && templates.stdout.contains("gen 1"), "\(templates.stdout)")
            let printed = try run.gectl("status")
            #expect(printed.stdout.contains("failed children given a repair attempt"), "\(printed.stdout)")
            _ = try run.gectl("stop")
        }
    }
}
