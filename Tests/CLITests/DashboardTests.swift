import Foundation
import GEBusTestSupport
import GEStore
import Testing

extension ProcessSuites {
    /// ged's HTTP side on a finished run: `/metrics` parsed and checked
    /// against `gectl status`, and the dashboard in headless Chromium.
    @Suite(.serialized) struct DashboardTests {
        /// Debian's `chromium`; CI installs it, so there the tests run (and
        /// fail if it is missing) instead of being skipped.
        static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile(atPath:))
        static let required = chromium != nil || ProcessInfo.processInfo.environment["CI"] != nil

        /// A finished run of 10 evaluations with the dashboard on.
        final class FinishedRun {
            let run: LocalRun
            let port = freePort()

            init(rungs: [Int]? = nil) throws {
                run = try LocalRun(budget: 10, rungs: rungs, extraConfig: "[http]\nlisten = \"127.0.0.1:\(port)\"\n")
                try run.startDaemon()
                try run.startWorkers(llm: 1, gpu: 2)
                guard eventually(timeout: 120, { run.state()?["state"] as? String == "finished" }) else {
                    throw HarnessError(message: "the run did not finish: \(run.daemonLog)")
                }
            }

            var url: String { "http://127.0.0.1:\(port)" }

            /// GET `path`, after the snapshot the dashboard reads has caught up.
            func get(_ path: String) throws -> String {
                Thread.sleep(forTimeInterval: 1.2)
                let result = try ProcessRunner.run("/usr/bin/curl", ["-sS", "--max-time", "10", url + path])
                guard result.status == 0 else { throw HarnessError(message: "curl \(path): \(result.stderr)") }
                return result.stdout
            }

            deinit { _ = try? run.gectl("stop") }
        }

