import Foundation
import GEBus
import GECore
import GEProtocol
import GESeed
import GEStore
import Synchronization

/// `ged`'s reactor: one thread owns the work, control and event sockets,
/// applies every input to the engine, commits it, and only then sends the
/// work it leads to.
public final class Daemon {
    /// The thread-safe part: stopping from a signal handler.
    public final class Control: Sendable {
        let wakeup: WakeupPipe
        let stopping = Mutex<String?>(nil)
        /// The longest reactor turn (the work between two polls) since it
        /// was last taken: a long one stalls every worker and gectl.
        let longestTurnNanoseconds = Atomic<Int>(0)

        init() throws {
            wakeup = try WakeupPipe()
        }

        /// The longest reactor turn since the last call, and starts afresh.
        public func takeLongestTurn() -> Duration {
            .nanoseconds(longestTurnNanoseconds.exchange(0, ordering: .relaxed))
        }

        func noteTurn(_ turn: Duration) {
            let nanoseconds = Int(turn.components.seconds) * 1_000_000_000 + Int(turn.components.attoseconds / 1_000_000_000)
            longestTurnNanoseconds.max(nanoseconds, ordering: .relaxed)
        }

        /// Makes `run()` commit what it has and return.
        public func stop(because reason: String) {
            stopping.withLock { $0 = reason }
            wakeup.signal()
        }
    }

    public let control: Control
    let settings: DaemonSettings
    let manifest: SeedManifest
    let store: RunStore
    let library: PromptLibrary
    var engine: Engine
    let broker: BrokerServer
    let controlSocket: ZMQSocket
    let eventSocket: ZMQSocket
    let notifier = SystemdNotifier()
    let log: @Sendable (String) -> Void
    var seq: Int
    /// The input after which the newest snapshot was taken (0: none yet).
    var snapshotSeq = 0
    let snapshots: SnapshotWriter
    /// Bus changes not yet written: leases handed out and worker sessions,
    /// committed together once per reactor turn.
    var pendingLeases: [String: String] = [:]
    var pendingWorkers: [WorkerRecord] = []
    /// When a failure was last logged, and how many since were not.
    var failureLog = (since: Date.distantPast, unlogged: 0)
    /// For the dashboard and `/metrics` (when `http.listen` is set).
    public let feed = DashboardFeed()
    var lastFeed = Date.distantPast
    /// Set while the LLM service is unreachable (see `LLMOutage`).
    var llmOutage: LLMOutage?
    var lastHeartbeat = Date.distantPast
    /// Kept alive while the daemon runs: it answers CURVE handshakes.
    private let authenticator: ZAPHandler?
    /// Held while the daemon runs: one daemon per state directory.
    private let stateLock: DirectoryLock

