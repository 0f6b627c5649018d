import Foundation
import GEBus
import GEBusTestSupport
import GECore
import GEProtocol
import Testing

extension ProcessSuites {
    /// A variant that attacks the host, run through the real `ge-gpu-worker`
    /// in its default sandbox, as root (how most GPU boxes run it) and as an
    /// unprivileged user: every attack must fail and nothing may outlive the job.
    @Suite(.serialized) struct HostileSeedTests {
        static let fixture = LocalRun.repository.appendingPathComponent("Tests/GETrainingTests/Fixtures/seeds/hostile").path

        /// Targets on the host the variant goes after, and what the test
        /// checks afterwards.
        final class Host {
            let base = "/tmp/ge-hostile-\(UUID().uuidString)"
            let token = UUID().uuidString
            let marker = Int.random(in: 50_000..<90_000)
            var helper: Process?
            var listeners: [Int32] = []
            var portV4 = 0, portV6 = 0
            var control: Int32 = -1

            var outside: String { "/var/tmp/ge-outside-\(token)" }
            var devShm: String { "/dev/shm/ge-hostile-\(token)" }
            var seeds: String { base + "/seeds" }

            init() throws {
                let manager = FileManager.default
                for (folder, mode) in [(base, 0o755), (base + "/open", 0o777), (base + "/state", 0o755), (base + "/run", 0o755), (seeds, 0o755)] {
                    try manager.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
                    chmod(folder, mode_t(mode))
                }
                try manager.copyItem(atPath: HostileSeedTests.fixture, toPath: seeds + "/hostile")
                // World-readable: only the sandbox's mounts keep the job from it.
                try "SECRET-DB-\(token)".write(toFile: base + "/state/ged.sqlite", atomically: true, encoding: .utf8)
                chmod(base + "/state/ged.sqlite", 0o644)
                let helper = Process()
                helper.executableURL = URL(fileURLWithPath: "/bin/sleep")
                helper.arguments = ["120"]
                helper.environment = ["GE_HELPER_SECRET": "helper-\(token)"]
                // Its own output: inheriting the test's would keep `swift test` waiting for it.
                helper.standardOutput = FileHandle.nullDevice
                helper.standardError = FileHandle.nullDevice
                try helper.run()
                self.helper = helper
                (listeners, portV4, portV6) = Self.tcpListeners()
                control = Self.unixListener(at: base + "/run/control.sock")
            }

            /// Ends the helper process (also done on release).
            func stopHelper() {
                guard let helper, helper.isRunning else { return }
                kill(helper.processIdentifier, SIGKILL)
                helper.waitUntilExit()
            }

            deinit {
                stopHelper()
                (listeners + [control]).forEach { close($0) }
                // GE_TEST_KEEP=1 keeps the folder (job logs included) for a look after a failure.
                if ProcessInfo.processInfo.environment["GE_TEST_KEEP"] == nil { try? FileManager.default.removeItem(atPath: base) }
                try? FileManager.default.removeItem(atPath: outside)
                try? FileManager.default.removeItem(atPath: devShm)
            }

            /// The variant: the tiny model, with the targets baked in.
            func variant(forge: Bool = true, fillDisk: Bool = false) throws -> String {
                let targets: [String: Any] = [
                    "outside": outside, "world_writable": base + "/open/escape", "dev_shm": devShm,
                    "secret": base + "/state/ged.sqlite", "secret_text": "SECRET-DB-\(token)",
                    "helper_pid": Int(helper!.processIdentifier), "helper_secret": "helper-\(token)",
                    "api_key": "sk-hostile-\(token)", "control": base + "/run/control.sock",
                    "port_v4": portV4, "port_v6": portV6, "marker": marker,
                    "forge": forge ? "result.json" : "", "fill_disk": fillDisk,
                    "labels": seeds + "/hostile/grading/labels.json",
                ]
                let json = String(decoding: try JSONSerialization.data(withJSONObject: targets), as: UTF8.self)
                return "import json\nATTACKS = json.loads('\(json)')\n# --OPTION--\nclass Net:\n    parameters = 77\n"
            }

            /// What got through, seen from the host.
            func leaks() -> [String] {
                var found: [String] = []
                for path in [outside, base + "/open/escape", devShm, "/ge-remount-escape"]
                where FileManager.default.fileExists(atPath: path) {
                    found.append("wrote \(path)")
                }
                for listener in listeners + [control] where Self.hasPendingConnection(listener) {
                    found.append("reached a listening socket")
                }
                for survivor in Self.processes(withArgument: [marker, marker + 1, marker + 2].map(String.init)) {
                    found.append("process \(survivor) outlived the job")
                }
                return found
            }

