import GECore
import GEProtocol
import GEService
import Prometheus
import Synchronization

/// `/metrics` in the Prometheus text format, from the latest snapshot:
/// totals as counters (advanced by what changed since the last scrape),
/// the rest as gauges.
final class RunMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    /// What each counter has reported, by name and labels.
    private let reported = Mutex<[String: Int64]>([:])

    func text(for snapshot: DashboardSnapshot) -> String {
        let status = snapshot.status
        let engine = snapshot.reports.engine
        // An evaluation job scored: at full fidelity, or at a lower rung.
        let scored = engine.individuals.reduce(0) { $0 + ($1.fitness != nil ? 1 : 0) + ($1.lowerRungFitness?.count ?? 0) }
        count("ged_evaluations_total", ["outcome": "scored"], scored, "Evaluations completed, by outcome.")
        count("ged_evaluations_total", ["outcome": "failed"], status.evaluations - scored, "Evaluations completed, by outcome.")
        for (kind, number) in status.failures {
            count("ged_failures_total", ["kind": kind], number, "Children that failed, by failure kind.")
        }
        count("ged_llm_requests_total", [:], engine.llmRequestsSent, "LLM requests sent.")
        gauge("ged_evaluation_budget", [:], Double(status.budget), "The run's evaluation budget.")
        gauge("ged_population_size", [:], Double(engine.population.count), "Individuals in the population.")
        for (kind, depth) in [("llm", status.queuedLLM), ("gpu", status.queuedGPU)] {
            gauge("ged_queue_depth", ["kind": kind], Double(depth), "Jobs waiting for a worker, by kind.")
        }
        for kind in ["llm", "gpu"] {
            let ofKind = snapshot.workers.filter { $0.kind == kind }
            gauge("ged_workers", ["kind": kind, "state": "busy"], Double(ofKind.count { $0.running > 0 }), "Connected workers, by kind and state.")
            gauge("ged_workers", ["kind": kind, "state": "idle"], Double(ofKind.count { $0.running == 0 }), "Connected workers, by kind and state.")
        }
        let busy = snapshot.workers.count { $0.running > 0 }
        gauge("ged_busy_fraction", [:], snapshot.workers.isEmpty ? 0 : Double(busy) / Double(snapshot.workers.count), "The share of connected workers running a job.")
        gauge("ged_training_seconds", [:], engine.trainingSeconds, "Training time the evaluations took, as workers reported it.")
        gauge("ged_hypervolume", [:], status.hypervolume ?? 0, "Hypervolume of the evaluated points (0 before the first).")
        for best in status.best {
            gauge("ged_best", ["objective": best.objective], best.value, "The best value of each objective.")
        }
        for state in ["running", "paused", "stopped", "finished"] {
            gauge("ged_run_state", ["state": state], status.state.rawValue == state ? 1 : 0, "1 for the run's state.")
        }
        gauge("ged_llm_waiting", [:], status.llmWaiting == nil ? 0 : 1, "1 while breeding waits for the LLM: unreachable, or no worker serves a listed model.")
        gauge("ged_llm_cost", [:], engine.llmCost, "What the LLM requests cost, at the listed models' prices (llm.currency).")
        for (model, stats) in engine.modelStats {
            count("ged_llm_model_requests_total", ["model": model], stats.requests, "LLM jobs answered or failed, by model.")
            count("ged_llm_model_accepted_total", ["model": model], stats.accepted, "Children accepted (the bandit's successes), by model.")
            count("ged_llm_model_tokens_total", ["model": model, "direction": "input"], stats.inputTokens, "Tokens the providers reported, by model and direction.")
            count("ged_llm_model_tokens_total", ["model": model, "direction": "output"], stats.outputTokens, "Tokens the providers reported, by model and direction.")
        }
        return registry.emitToString()
    }

    private func gauge(_ name: String, _ labels: [String: String], _ value: Double, _ help: String) {
        registry.makeGauge(name: name, labels: labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, help: help).set(value)
    }

    private func count(_ name: String, _ labels: [String: String], _ total: Int, _ help: String) {
        let pairs = labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let key = name + pairs.map { "|\($0.0)=\($0.1)" }.joined()
        let counter = registry.makeCounter(name: name, labels: pairs, help: help)
        let delta = reported.withLock { reported -> Int64 in
            let delta = max(0, Int64(total) - reported[key, default: 0])
            reported[key, default: 0] += delta
            return delta
        }
        if delta > 0 { counter.increment(by: delta) }
    }
}