    /// Opens the state directory, resumes its run or starts a new one, and
    /// binds the sockets. Jobs that were in flight are queued again.
    ///
    /// A new run is written to the database only once every socket is
    /// bound, so a daemon that cannot start leaves nothing half-made. A
    /// resumed run keeps the seed, manifest, templates and settings it was
    /// created with; settings the configuration gives that differ are
    /// applied as recorded changes when live, and refused otherwise.
    public init(settings given: DaemonSettings, log: @escaping @Sendable (String) -> Void) throws {
        try given.validate()
        self.log = log
        self.control = try Control()
        // The state directory and everything in it are the operator's: jobs
        // and other users must not read the run (umask 0077 is set by ged).
        try FileManager.default.createDirectory(
            atPath: given.stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        stateLock = try DirectoryLock(directory: given.stateDirectory)
        store = try RunStore(path: given.stateDirectory + "/ged.sqlite")
        snapshots = SnapshotWriter(store: store)
        var settings = given
        var newRun: RunStore.RunSettings?
        var liveChange: EngineConfig?
        if let saved = try SavedRun.load(from: store, log: log) {
            manifest = saved.manifest
            library = saved.library
            engine = saved.engine
            seq = saved.seq
            snapshotSeq = saved.snapshotSeq
            settings.seedDirectory = saved.settings.seedDirectory
            settings.rngSeed = saved.settings.rngSeed
            settings.engine = saved.engine.config
            if manifest.rungs != nil {
                // What the run was created with, for `reconcile` and `gectl config get`.
                settings.multiFidelity = saved.engine.config.fidelity != nil
                settings.promotionEta = saved.engine.config.fidelity?.eta ?? given.promotionEta
            }
            if let preset = given.preset, preset != saved.settings.preset {
                log("--preset \(preset) applies to new runs only; this run was created with \(saved.settings.preset.map { "the preset \($0)" } ?? "no preset")")
            }
            settings.preset = saved.settings.preset
            liveChange = try Self.reconcile(given: given, run: settings, log: log)
            log("resumed the run of \(manifest.name) in \(given.stateDirectory): \(engine.evaluationsCompleted) evaluations done, \(saved.replayed) inputs replayed")
        } else {
            manifest = try SeedManifest.load(directory: given.seedDirectory)
            library = try PromptLibrary(files: PromptFiles.read(directory: given.promptsDirectory))
            if let personas = given.engine.variation.personas, library.mutationTemplates(personas: personas).isEmpty {
                let known = Set(library.templates(of: .mutation).map(\.persona)).sorted().joined(separator: ", ")
                throw ConfigError(
                    key: "prompts.personas",
                    message: "no mutation template in \(given.promptsDirectory) has the persona \(personas.joined(separator: " or ")); the templates have: \(known)")
            }
            var configuration = given.engine
            configuration.weights = manifest.weights
            if given.multiFidelity, let rungs = manifest.rungs {
                configuration.fidelity = EngineConfig.Fidelity(rungs: rungs.count, eta: given.promotionEta)
            }
            let genome = try manifest.genomeSource()
            engine = try Engine(
                seed: Genome(source: genome, marker: manifest.marker), config: configuration, rngSeed: given.rngSeed)
            newRun = RunStore.RunSettings(
                seedDirectory: manifest.directory.path, seedName: manifest.directory.lastPathComponent,
                configuration: configuration, rngSeed: given.rngSeed, seedGenome: genome, seedManifest: manifest.text,
                preset: given.preset)
            seq = 0
        }
        self.settings = settings

        let context = try ZMQContext()
        var curve: CurveServerKeys?
        if let keys = settings.serverKeys {
            var authorized = [CurveServerKeys.defaultDomain: try ZAPHandler.authorizedKeys(inDirectory: settings.authorizedKeys ?? "")]
            if let operators = settings.operatorKeys {
                authorized[CurveServerKeys.controlDomain] = try ZAPHandler.authorizedKeys(inDirectory: operators)
            }
            let handler = ZAPHandler(authorizedKeys: authorized, log: log)
            try handler.start(context: context)
            authenticator = handler
            curve = CurveServerKeys(keys: try CurveKeyPair.load(from: keys))
        } else {
            authenticator = nil
        }
        var busConfig = settings.broker
        busConfig.firstWorkerNumber = try store.startWorkerSession() + 1
        broker = try BrokerServer(context: context, endpoint: settings.workEndpoint, config: busConfig, curve: curve, log: log)
        controlSocket = try ZMQSocket(context, .rep)
        try controlSocket.setLinger(milliseconds: 0)
        // Requests are a few hundred bytes; libzmq drops a peer that sends more
        // than this, so a flood never reaches the reactor's memory.
        try controlSocket.setMaximumMessageSize(Self.maximumControlRequestBytes)
        if settings.controlEndpoint.hasPrefix("tcp://") {
            // Whoever reaches a control socket steers the run: over TCP only
            // an operator whose key is authorized may (settings.validate
            // refuses a tcp:// control endpoint without CURVE).
            try CurveServerKeys(keys: curve!.keys, domain: CurveServerKeys.controlDomain).apply(to: controlSocket)
        }
        try Self.bind(controlSocket, settings.controlEndpoint)
        eventSocket = try ZMQSocket(context, .pub)
        try eventSocket.setLinger(milliseconds: 0)
        try Self.bind(eventSocket, settings.eventsEndpoint)

        if let newRun {
            try store.createRun(newRun, templates: library.templates, seed: engine.individuals[0])
            log("started a new run of \(manifest.name) in \(given.stateDirectory): budget \(engine.config.evaluationBudget) evaluations, \(engine.config.mode.rawValue) mode"
                + (given.preset.map { ", preset \($0)" } ?? ""))
        }
        try resubmitInFlight()
        if let liveChange { try apply(.configure(liveChange)) }
        // The workers of the last session are gone until they say hello again.
        try noteServedModels()
    }

    /// Compares the settings the configuration and flags gave with the
    /// run's own. A differing live setting becomes a change to record
    /// (returned); a differing run setting is refused with the reason.
    static func reconcile(given: DaemonSettings, run: DaemonSettings, log: (String) -> Void) throws -> EngineConfig? {
        var changed = run
        for setting in Setting.all where setting.scope != .daemon && given.given.contains(setting.key) {
            let wanted = setting.value(in: given), current = setting.value(in: run)
            guard wanted != current else { continue }
            guard setting.scope == .live else {
                throw DaemonError.runSettingDiffers(key: setting.key, run: current, given: wanted)
            }
            log("\(setting.key): \(current) → \(wanted) (given at start; recorded as a live change)")
            try setting.set(wanted, in: &changed)
        }
        if given.given.contains("paths.seed"), given.seedDirectory != run.seedDirectory {
            log("paths.seed (\(given.seedDirectory)) applies to new runs only; this run keeps \(run.seedDirectory)")
        }
        return changed.engine == run.engine ? nil : changed.engine
    }

    /// Binds, creating the folder of an `ipc://` path and limiting the socket
    /// file to its owner and group.
    static func bind(_ socket: ZMQSocket, _ endpoint: String) throws {
        if endpoint.hasPrefix("ipc://") {
            let path = String(endpoint.dropFirst("ipc://".count))
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o750])
            // A socket file someone still listens on belongs to a live daemon:
            // taking it over would leave that daemon unreachable. A dead one
            // (left by a crash) is replaced.
            if UnixSocketPath.isListening(path) { throw DaemonError.endpointInUse(endpoint) }
            try? FileManager.default.removeItem(atPath: path)
            try socket.bind(endpoint)
            chmod(path, 0o660)
        } else {
            try socket.bind(endpoint)
        }
    }

    /// The largest control request accepted.
    static let maximumControlRequestBytes: Int64 = 64 << 10

    /// The work endpoint actually bound.
    public var workEndpoint: String { broker.endpoint }

    /// Runs until stopped (SIGTERM, `gectl stop`) or, with `exitWhenFinished`,
    /// until the run is finished.
    public func run(exitWhenFinished: Bool) throws {
        notifier.notify("READY=1\nSTATUS=\(statusLine)")
        var announcedFinish = false
        while true {
            if let reason = control.stopping.withLock({ $0 }) {
                log("stopping: \(reason)")
                break
            }
            let (actions, readable) = try broker.poll(timeoutMilliseconds: 100, wakeup: control.wakeup, also: [controlSocket])
            let turn = ContinuousClock.now
            defer { control.noteTurn(ContinuousClock.now - turn) }
            for action in actions { try handle(action) }
            if readable[0] { try answerControl() }
            if !engine.paused { try schedule() }
            try store.saveBusChanges(leases: pendingLeases, workers: pendingWorkers)
            pendingLeases.removeAll()
            pendingWorkers.removeAll()
            // A stopped run that is resumed may finish (and be announced) again.
            if !engine.isFinished { announcedFinish = false }
            if engine.isFinished, !announcedFinish {
                announcedFinish = true
                try saveSnapshot()
                log("run finished: \(engine.stopReason ?? "done"); \(engine.evaluationsCompleted) evaluations, \(engine.population.count) in the population")
                publish("finished", ["reason": engine.stopReason ?? "done"])
                if exitWhenFinished { break }
            }
            keepSystemdInformed()
            feedDashboard()
        }
        try store.saveBusChanges(leases: pendingLeases, workers: pendingWorkers)
        try saveSnapshot()
        try snapshots.finish()
        notifier.notify("STOPPING=1")
    }

    // MARK: Inputs

    /// Applies an input: engine first, then one commit of the input and
    /// everything it changed, then the messages.
    /// `finishedJob` records the job whose end this input is, and which
    /// worker it ran on.
    ///
    /// The engine changes in place: copying it would copy every individual
    /// of the run on every input. A failed commit ends the daemon, and the
    /// restart rebuilds the engine from the snapshot and the inputs recorded.
    /// `fromLLM`: whether an answer came from an LLM worker (one the daemon
    /// makes itself says nothing about the LLM service being up).
    func apply(_ input: EngineInput, finishedJob: JobRecord? = nil, fromLLM: Bool = true) throws {
        if case .answer(_, let outcome) = input, fromLLM { noteLLMAvailability(outcome) }
        // What the input concerns, read before the engine takes it. What the
        // worker reported beyond the outcome is kept with the individual, but
        // only for a result the engine takes.
        let known = engine.individuals.count
        let mark = engine.stepMark
        var touched = Set<IndividualID>()
        var evidence: [IndividualID: StoreChange.Evidence] = [:]
        var workers: [IndividualID: String] = [:]
        switch input {
        case .answer(let requestID, let outcome):
            if let child = engine.openRequests[requestID]?.child {
                touched.insert(child)
                var code: String?
                if case .code(let source, _) = outcome { code = source }
                evidence[child] = StoreChange.Evidence(answer: outcome.call.answer, code: code)
            }
        case .evaluation(let id, let outcome):
            if engine.individuals.indices.contains(id), engine.individuals[id].status == .evaluating {
                touched.insert(id)
                let run = outcome.run
                evidence[id] = StoreChange.Evidence(
                    metrics: run.metrics.isEmpty ? nil : run.metrics, logTail: run.logTail.isEmpty ? nil : run.logTail)
                workers[id] = finishedJob?.worker
            }
        case .step, .configure, .pause, .resume, .stop, .modelsServed:
            break
        }
        let (commands, events) = engine.apply(input, library: library)
        // The answer's code is stored as is only for a duplicate, the one
        // child the engine takes and lets go of at once.
        for (id, given) in evidence where given.code != nil {
            if case .duplicate = engine.individuals[id].status { continue }
            evidence[id]?.code = nil
        }
        // Most steps ask for nothing and change nothing: those are not recorded.
        if case .step = input, commands.isEmpty, engine.stepMark == mark { return }
        touched.formUnion(known..<engine.individuals.count)
        var jobs: [JobRecord] = finishedJob.map { [$0] } ?? []
        for command in commands {
            let individual: IndividualID? = switch command {
            case .generate(let request): request.child
            case .rephrase: nil
            case .evaluate(let id, _): id
            }
            if let individual { touched.insert(individual) }
            let job = DaemonJob(command, engine: engine)
            jobs.append(JobRecord(id: job.id, kind: job.record, individual: individual, state: .queued))
        }
        for event in events { touched.formUnion(event.individuals) }
        seq += 1
        var change = StoreChange(
            seq: seq, input: input, engine: engine, individuals: touched.sorted().map { engine.individuals[$0] },
            jobs: jobs,
            workers: workers,
            events: events.map { (type: $0.name, body: $0.summary) }, evidence: evidence)
        for case .templateEvolved(let template, let generation) in events {
            change.templates.append(EvolvedTemplate(template: template, generation: generation))
        }
        try store.record(change)
        for command in commands { submit(command) }
        for event in events {
            publish(event.name, ["detail": event.summary])
            logIfNotable(event)
        }
        if seq - snapshotSeq >= snapshotInterval { try saveSnapshot() }
    }

    /// Inputs between snapshots: `snapshotEvery`, or one per 32 individuals
    /// of the run once that is more. A snapshot's size grows with the run
    /// (every individual's record, without released genomes), so spacing
    /// them in proportion keeps their cost per input flat; the fraction keeps
    /// a restart's replay short (at most that many inputs). Snapshots are
    /// written off the reactor thread, so only their cost in CPU counts.
    var snapshotInterval: Int {
        max(settings.snapshotEvery, engine.individuals.count / 32)
    }

    /// Stores the engine unless the newest snapshot already holds this state
    /// (a finished run restarted, a stop right after a snapshot), off the
    /// reactor thread.
    func saveSnapshot() throws {
        guard seq > snapshotSeq else { return }
        try snapshots.save(engine, seq: seq)
        snapshotSeq = seq
    }

    /// Logs stops, resumes and failed children; failures at most one line a
    /// second, with a count of those left out, so a storm cannot flood the log.
    func logIfNotable(_ event: EngineEvent) {
        switch event {
        case .stopped, .resumed:
            log(event.summary)
        case .childFailed(_, let failure), .evaluationFailed(_, let failure):
            guard failure.kind != .cancelled else { return }
            logRateLimited(event)
        case .templateRejected:
            logRateLimited(event)
        default:
            break
        }
    }

    /// At most one line a second, with a count of those left out.
    func logRateLimited(_ event: EngineEvent) {
        let now = Date()
        if now.timeIntervalSince(failureLog.since) >= 1 {
            let left = failureLog.unlogged > 0 ? " (\(failureLog.unlogged) more failures not logged)" : ""
            log(event.summary + left)
            failureLog = (now, 0)
        } else {
            failureLog.unlogged += 1
        }
    }

    /// Asks the engine for work while there are free slots.
    func schedule() throws {
        try rerouteStrandedRequests()
        var free = freeSlots()
        if llmOutage != nil { free.llm = llmOutage!.slots(offering: free.llm, at: Date()) }
        try apply(.step(freeLLMSlots: free.llm, freeEvaluationSlots: free.gpu))
    }

    /// An outage begins with the first `unavailable` answer and ends with any
    /// other; both are logged once.
    func noteLLMAvailability(_ outcome: LLMOutcome) {
        if case .failure(let failure, _) = outcome, failure.kind == .unavailable {
            if llmOutage == nil {
                log("the LLM is unavailable: \(failure.reason); breeding waits and retries (1 s, doubling to 5 min), evaluations go on")
                llmOutage = LLMOutage(reason: failure.reason, at: Date())
            } else {
                llmOutage!.reason = failure.reason
            }
        } else if let outage = llmOutage {
            log("the LLM answers again after \(Int(Date().timeIntervalSince(outage.since))) s unavailable")
            llmOutage = nil
        }
    }

    /// Credit of live, undrained workers of each kind, less what is queued.
    /// With models listed, an LLM worker serving none of them gets no job,
    /// so its credit does not count.
    func freeSlots() -> (llm: Int, gpu: Int) {
        let portfolio = engine.config.portfolio
        var credit: [WorkerKind: Int] = [:]
        for worker in broker.core.workers.values where !worker.draining {
            if worker.kind == .llm, !portfolio.models.isEmpty,
               worker.capabilities.model.flatMap(portfolio.model(named:)) == nil { continue }
            credit[worker.kind, default: 0] += worker.credit
        }
        return (
            max(0, (credit[.llm] ?? 0) - broker.core.queued(.llm)),
            max(0, (credit[.gpu] ?? 0) - broker.core.queued(.gpu))
        )
    }

    func submit(_ command: EngineCommand, lease: String? = nil) {
        let payload = switch command {
        case .generate(let request):
            Self.encode(LLMJobSpec(
                prompt: request.prompt.text, sampling: request.prompt.sampling,
                baseSource: engine.genome(of: request.child).source, marker: manifest.marker,
                segment: request.prompt.segment, expectedNames: request.prompt.expectedNames))
        case .rephrase(let request):
            Self.encode(LLMJobSpec(textPrompt: request.text, subject: request.original.body, sampling: request.sampling))
        case .evaluate(let id, let genome):
            Self.encode(TrainingJobSpec(
                seed: manifest.directory.lastPathComponent, source: genome.source, epochs: epochs(of: id)))
        }
        let model: String? = switch command {
        case .generate(let request): request.model
        case .rephrase(let request): request.model
        case .evaluate: nil
        }
        let job = DaemonJob(command, engine: engine)
        _ = broker.submit(
            id: job.id, kind: job.kind, payload: payload, deadline: deadline(of: job), lease: lease, model: model)
    }

    /// The epochs an evaluation of `id` trains for: its rung's, with
    /// fidelity rungs; the seed's own otherwise.
    func epochs(of id: IndividualID) -> Int? {
        guard engine.config.fidelity != nil, let rungs = manifest.rungs else { return nil }
        return rungs[min(engine.rung(of: id), rungs.count - 1)]
    }

    /// How long one hand-out of `job` may take: an evaluation, the seed's
    /// timeouts with a quarter more and two minutes for setting up.
    func deadline(of job: DaemonJob) -> Double {
        switch job {
        case .generate: settings.llmJobDeadline
        case .evaluate:
            (manifest.screen.timeout + manifest.train.timeout + (manifest.grading?.command.timeout ?? 0)) * 1.25 + 120
        }
    }

    /// After a restart: the LLM requests and evaluations that were in flight
    /// go to the broker again under the same job ids and their last leases,
    /// so a worker that still holds one claims it and its result is taken
    /// once.
    func resubmitInFlight() throws {
        let leases = try store.leases()
        for request in engine.openRequests.values.sorted(by: { $0.id < $1.id }) {
            submit(.generate(request), lease: leases[DaemonJob.generate(requestID: request.id).id])
        }
        for request in engine.evolution.open.values.sorted(by: { $0.id < $1.id }) {
            submit(.rephrase(request), lease: leases[DaemonJob.generate(requestID: request.id).id])
        }
        for individual in engine.individuals where individual.status == .evaluating {
            let job = DaemonJob.evaluate(individual.id, rung: engine.rung(of: individual.id))
            submit(.evaluate(individual.id, engine.genome(of: individual.id)), lease: leases[job.id])
        }
    }

    func handle(_ action: BrokerAction) throws {
        switch action {
        case .completed(let jobID, let payload, let worker, let peer):
            if let job = DaemonJob(id: jobID), job.isCurrent(in: engine) {
                let input = job.input(for: payload)
                var record = finished(job, state: .done, worker: worker)
                if case .answer(let requestID, let outcome) = input {
                    record.account(engine.accounting(ofAnswer: requestID, outcome), usage: outcome.call.usage)
                }
                try apply(input, finishedJob: record)
            }
            broker.acknowledge(jobID: jobID, peer: peer)
        case .abandoned(let jobID, let reason):
            if let job = DaemonJob(id: jobID) {
                try apply(job.failure(Failure(.abandoned, reason)), finishedJob: finished(job, state: .abandoned, worker: nil))
            }
        case .progress(let jobID, let message):
            publish("progress", ["job": jobID, "message": message])
        case .leased(let jobID, let lease):
            pendingLeases[jobID] = lease
        case .workerJoined(let worker):
            log("worker \(worker.id) (\(worker.name), \(worker.kind.rawValue), \(worker.capabilities.slots) slot(s)) joined")
            pendingWorkers.append(record(of: worker, state: .connected))
            publish("worker-joined", ["worker": worker.id, "name": worker.name])
            if worker.kind == .llm { try noteServedModels(joined: worker) }
        case .workerLeft(let worker, let reason):
            log("worker \(worker.id) (\(worker.name)) left: \(reason)")
            pendingWorkers.append(record(of: worker, state: .gone))
            publish("worker-left", ["worker": worker.id, "reason": reason])
            if worker.kind == .llm { try noteServedModels() }
        case .send, .refused:
            break
        }
    }

    /// The record of a job that ended, before its result is applied.
    func finished(_ job: DaemonJob, state: JobRecord.State, worker: String?) -> JobRecord {
        let individual = switch job {
        case .generate(let request): engine.openRequests[request]?.child
        case .evaluate(let id, _): engine.individuals.indices.contains(id) ? id : nil
        }
        return JobRecord(id: job.id, kind: job.record, individual: individual, state: state, worker: worker)
    }

    func record(of worker: WorkerInfo, state: WorkerRecord.State) -> WorkerRecord {
        WorkerRecord(
            id: worker.id, name: worker.name, kind: worker.kind.rawValue, host: worker.host,
            gpu: worker.capabilities.gpuName, slots: worker.capabilities.slots, state: state,
            at: Date().timeIntervalSince1970)
    }

    static func encode<T: Encodable>(_ value: T) -> Data {
        // Job specs are strings and numbers: encoding cannot fail.
        try! JSONEncoder().encode(value)
    }

    // MARK: Events and systemd

    func publish(_ type: String, _ fields: [String: String]) {
        var object = fields
        object["type"] = type
        object["time"] = String(format: "%.3f", Date().timeIntervalSince1970)
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        try? eventSocket.send([Data(type.utf8), data], dontWait: true)
    }

    var statusLine: String {
        "\(engine.evaluationsCompleted)/\(engine.config.evaluationBudget) evaluations, population \(engine.population.count), \(broker.core.workers.count) workers\(engine.paused ? ", paused" : "")"
    }

    /// At most once a second, a snapshot for the HTTP server's thread.
    public func feedDashboard(force: Bool = false) {
        guard settings.httpListen != nil, force || Date().timeIntervalSince(lastFeed) >= 1 else { return }
        lastFeed = Date()
        // The status itself (hypervolume, best values) is computed on the
        // HTTP server's thread, not here.
        feed.publish(DashboardSnapshot(reports: reports, live: live, workers: workers()))
    }

    func keepSystemdInformed() {
        guard Date().timeIntervalSince(lastHeartbeat) >= 1 else { return }
        lastHeartbeat = Date()
        notifier.notify("WATCHDOG=1\nSTATUS=\(statusLine)")
    }
}

