import Foundation
import GEBusTestSupport
import Testing

extension ProcessSuites {
    @Suite(.serialized) struct SystemdUnitTests {
        static let units = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("systemd")
        static let analyzer = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first { FileManager.default.isExecutableFile(atPath: $0) }

        @Test(.enabled(if: analyzer != nil, "systemd-analyze is not installed (apt install systemd)"))
        func systemdAcceptsTheUnits() throws {
            // The units name installed binaries; point them at the built ones,
            // quoted and with `%` escaped: a checkout's path may hold spaces.
            let products = ProcessRunner.productsDirectory.path.replacingOccurrences(of: "%", with: "%%")
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("units-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            var files: [String] = []
            for (name, instance) in [("ged.service", "ged.service"), ("ge-llm-worker@.service", "ge-llm-worker@1.service"),
                                     ("ge-gpu-worker@.service", "ge-gpu-worker@0.service")] {
                let text = try String(contentsOf: Self.units.appendingPathComponent(name), encoding: .utf8)
                    .replacingOccurrences(
                        of: #"/usr/local/bin/([a-z-]+)"#, with: NSRegularExpression.escapedTemplate(for: "\"\(products)/") + "$1\"", options: .regularExpression)
                let path = directory.appendingPathComponent(instance).path
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                files.append(path)
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.analyzer!)
            process.arguments = ["verify"] + files
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(output)")
            #expect(output.isEmpty, "\(output)")
        }

        /// The exposure scores systemd/README.md records, as targets.
        @Test(.enabled(if: analyzer != nil, "systemd-analyze is not installed (apt install systemd)"),
              arguments: [("ged.service", 2.5), ("ge-llm-worker@.service", 2.5), ("ge-gpu-worker@.service", 4.0)])
        func hardeningStaysWithinItsExposureTarget(unit: String, target: Double) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.analyzer!)
            process.arguments = ["security", "--offline=yes", Self.units.appendingPathComponent(unit).path]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let line = try #require(text.split(separator: "\n").last { $0.contains("Overall exposure level") }, "\(text)")
            let score = try #require(line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }, "\(line)")
            #expect(score <= target, "\(unit): exposure \(score), target \(target)")
        }

        @Test func readyAndWatchdogReachTheNotifySocket() throws {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString)").path
            let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            defer { close(fd); unlink(path) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            #expect(bound == 0)
            let run = try LocalRun(budget: 4)
            let daemon = Process()
            daemon.executableURL = ProcessRunner.productsDirectory.appendingPathComponent("ged")
            daemon.arguments = ["--config", run.directory + "/ged.toml"]
            daemon.environment = ["NOTIFY_SOCKET": path]
            daemon.standardError = FileHandle.nullDevice
            try daemon.run()
            defer { kill(daemon.processIdentifier, SIGKILL); daemon.waitUntilExit() }
            var received: [String] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            while received.count < 2 {
                let count = recv(fd, &buffer, buffer.count, 0)
                guard count > 0 else { break }
                received.append(String(decoding: buffer[..<count], as: UTF8.self))
            }
            #expect(received.first?.hasPrefix("READY=1\nSTATUS=0/4 evaluations") == true, "\(received)")
            #expect(received.dropFirst().first?.hasPrefix("WATCHDOG=1") == true, "\(received)")
            kill(daemon.processIdentifier, SIGTERM)
            #expect(eventually { !daemon.isRunning })
            #expect(daemon.terminationStatus == 0)
        }
    }
}
