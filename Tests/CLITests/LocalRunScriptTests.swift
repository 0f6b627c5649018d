import Foundation
import GEBusTestSupport
import Testing

extension ProcessSuites {
    /// `make run`'s script as a new user runs it: from a copy of the checkout
    /// under /tmp, with the default sandbox, on the CPU seed — and on a seed
    /// that is broken. (The binaries are the tests' own, through GED_BIN, so
    /// the script does not build again.)
    @Suite(.serialized) struct LocalRunScriptTests {
        /// A copy of what the script needs, in a fresh folder under /tmp.
        final class Checkout {
            let path = "/tmp/ged-checkout-\(UUID().uuidString)"

            init() throws {
                for folder in ["scripts", "sota", "prompts"] {
                    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                    try FileManager.default.copyItem(
                        atPath: LocalRun.repository.appendingPathComponent(folder).path, toPath: path + "/" + folder)
                }
            }

            deinit { try? FileManager.default.removeItem(atPath: path) }

            /// Runs scripts/run-local.sh with `environment` added.
            func run(_ environment: [String: String]) throws -> ProcessRunner.Output {
                var all = ProcessInfo.processInfo.environment
                all["GED_BIN"] = ProcessRunner.productsDirectory.path
                all["RUN_DIR"] = path + "/.run"
                all["PORT"] = String(freePort())
                all.merge(environment) { $1 }
                return try ProcessRunner.run("/bin/bash", [path + "/scripts/run-local.sh"], environment: all)
            }
        }

        static let torchAvailable = SeedFolderTests.torchAvailable

        @Test(.enabled(if: torchAvailable, "PyTorch is not installed (pip install torch==2.13.0+cpu): the local run is not tested"))
        func theLocalRunWorksFromACheckoutUnderTmpWithTheDefaultSandbox() throws {
            let checkout = try Checkout()
            let result = try checkout.run(["BUDGET": "4"])
            #expect(result.status == 0, "\(result.stderr.suffix(3000))")
            #expect(result.stderr.contains("Pareto front"), "\(result.stderr.suffix(2000))")
            #expect(result.stdout.contains("finished (evaluation budget of 4 reached)"), "\(result.stdout)")
            #expect(!result.stdout.contains("failures:    crash"), "no evaluation failed: \(result.stdout)")
            // The run can be read afterwards without the daemon.
            let front = try ProcessRunner.run("gectl", ["front", "--state-dir", checkout.path + "/.run/state"])
            #expect(front.status == 0 && front.stdout.contains("0 "), "\(front.stdout)\(front.stderr)")
            // DigitsCNN declares fidelity rungs, on by default: the seed trained
            // at full fidelity, the three children at the lowest rung (those
            // the LLM's edit did not break scored there; none could go higher
            // within 4 evaluations).
            let status = try ProcessRunner.run("gectl", ["status", "--json", "--state-dir", checkout.path + "/.run/state"])
            let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            #expect(report["rungEpochs"] as? [Int] == [1, 4, 12], "\(status.stdout)")
            let scored = try #require(report["scoredPerRung"] as? [Int], "\(status.stdout)")
            #expect(scored.count == 3 && scored[0] <= 3 && scored[1] == 0 && scored[2] == 1, "\(scored)")
            #expect((report["trainingSeconds"] as? Double ?? 0) > 0)
        }

        @Test(.enabled(if: torchAvailable, "PyTorch is not installed (pip install torch==2.13.0+cpu): the local run is not tested"))
        func aSeedThatFailsItsScreenStopsTheRunAndTheScriptFails() throws {
            let checkout = try Checkout()
            let broken = checkout.path + "/sota/BrokenCNN"
            try FileManager.default.copyItem(atPath: checkout.path + "/sota/DigitsCNN", toPath: broken)
            let network = broken + "/network.py"
            let source = try String(contentsOfFile: network, encoding: .utf8)
            try ("import torchvisionx  # a module that does not exist\n" + source).write(toFile: network, atomically: true, encoding: .utf8)
            let started = Date()
            let result = try checkout.run(["BUDGET": "20", "SEED": broken])
            #expect(result.status == 1, "\(result.stderr.suffix(2000))")
            #expect(result.stderr.contains("the run stopped before its budget"), "\(result.stderr.suffix(2000))")
            #expect(result.stderr.contains("the seed failed its evaluation") && result.stderr.contains("ModuleNotFoundError"),
                    "the Python error is in the status: \(result.stderr.suffix(2000))")
            #expect(Date().timeIntervalSince(started) < 120)
            // Within one evaluation: the seed's.
            let status = try ProcessRunner.run("gectl", ["status", "--json", "--state-dir", checkout.path + "/.run/state"])
            let report = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
            #expect(report?["evaluations"] as? Int == 1 && report?["state"] as? String == "stopped", "\(status.stdout)")
        }
    }
}