/// Why the daemon cannot start.
public enum DaemonError: Error, Equatable, CustomStringConvertible {
    case stateInUse(String)
    case stateUnusable(String, String)
    /// Another live process listens on this `ipc://` path.
    case endpointInUse(String)
    /// The configuration gives a value for a setting fixed at the run's creation.
    case runSettingDiffers(key: String, run: String, given: String)

    public var description: String {
        switch self {
        case .stateInUse(let directory):
            "another ged is running with the state directory \(directory); stop it or use another --state-dir"
        case .endpointInUse(let endpoint):
            "another ged is listening on \(endpoint); stop it, or give this one other bus.control and bus.events paths"
        case .stateUnusable(let directory, let reason):
            "cannot lock the state directory \(directory) (\(reason)); check its owner and permissions"
        case .runSettingDiffers(let key, let run, let given):
            "this state directory holds a run created with \(key) = \(run), which cannot change for an existing run, "
                + "but \(given) is given; remove the setting (or give \(run)) to resume, or use another --state-dir for a new run"
        }
    }
}

extension EngineEvent {
    /// The event's type name.
    var name: String {
        switch self {
        case .childReady: "child-ready"
        case .childFailed: "child-failed"
        case .childDuplicate: "child-duplicate"
        case .evaluated: "evaluated"
        case .evaluationFailed: "evaluation-failed"
        case .populationChanged: "population-changed"
        case .stopped: "stopped"
        case .llmUnavailable: "llm-unavailable"
        case .resumed: "resumed"
        case .templateEvolved: "template-evolved"
        case .templateRejected: "template-rejected"
        case .repairPlanned: "repair-planned"
        case .rungScored: "rung-scored"
        case .promoted: "promoted"
        }
    }

