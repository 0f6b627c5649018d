import Foundation
import GEBus
import GEBusTestSupport
import GECore
import GEProtocol
import Testing

extension ProcessSuites {
    /// Worker executables as separate processes against an in-process broker.
    @Suite(.serialized) struct WorkerProcessTests {
        static let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("GETrainingTests/Fixtures/seeds").path

        func brokerConfig() -> BrokerConfig {
            var config = BrokerConfig()
            config.heartbeatInterval = testHeartbeat
            return config
        }

        func start(_ executable: String, _ arguments: [String]) throws -> Process {
            let process = Process()
            process.executableURL = ProcessRunner.productsDirectory.appendingPathComponent(executable)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }

        func variant(_ mode: String) -> Data {
            try! JSONEncoder().encode(TrainingJobSpec(seed: "tiny", source: "MODE = \"\(mode)\"\n# --OPTION--\nclass Net:\n    parameters = 5\n"))
        }

        @Test func killingAWorkerMidJobRequeuesItsJob() throws {
            let broker = try BrokerHarness(config: brokerConfig())
            defer { broker.stop() }
            let workers = try (0..<2).map { index in
                try start("ge-gpu-worker", [
                    "--connect", broker.endpoint, "--device", "cpu", "--seeds", Self.seeds, "--sandbox", "none",
                    "--name", "w\(index)",
                ])
            }
            defer { workers.forEach { kill($0.processIdentifier, SIGKILL); $0.waitUntilExit() } }
            #expect(eventually { broker.workers.count == 2 })
            broker.send(.submit(id: "t0", kind: .gpu, payload: variant("slow")))
            broker.send(.submit(id: "t1", kind: .gpu, payload: variant("slow")))
            #expect(eventually { broker.workers.allSatisfy { $0.running.count == 1 } })
            let holder = try #require(broker.workers.first { $0.running.contains("t0") })
            let victim = workers[holder.name == "w0" ? 0 : 1]
            kill(victim.processIdentifier, SIGKILL)
            #expect(eventually(timeout: 20) { Set(broker.completed) == ["t0", "t1"] })
            let completions = broker.completions()
            let t0 = try #require(completions.first { $0.id == "t0" })
            #expect(t0.worker != holder.id, "t0 was finished by the surviving worker")
            let outcome = try JSONDecoder().decode(EvaluationOutcome.self, from: t0.payload)
            #expect(outcome.objectives == [0.9, 5])
            #expect(broker.allActions.contains { if case .workerLeft(let worker, let reason) = $0 { worker.id == holder.id && reason.contains("silent") } else { false } })
        }

        @Test func trainingDiesWithItsWorkerEvenUnsandboxed() throws {
            let broker = try BrokerHarness(config: brokerConfig())
            defer { broker.stop() }
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("orphans-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: work) }
            let worker = try start("ge-gpu-worker", [
                "--connect", broker.endpoint, "--device", "cpu", "--seeds", Self.seeds, "--sandbox", "none",
                "--name", "w", "--work-dir", work,
            ])
            defer { kill(worker.processIdentifier, SIGKILL); worker.waitUntilExit() }
            #expect(eventually { broker.workers.count == 1 })
            broker.send(.submit(id: "t", kind: .gpu, payload: variant("hang")))
            /// Processes working in this worker's job folders; with `python`,
            /// only the seed's training script itself (`python3 train.py`),
            /// which starts after the wrappers that tie it to the worker.
            func jobProcesses(python: Bool = false) -> [Int32] {
                ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(Int32.init).filter { pid in
                    let cwd = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd")) ?? ""
                    let words = (FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()).split(separator: 0)
                        .map { String(decoding: $0, as: UTF8.self) }
                    // Zombies only wait to be reaped (this container's init may not).
                    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
                    let zombie = stat.split(separator: ")").last?.split(separator: " ").first == "Z"
                    return cwd.hasPrefix(work) && !zombie
                        && (!python || (words.first?.hasSuffix("python3") == true && words.dropFirst().first == "train.py"))
                }
            }
            #expect(eventually { !jobProcesses(python: true).isEmpty }, "the job started training")
            kill(worker.processIdentifier, SIGKILL)
            worker.waitUntilExit()
            #expect(eventually { jobProcesses().isEmpty }, "the job outlived its worker: \(jobProcesses())")
        }

        @Test func theLLMWorkerServesPromptsWithTheBaselineProviderAndStopsOnSIGTERM() throws {
            let broker = try BrokerHarness(config: brokerConfig())
            defer { broker.stop() }
            let worker = try start("ge-llm-worker", ["--connect", broker.endpoint, "--provider", "baseline", "--concurrency", "2"])
            defer { kill(worker.processIdentifier, SIGKILL); worker.waitUntilExit() }
            let base = "import torch.nn as nn\n# --OPTION--\nclass B(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.act = nn.ReLU()\n        self.conv = nn.Conv2d(16, 32, 3)\n"
            for index in 0..<4 {
                let spec = LLMJobSpec(
                    prompt: "make it better \(index)", sampling: Sampling(temperature: 0.2, topP: 0.1, maxTokens: 800),
                    baseSource: base, marker: Genome.defaultMarker, segment: 1, expectedNames: ["B"])
                broker.send(.submit(id: "p\(index)", kind: .llm, payload: try JSONEncoder().encode(spec)))
            }
            #expect(eventually(timeout: 20) { broker.completed.count == 4 })
            for completion in broker.completions() {
                let outcome = try JSONDecoder().decode(LLMOutcome.self, from: completion.payload)
                #expect(outcome.failed == nil, "\(outcome)")
                #expect(outcome.source?.hasPrefix("import torch.nn as nn\n# --OPTION--\nclass B(nn.Module):") == true)
            }
            kill(worker.processIdentifier, SIGTERM)
            #expect(eventually { !worker.isRunning })
            #expect(worker.terminationStatus == 0)
            #expect(eventually { broker.workers.isEmpty }, "it said goodbye")
        }
    }
}