            static func tcpListeners() -> ([Int32], Int, Int) {
                var sockets: [Int32] = []
                var v4 = sockaddr_in()
                v4.sin_family = sa_family_t(AF_INET)
                v4.sin_addr.s_addr = inet_addr("127.0.0.1")
                let four = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                _ = withUnsafeMutablePointer(to: &v4) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        bind(four, $0, length) == 0 && listen(four, 8) == 0 && getsockname(four, $0, &length) == 0
                    }
                }
                sockets.append(four)
                var v6 = sockaddr_in6()
                v6.sin6_family = sa_family_t(AF_INET6)
                v6.sin6_addr = in6addr_loopback
                let six = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
                var length6 = socklen_t(MemoryLayout<sockaddr_in6>.size)
                let sixBound = withUnsafeMutablePointer(to: &v6) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        bind(six, $0, length6) == 0 && listen(six, 8) == 0 && getsockname(six, $0, &length6) == 0
                    }
                }
                if sixBound { sockets.append(six) } else { close(six) }
                for descriptor in sockets { _ = fcntl(descriptor, F_SETFL, O_NONBLOCK) }
                return (sockets, Int(UInt16(bigEndian: v4.sin_port)), sixBound ? Int(UInt16(bigEndian: v6.sin6_port)) : 0)
            }

            static func unixListener(at path: String) -> Int32 {
                let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
                var address = sockaddr_un()
                address.sun_family = sa_family_t(AF_UNIX)
                withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                    for (index, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
                }
                _ = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                    }
                }
                listen(descriptor, 8)
                chmod(path, 0o666)
                _ = fcntl(descriptor, F_SETFL, O_NONBLOCK)
                return descriptor
            }

            static func hasPendingConnection(_ listener: Int32) -> Bool {
                let connection = accept(listener, nil, nil)
                if connection >= 0 { close(connection) }
                return connection >= 0
            }

            /// Host processes whose command line has one of `arguments`.
            static func processes(withArgument arguments: [String]) -> [Int32] {
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
                return entries.compactMap(Int32.init).filter { pid in
                    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
                    let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                    return words.first.map { $0.hasSuffix("sleep") } == true && words.contains(where: arguments.contains)
                }
            }
        }

        /// Starts the real worker (default sandbox), optionally as `nobody`.
        func startWorker(endpoint: String, host: Host, unprivileged: Bool) throws -> Process {
            var executable = ProcessRunner.productsDirectory.appendingPathComponent("ge-gpu-worker").path
            let work = host.base + "/work"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            let process = Process()
            var arguments = ["--connect", endpoint, "--device", "cpu", "--seeds", host.seeds, "--work-dir", work, "--name", "hostile"]
            var environment = ProcessInfo.processInfo.environment
            environment["GE_LLM_API_KEY"] = "sk-hostile-\(host.token)"
            if unprivileged {
                // A copy nobody can run, wherever the build lies; its Python is the system's.
                let copy = host.base + "/ge-gpu-worker"
                try FileManager.default.copyItem(atPath: executable, toPath: copy)
                chmod(copy, 0o755)
                executable = copy
                chown(work, 65534, 65534)
                environment["PATH"] = "/usr/bin:/bin"
                environment["HOME"] = "/tmp"
                process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
                arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", "--", executable] + arguments
            } else {
                process.executableURL = URL(fileURLWithPath: executable)
            }
            process.arguments = arguments
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
            return process
        }

        func evaluate(_ source: String, id: String, broker: BrokerHarness) throws -> EvaluationOutcome {
            broker.send(.submit(id: id, kind: .gpu, payload: try JSONEncoder().encode(TrainingJobSpec(seed: "hostile", source: source))))
            guard eventually(timeout: 180, { broker.completed.contains(id) }) else {
                throw HarnessError(message: "job \(id) did not finish")
            }
            let payload = try #require(broker.completions().first { $0.id == id }?.payload)
            return try JSONDecoder().decode(EvaluationOutcome.self, from: payload)
        }

        func attacksFail(unprivileged: Bool) throws {
            let host = try Host()
            defer { host.stopHelper() }
            let broker = try BrokerHarness(config: { var c = BrokerConfig(); c.heartbeatInterval = testHeartbeat; return c }())
            defer { broker.stop() }
            let worker = try startWorker(endpoint: broker.endpoint, host: host, unprivileged: unprivileged)
            defer { kill(worker.processIdentifier, SIGKILL); worker.waitUntilExit() }

            let outcome = try evaluate(try host.variant(), id: "attack", broker: broker)
            #expect(outcome.failed == nil, "\(outcome.failed.map { "\($0)\n\($0.excerpt ?? "")" } ?? "")")
            // The report travels in the log: result.json is what the variant forges.
            let line = outcome.run.logTail.split(separator: "\n").first { $0.contains("attacks: ") }
            let report = line.flatMap { $0.components(separatedBy: "attacks: ").last }.map { Data($0.utf8) } ?? Data()
            let attacks = (try? JSONSerialization.jsonObject(with: report) as? [String: Int]) ?? [:]
            #expect(attacks.count == 15, "every attack judged inside reported (/dev/shm, survivors and forgery are judged here): \(outcome.run.logTail)")
            for (attack, worked) in attacks.sorted(by: { $0.key < $1.key }) {
                #expect(worked == 0, "\(attack) worked")
            }
            #expect(outcome.objectives == [0.5, 77], "accuracy graded by the worker from the predictions, parameters from the screen: not the forged result.json's [1, 1]")
            Thread.sleep(forTimeInterval: 0.5)
            #expect(host.leaks().isEmpty, "\(host.leaks())")

            let filled = try evaluate(try host.variant(forge: false, fillDisk: true), id: "disk", broker: broker)
            #expect(filled.failed?.kind == .disk, "\(String(describing: filled.failed))")
        }

        @Test func everyAttackFailsWithTheDefaultSandboxAsRoot() throws {
            try #require(getuid() == 0, "this test runs the worker as root, as CI does")
            try attacksFail(unprivileged: false)
        }

        @Test func everyAttackFailsWithTheDefaultSandboxAsAnUnprivilegedUser() throws {
            try #require(getuid() == 0, "switching to the unprivileged user needs root, as CI has")
            try attacksFail(unprivileged: true)
        }

        @Test func autoRefusesToStartWithoutBubblewrap() throws {
            let result = try ProcessRunner.run(
                "ge-gpu-worker", ["--connect", "tcp://127.0.0.1:1", "--device", "cpu", "--seeds", Self.fixture],
                environment: ["PATH": "/nonexistent"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("bubblewrap"), "\(result.stderr)")
        }
    }
}