    /// One line describing it.
    var summary: String {
        switch self {
        case .childReady(let id): "#\(id) ready for evaluation"
        case .childFailed(let id, let failure): "#\(id) failed before evaluation: \(failure)"
        case .childDuplicate(let id, let original): "#\(id) repeats #\(original)"
        case .evaluated(let id, let fitness): "#\(id) scored \(fitness)"
        case .evaluationFailed(let id, let failure): "#\(id) failed: \(failure)"
        case .populationChanged(let added, let removed): "population +\(added) -\(removed)"
        case .stopped(let reason, let cancelled):
            "stopped: \(reason)" + (cancelled.isEmpty ? "" : " (\(cancelled.count) waiting children cancelled)")
        case .llmUnavailable(let id, let reason): "#\(id) waits: the LLM is unavailable (\(reason))"
        case .resumed(let cleared): cleared.map { "resumed; cleared the stop: \($0)" } ?? "resumed"
        case .templateEvolved(let template, let generation):
            "template \(template.id) evolved from \(template.parentID ?? "?") in generation \(generation)"
        case .templateRejected(let id, let reason): "a rephrasing of template \(id) was dropped: \(reason)"
        case .repairPlanned(let id, let repair): "#\(repair) repairs #\(id), showing the LLM its error"
        case .rungScored(let id, let rung, let fitness): "#\(id) scored \(fitness) at rung \(rung)"
        case .promoted(let id, let rung): "#\(id) promoted to rung \(rung)"
        }
    }

