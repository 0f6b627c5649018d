import Foundation
import GEBus
import GECore
import GEProtocol

/// The control socket: one request, one reply, on the reactor thread.
extension Daemon {
    func answerControl() throws {
        guard let frames = try controlSocket.receive(dontWait: true) else { return }
        let reply: ControlReply
        if frames.count == 1, let request = try? JSONDecoder().decode(ControlRequest.self, from: frames[0]) {
            reply = try respond(to: request)
        } else {
            reply = .failure("malformed request; use a gectl of the same version as ged")
        }
        try controlSocket.send([Self.encode(reply)])
    }

    func respond(to request: ControlRequest) throws -> ControlReply {
        switch request {
        case .status: return .success(status())
        case .workers: return .success(workers())
        case .population, .front, .individuals, .show, .lineage, .templates, .models: return reports.answer(request)!
        case .pause:
            try apply(.pause)
            return .success(["paused": true])
        case .resume:
            let stopped = engine.stopReason
            try apply(.resume)
            guard let reason = stopped, engine.stopReason == nil else {
                if let reason = engine.stopReason {
                    let key = engine.spentLimit ?? "evolution.evaluation_budget"
                    return .failure("the run stays stopped (\(reason)): its budget is spent; raise \(key) with gectl config set, then resume")
                }
                return .success(["resumed": "resumed"])
            }
            return .success(["resumed": "resumed; cleared the stop: \(reason)"])
        case .drain(let name):
            guard let worker = broker.core.workers.values.first(where: { $0.id == name || $0.name == name }) else {
                return .failure("no connected worker \(name); see gectl workers")
            }
            _ = broker.drain(workerID: worker.id)
            return .success(["draining": worker.id])
        case .stop:
            try apply(.stop(reason: "gectl stop"))
            control.stop(because: "gectl stop")
            return .success(["stopping": true])
        case .configGet:
            return .success(configuration())
        case .configSet(let key, let value):
            guard let setting = Setting.named(key) else {
                return .failure("no setting \(key); gectl config get lists them")
            }
            guard setting.scope == .live else {
                let live = Setting.all.filter { $0.scope == .live }.map(\.key).joined(separator: ", ")
                return .failure("\(key) cannot change while a run exists (\(setting.scope.rawValue) setting); settable while running: \(live)")
            }
            var changed = settings
            changed.engine = engine.config
            do {
                try setting.set(value, in: &changed)
                try changed.engine.validate()
            } catch {
                return .failure("\(error)")
            }
            try apply(.configure(changed.engine))
            return .success(configuration())
        }
    }

    /// The run's status with what only the live daemon knows: workers,
    /// queues, an LLM outage: what `gectl status` shows.
    public func status() -> StatusReport {
        reports.status(live: live)
    }

    /// Workers, queues and what the LLM side waits for (an outage, a listed
    /// model), for a status.
    var live: RunReports.Live {
        let workers = broker.core.workers.values
        return RunReports.Live(
            workersBusy: workers.count { !$0.running.isEmpty }, workersIdle: workers.count { $0.running.isEmpty },
            queuedLLM: broker.core.queued(.llm), queuedGPU: broker.core.queued(.gpu),
            llmWaiting: llmOutage?.description(at: Date()) ?? modelWait)
    }

    var reports: RunReports {
        RunReports(engine: engine, manifest: manifest, library: library, store: store, preset: settings.preset)
    }

    func workers() -> [WorkerReport] {
        let now = broker.now
        return broker.core.workers.values.sorted { $0.id < $1.id }.map { worker in
            WorkerReport(
                id: worker.id, name: worker.name, kind: worker.kind.rawValue, host: worker.host,
                gpu: worker.capabilities.gpuName, slots: worker.capabilities.slots, running: worker.running.count,
                draining: worker.draining, secondsSinceHeard: now - worker.lastHeard,
                sandboxed: worker.capabilities.sandboxed,
                model: worker.capabilities.model.map { model in worker.capabilities.provider.map { "\($0):\(model)" } ?? model })
        }
    }

    /// Every setting with the value in force: the run's for run and live
    /// settings, this daemon's for the others.
    func configuration() -> [SettingReport] {
        var current = settings
        current.engine = engine.config
        return Setting.all.map { setting in
            SettingReport(
                key: setting.key, value: setting.value(in: current), scope: setting.scope, accepts: setting.accepts,
                help: setting.help)
        }
    }
}