        /// `name{labels} value` lines of the Prometheus text format.
        static func samples(_ text: String) -> [String: Double] {
            var samples: [String: Double] = [:]
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
                samples[String(line[..<space])] = value
            }
            return samples
        }

        @Test func metricsAreInThePrometheusFormatAndAgreeWithTheStatus() throws {
            let finished = try FinishedRun()
            let text = try finished.get("/metrics")
            let samples = Self.samples(text)
            let status = try #require(finished.run.state())
            let evaluations = status["evaluations"] as? Int ?? -1
            let scored = samples[#"ged_evaluations_total{outcome="scored"}"#] ?? -1
            let failed = samples[#"ged_evaluations_total{outcome="failed"}"#] ?? -1
            #expect(scored + failed == Double(evaluations), "\(text)")
            #expect(samples["ged_evaluation_budget"] == 10)
            for (kind, count) in status["failures"] as? [String: Int] ?? [:] {
                #expect(samples[#"ged_failures_total{kind="\#(kind)"}"#] == Double(count), "\(kind)")
            }
            #expect(samples[#"ged_run_state{state="finished"}"#] == 1 && samples[#"ged_run_state{state="running"}"#] == 0)
            #expect(samples[#"ged_queue_depth{kind="gpu"}"#] == Double(status["queuedGPU"] as? Int ?? -1))
            let hypervolume = try #require(samples["ged_hypervolume"])
            #expect(abs(hypervolume - (status["hypervolume"] as? Double ?? -1)) <= 1e-9 * max(1, abs(hypervolume)))
            for best in status["best"] as? [[String: Any]] ?? [] {
                #expect(samples[#"ged_best{objective="\#(best["objective"] as? String ?? "")"}"#] == best["value"] as? Double)
            }
            #expect(samples[#"ged_workers{kind="gpu",state="busy"}"#].map { $0 + (samples[#"ged_workers{kind="gpu",state="idle"}"#] ?? 0) } == 2)
            for name in ["ged_llm_requests_total", "ged_population_size", "ged_busy_fraction", "ged_llm_waiting"] {
                #expect(samples.keys.contains(name), "\(name) in \(text)")
            }
            #expect(text.contains("# TYPE ged_evaluations_total counter") && text.contains("# TYPE ged_hypervolume gauge"))
            // Hostile ids: refused with a status, ged still serves.
            for (path, code) in [("/api/individuals/9223372036854775807", "404"), ("/api/individuals/-1", "404"),
                                 ("/api/individuals/abc", "400"), ("/api/individuals/" + String(repeating: "9", count: 5000), "400")] {
                let result = try ProcessRunner.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", finished.url + path])
                #expect(result.stdout == code, "\(path.prefix(40)): \(result.stdout)")
            }
            #expect(try finished.get("/api/status").contains("\"evaluations\""))
            #expect(try finished.get("/api/models").contains("\"name\":\"baseline\""))
            #expect(try finished.get("/metrics").contains("ged_llm_model_requests_total{model=\"baseline\"}"))
        }

        /// The page at `path` as headless Chromium renders it.
        static func render(_ finished: FinishedRun, _ path: String, extra: [String] = []) throws -> ProcessRunner.Output {
            let browser = try #require(Self.chromium, "CI installs chromium; it is missing")
            return try ProcessRunner.run(browser, [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--enable-logging=stderr", "--v=0",
                "--virtual-time-budget=5000", "--user-data-dir=\(finished.run.directory)/chromium",
            ] + extra + [finished.url + path])
        }

        @Test(.enabled(if: required, "chromium is not installed (apt install chromium): the dashboard is not tested in a browser"))
        func theDashboardShowsTheFrontAndAnIndividualsDiffInChromium() throws {
            let finished = try FinishedRun()
            _ = try finished.get("/api/status")
            let front = try #require(try finished.run.json("front") as? [[String: Any]])
            func render(_ path: String, extra: [String] = []) throws -> ProcessRunner.Output {
                try Self.render(finished, path, extra: extra)
            }
            let page = try render("/", extra: ["--dump-dom"])
            #expect(page.stdout.contains(#"data-loaded="yes""#), "the page's script ran: \(page.stdout.prefix(2000))")
            let points = page.stdout.components(separatedBy: #"class="point front""#).count - 1
            #expect(points == front.count, "\(points) front points drawn, \(front.count) in gectl front")
            #expect(page.stdout.contains(#"class="seed""#), "the seed is marked")
            // No model is listed: the baseline worker's answers count under the model it names.
            #expect(page.stdout.contains("<td>baseline (not listed)</td>"), "the models table: \(page.stdout.prefix(4000))")
            let errors = page.stderr.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") }
            #expect(errors.isEmpty, "console errors: \(errors)")

            let child = try #require(front.compactMap { $0["id"] as? Int }.first { $0 != 0 } ?? front.first?["id"] as? Int)
            let detail = try render("/individual?id=\(child)", extra: ["--dump-dom"])
            #expect(detail.stdout.contains(#"data-loaded="yes""#), "\(detail.stdout.prefix(2000))")
            #expect(detail.stdout.contains("#\(child): "), "\(detail.stdout.prefix(2000))")
            if child != 0 {
                #expect(detail.stdout.contains(#"<span class="add">+"#), "the diff against its parent: \(detail.stdout.prefix(3000))")
            }
            // GE_SCREENSHOT=path keeps a picture of the dashboard (docs/dashboard.png was made so).
            if let path = ProcessInfo.processInfo.environment["GE_SCREENSHOT"] {
                _ = try render("/", extra: ["--screenshot=\(path)", "--window-size=1180,900", "--hide-scrollbars"])
            }
        }

        @Test(.enabled(if: required, "chromium is not installed (apt install chromium): the dashboard is not tested in a browser"))
        func theDashboardShowsEachRungAndAChildsRungHistory() throws {
            let finished = try FinishedRun(rungs: [1, 2])
            _ = try finished.get("/api/status")
            let status = try #require(finished.run.state())
            let scored = try #require(status["scoredPerRung"] as? [Int])
            let page = try Self.render(finished, "/", extra: ["--dump-dom"])
            #expect(page.stdout.contains("rungs: 1 epochs: \(scored[0]) scored, 2 epochs: \(scored[1]) scored"), "\(page.stdout.prefix(4000))")
            let rows = try RunStore(readingAt: finished.run.database).individuals()
            let child = try #require(rows.first { $0.id != 0 && $0.rungs != nil }, "a child scored at rung 0")
            let detail = try Self.render(finished, "/individual?id=\(child.id)", extra: ["--dump-dom"])
            #expect(detail.stdout.contains("rung 0: 0.9, "), "\(detail.stdout.prefix(3000))")
        }
    }
}