    /// The individuals it concerns.
    var individuals: [IndividualID] {
        switch self {
        case .childReady(let id), .childFailed(let id, _), .childDuplicate(let id, _), .evaluated(let id, _),
            .evaluationFailed(let id, _), .llmUnavailable(let id, _), .rungScored(let id, _, _), .promoted(let id, _):
            [id]
        case .populationChanged(let added, let removed): added + removed
        case .repairPlanned(let id, let repair): [id, repair]
        case .stopped(_, let cancelled): cancelled
        case .resumed, .templateEvolved, .templateRejected: []
        }
    }
}

extension Daemon {
    /// Tells the engine which models the connected LLM workers serve, when
    /// that changed; says so in the log when a joining worker's model is
    /// one `[llm] models` does not list (it gets only requests naming none).
    func noteServedModels(joined worker: WorkerInfo? = nil) throws {
        let served = Set(broker.core.workers.values.compactMap { $0.kind == .llm ? $0.capabilities.model : nil })
        if let worker, let model = worker.capabilities.model, !engine.config.portfolio.models.isEmpty {
            if let problem = LLMModel.problem(withName: model) {
                log("worker \(worker.id) (\(worker.name)) advertises an unusable model name: \(problem); llm.models lists models, so it gets no requests")
            } else if engine.config.portfolio.model(named: model) == nil {
                log("worker \(worker.id) (\(worker.name)) serves \(model), which llm.models does not list; it gets no requests (add it to llm.models to use it)")
            }
        }
        let usable = served.filter { LLMModel.problem(withName: $0) == nil }.sorted()
        guard usable != engine.servedModels else { return }
        try apply(.modelsServed(usable))
        if !served.isEmpty, let wait = modelWait { log(wait) }
    }
}

extension Daemon {
    /// Why breeding waits for a model, when it does: models are listed and
    /// no connected LLM worker serves one (for `gectl status` and the log).
    var modelWait: String? {
        guard engine.waitsForAListedModel else { return nil }
        let listed = engine.config.portfolio.models.map(\.name).joined(separator: ", ")
        return "breeding waits: no connected LLM worker serves a model llm.models lists (\(listed))"
    }

    /// Requests queued for a model no connected worker serves any more (its
    /// workers left, or never came back after a restart) go back to the
    /// engine as unavailable: it sends the prompt again, to a model chosen
    /// among those served. A job that waits for its holder to claim it
    /// again keeps waiting until its reclaim window ends.
    func rerouteStrandedRequests() throws {
        guard !engine.config.portfolio.models.isEmpty else { return }
        let served = Set(engine.servedModels)
        var stranded: [(id: Int, model: String)] = []
        for request in engine.openRequests.values {
            if let model = request.model, !served.contains(model) { stranded.append((request.id, model)) }
        }
        for request in engine.evolution.open.values {
            if let model = request.model, !served.contains(model) { stranded.append((request.id, model)) }
        }
        for (id, model) in stranded.sorted(by: { $0.id < $1.id }) {
            let job = DaemonJob.generate(requestID: id).id
            guard broker.core.isWaiting(job, now: broker.now) else { continue }
            _ = broker.cancel(jobID: job)
            let failure = Failure(.unavailable, "no connected LLM worker serves the model \(model) any more; the prompt goes to another model")
            try apply(.answer(requestID: id, .failure(failure, call: .none)), fromLLM: false)
        }
    }
}

extension JobRecord {
    /// Records an LLM job's model, tokens and their cost.
    mutating func account(_ accounting: (model: String, cost: Double)?, usage: TokenUsage?) {
        model = accounting?.model
        cost = accounting?.cost
        inputTokens = usage?.input
        outputTokens = usage?.output
    }
}
