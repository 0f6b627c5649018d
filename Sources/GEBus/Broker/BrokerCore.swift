import Foundation

/// Settings of the daemon's side of the bus.
public struct BrokerConfig: Sendable, Equatable {
    /// How often the daemon heartbeats each worker (and expects to hear from it).
    public var heartbeatInterval: Double = 1.0
    /// A worker silent this many intervals is dead; its jobs are re-queued.
    public var livenessIntervals = 3
    /// A job handed out this many times without a result is abandoned.
    public var maxAttempts = 3
    /// Workers of one kind connected at once; more hellos are turned away.
    public var maximumWorkersPerKind = 256
    /// Seconds a job whose holder was lost (or that had a lease before a
    /// daemon restart) waits for that holder to claim it again before it is
    /// handed to another worker.
    public var reclaimWindow = 15.0
    /// The number of the first worker id (`gpu-<n>`): the daemon continues
    /// after the ids of earlier sessions, so ids stay unique across restarts.
    public var firstWorkerNumber = 1

    public init() {}
}

/// A worker as the broker knows it.
public struct WorkerInfo: Sendable, Equatable {
    /// The id given in WELCOME.
    public let id: String
    public let name: String
    public let host: String
    public let kind: WorkerKind
    public let capabilities: WorkerCapabilities
    /// Jobs it holds a live lease for.
    public internal(set) var running: Set<String>
    /// Jobs whose lease it lost (cancelled, past their deadline, claimed too
    /// late) but that it may still be running: they keep their slot until
    /// the worker reports them ended.
    public internal(set) var stale: Set<String>
    public internal(set) var draining: Bool
    public internal(set) var lastHeard: Double

    /// Jobs it may still be sent: its free slots, derived from what it
    /// holds, so no message sequence can leak or inflate them.
    public var credit: Int {
        draining ? 0 : max(0, capabilities.slots - running.count - stale.count)
    }

    /// The share of its slots in use, for spreading work.
    var load: Double {
        Double(running.count + stale.count) / Double(max(1, capabilities.slots))
    }
}

/// What the broker wants done or wants its owner to know.
public enum BrokerAction: Sendable, Equatable {
    /// Send a message to the peer with this routing identity.
    case send(to: Data, BusMessage)
    /// A job's result arrived under its live lease. The owner stores it,
    /// then acknowledges it to `peer` (`BrokerServer.acknowledge`), so a
    /// crash in between loses nothing.
    case completed(jobID: String, payload: Data, worker: String, peer: Data)
    /// A job was handed out under `lease`; the owner keeps the lease, so the
    /// holder can claim the job again after a daemon restart.
    case leased(jobID: String, lease: String)
    /// A job was given up after `maxAttempts` hand-outs without a result.
    case abandoned(jobID: String, reason: String)
    case progress(jobID: String, message: String)
    case workerJoined(WorkerInfo)
    case workerLeft(WorkerInfo, reason: String)
    /// A peer sent something it had no right to (a result or claim without
    /// the live lease, a hello past the cap); nothing was applied.
    case refused(peer: Data, reason: String)
}

/// The daemon's side of the bus as a state machine without sockets: worker
/// registry, leases, dispatch to the least-loaded worker, deadlines,
/// heartbeat expiry with re-queueing, drain, cancel and idempotent results.
/// Time is passed in, so it is tested without waiting.
///
/// Every hand-out of a job carries a lease, a random token. A result or a
/// progress line counts only from the identity that holds the job's live
/// lease; a worker's hello may claim a job only with that lease. Anything
/// else is acknowledged (so an honest worker forgets it) and never applied.
public struct BrokerCore: Sendable {
    public let config: BrokerConfig
    /// Workers by routing identity.
    public private(set) var workers: [Data: WorkerInfo] = [:]
    private var jobs: [String: Entry] = [:]
    private var queues: [WorkerKind: [String]] = [:]
    /// Ids of finished or cancelled jobs, so late results are recognized:
    /// two generations, the older dropped when the newer fills up.
    private var finished: Set<String> = []
    private var finishedBefore: Set<String> = []
    private var lastHeartbeat: [Data: Double] = [:]
    private var nextWorkerNumber: Int
    private let finishedGeneration = 100_000

    struct Entry: Sendable {
        let kind: WorkerKind
        let payload: Data
        /// The model a worker must serve to take it; `nil`: any worker.
        let model: String?
        /// Seconds a hand-out may take before the job is taken back.
        let deadline: Double?
        var attempts = 0
        var worker: Data?
        /// The live lease, or the last one while the job waits to be claimed.
        var lease: String?
        var due: Double?
        /// Until when the job waits for the holder of `lease` to claim it.
        var reservedUntil: Double?
    }

    public init(config: BrokerConfig = BrokerConfig()) {
        self.config = config
        self.nextWorkerNumber = max(1, config.firstWorkerNumber)
    }

    /// Jobs waiting for a worker, by kind.
    public func queued(_ kind: WorkerKind) -> Int { queues[kind]?.count ?? 0 }

    /// Whether the job waits in the queue for any worker: no worker holds
    /// it, and it is not reserved for its last holder to claim.
    public func isWaiting(_ jobID: String, now: Double) -> Bool {
        guard let entry = jobs[jobID], entry.worker == nil else { return false }
        return entry.reservedUntil.map { now >= $0 } ?? true
    }

    /// The lease the job is held under, if a worker holds it.
    public func lease(of jobID: String) -> String? {
        jobs[jobID].flatMap { $0.worker == nil ? nil : $0.lease }
    }

    /// Queues a job and dispatches what can be dispatched. A job id already
    /// known (queued, running or finished) is ignored.
    ///
    /// - Parameters:
    ///   - deadline: seconds one hand-out may take; past it the job is
    ///     taken back, cancelled on its holder and handed out again.
    ///   - lease: the lease it was held under before a daemon restart: the
    ///     job waits `reclaimWindow` seconds for that holder to claim it.
    ///   - model: only a worker serving this model (`WorkerCapabilities.model`)
    ///     may take it; `nil`: any worker of its kind.
    public mutating func submit(
        id: String, kind: WorkerKind, payload: Data, deadline: Double? = nil, lease: String? = nil,
        model: String? = nil, now: Double = 0
    ) -> [BrokerAction] {
        guard jobs[id] == nil, !isFinished(id) else { return [] }
        var entry = Entry(kind: kind, payload: payload, model: model, deadline: deadline)
        if let lease {
            entry.lease = lease
            entry.reservedUntil = now + config.reclaimWindow
        }
        jobs[id] = entry
        queues[kind, default: []].append(id)
        return dispatch(now: now)
    }

    /// Cancels a job: dropped from the queue, or cancelled on its worker.
    public mutating func cancel(jobID: String) -> [BrokerAction] {
        guard let entry = jobs.removeValue(forKey: jobID) else { return [] }
        markFinished(jobID)
        queues[entry.kind]?.removeAll { $0 == jobID }
        guard let identity = entry.worker else { return [] }
        return revoke(jobID, from: identity)
    }

    /// Stops sending jobs to the worker with this id; it finishes what it runs.
    public mutating func drain(workerID: String) -> [BrokerAction] {
        guard let identity = workers.first(where: { $0.value.id == workerID })?.key else { return [] }
        workers[identity]!.draining = true
        return [.send(to: identity, .drain)]
    }

    /// Handles a message from the peer `identity`.
    public mutating func receive(_ message: BusMessage, from identity: Data, now: Double) -> [BrokerAction] {
        if case .hello(let hello) = message { return welcome(hello, identity: identity, now: now) }
        guard workers[identity] != nil else {
            // A worker from before a daemon restart: make it start a session.
            return [.send(to: identity, .bye(reason: "unknown worker; say hello again", retry: true))]
        }
        workers[identity]!.lastHeard = now
        switch message {
        case .ready:
            // Credit is derived from what the worker holds; READY only says
            // it is listening.
            return dispatch(now: now)
        case .result(let jobID, let lease, let payload):
            return complete(jobID, lease: lease, payload: payload, from: identity, now: now)
        case .progress(let jobID, let lease, let text):
            return holds(identity, jobID, lease) ? [.progress(jobID: jobID, message: text)] : []
        case .bye(let reason, _):
            return remove(identity, reason: "said goodbye: \(reason)", lost: false, now: now)
        case .heartbeat, .hello, .welcome, .job, .ack, .cancel, .drain:
            return []
        }
    }

    /// Sends due heartbeats, expires silent workers, takes back jobs past
    /// their deadline, and hands out jobs whose reservation ran out.
    public mutating func tick(now: Double) -> [BrokerAction] {
        var actions: [BrokerAction] = []
        let silence = config.heartbeatInterval * Double(config.livenessIntervals)
        for (identity, worker) in workers.sorted(by: { $0.value.id < $1.value.id }) where now - worker.lastHeard > silence {
            actions += remove(identity, reason: "silent for \(config.livenessIntervals) heartbeat intervals", lost: true, now: now)
        }
        let overdue = jobs.filter { $0.value.worker != nil && ($0.value.due.map { now > $0 } ?? false) }.keys.sorted()
        for jobID in overdue {
            let entry = jobs[jobID]!
            let holder = entry.worker!
            let name = workers[holder]?.name ?? "a lost worker"
            actions += revoke(jobID, from: holder)
            let reason = "ran past its deadline of \(Int(entry.deadline ?? 0)) s on \(name)"
            actions += requeue(jobID, reason: reason, keepLease: false, now: now)
        }
        for identity in workers.keys where now - (lastHeartbeat[identity] ?? 0) >= config.heartbeatInterval {
            lastHeartbeat[identity] = now
            actions.append(.send(to: identity, .heartbeat))
        }
        return actions + dispatch(now: now)
    }

    // MARK: Sessions

    private mutating func welcome(_ hello: Hello, identity: Data, now: Double) -> [BrokerAction] {
        var actions: [BrokerAction] = []
        if workers[identity] != nil {
            actions += remove(identity, reason: "started a new session", lost: false, now: now)
        }
        let sameKind = workers.values.count { $0.kind == hello.kind }
        guard sameKind < config.maximumWorkersPerKind else {
            let reason = "\(sameKind) \(hello.kind.rawValue) workers are connected, the most allowed (bus.max_workers_per_kind)"
            return actions + [.refused(peer: identity, reason: reason), .send(to: identity, .bye(reason: reason, retry: true))]
        }
        let id = "\(hello.kind.rawValue)-\(nextWorkerNumber)"
        nextWorkerNumber = nextWorkerNumber < Int.max ? nextWorkerNumber + 1 : 1
        var running: Set<String> = [], stale: Set<String> = []
        var earlierSessions: Set<Data> = []
        // A job it still runs from before a reconnect stays with it only
        // under its live lease; any other claim is cancelled on the worker
        // (whose result will be acknowledged and dropped).
        for claim in hello.running where !running.contains(claim.id) && !stale.contains(claim.id) {
            guard let entry = jobs[claim.id], entry.kind == hello.kind, entry.lease == claim.lease else {
                stale.insert(claim.id)
                actions.append(.send(to: identity, .cancel(jobID: claim.id)))
                if jobs[claim.id] != nil { actions.append(.refused(peer: identity, reason: "claimed job \(claim.id) without its lease")) }
                continue
            }
            if let previous = entry.worker, previous != identity {
                // The same holder's earlier session (a new connection before
                // the old one expired): nothing to cancel there.
                workers[previous]?.running.remove(claim.id)
                earlierSessions.insert(previous)
            }
            queues[entry.kind]?.removeAll { $0 == claim.id }
            jobs[claim.id]!.worker = identity
            jobs[claim.id]!.reservedUntil = nil
            if jobs[claim.id]!.due == nil { jobs[claim.id]!.due = entry.deadline.map { now + $0 } }
            running.insert(claim.id)
        }
        let worker = WorkerInfo(
            id: id, name: hello.name, host: hello.host, kind: hello.kind, capabilities: hello.capabilities,
            running: running, stale: stale, draining: false, lastHeard: now)
        workers[identity] = worker
        lastHeartbeat[identity] = now
        actions.append(.send(to: identity, .welcome(Welcome(
            workerID: id, heartbeatMilliseconds: Int(config.heartbeatInterval * 1000)))))
        actions.append(.workerJoined(worker))
        // Only this worker knew those leases: its earlier session is over,
        // and must not be handed new jobs while it waits to expire.
        for previous in earlierSessions.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            actions += remove(previous, reason: "reconnected as \(id)", lost: false, now: now)
        }
        return actions + dispatch(now: now)
    }

    /// Whether `identity` holds `jobID` under `lease` now.
    private func holds(_ identity: Data, _ jobID: String, _ lease: String) -> Bool {
        guard let entry = jobs[jobID] else { return false }
        return entry.worker == identity && entry.lease == lease
    }

    private mutating func complete(
        _ jobID: String, lease: String, payload: Data, from identity: Data, now: Double
    ) -> [BrokerAction] {
        // Whatever it was, the worker no longer runs it.
        workers[identity]?.stale.remove(jobID)
        let ack = BrokerAction.send(to: identity, .ack(jobID: jobID))
        guard holds(identity, jobID, lease) else {
            // A superseded lease's result (an honest worker's, after a
            // cancel, a deadline or a restart) and a forgery are treated
            // alike: acknowledged, so it is forgotten, and never applied.
            let forged = jobs[jobID] != nil || !isFinished(jobID)
            return [ack] + (forged ? [.refused(peer: identity, reason: "sent a result for \(jobID) without its live lease")] : [])
                + dispatch(now: now)
        }
        let entry = jobs.removeValue(forKey: jobID)!
        markFinished(jobID)
        queues[entry.kind]?.removeAll { $0 == jobID }
        workers[identity]?.running.remove(jobID)
        return [.completed(jobID: jobID, payload: payload, worker: workers[identity]?.id ?? "unknown", peer: identity)]
            + dispatch(now: now)
    }

    /// Takes a job's lease from its holder, which is told to stop it; its
    /// slot stays taken until the worker reports the job ended.
    private mutating func revoke(_ jobID: String, from identity: Data) -> [BrokerAction] {
        guard workers[identity]?.running.remove(jobID) != nil else { return [] }
        workers[identity]!.stale.insert(jobID)
        return [.send(to: identity, .cancel(jobID: jobID))]
    }

    /// Queues a job again after its hand-out ended without a result, or
    /// abandons it once it has used its attempts. With `keepLease`, the job
    /// waits for its holder to claim it again before anyone else gets it.
    private mutating func requeue(_ jobID: String, reason: String, keepLease: Bool, now: Double) -> [BrokerAction] {
        guard var entry = jobs[jobID] else { return [] }
        entry.worker = nil
        entry.due = nil
        if entry.attempts >= config.maxAttempts {
            jobs[jobID] = nil
            markFinished(jobID)
            return [.abandoned(jobID: jobID, reason: "handed out \(entry.attempts) times without a result; last: \(reason)")]
        }
        if keepLease {
            entry.reservedUntil = now + config.reclaimWindow
        } else {
            entry.lease = nil
            entry.reservedUntil = nil
        }
        jobs[jobID] = entry
        queues[entry.kind, default: []].insert(jobID, at: 0)
        return []
    }

    /// Ends a worker's session. Its jobs go back to the queue; a `lost`
    /// worker's (silent, perhaps only disconnected) wait for it to come back
    /// and claim them, and their hand-out counts as an attempt.
    private mutating func remove(_ identity: Data, reason: String, lost: Bool, now: Double) -> [BrokerAction] {
        guard let worker = workers.removeValue(forKey: identity) else { return [] }
        lastHeartbeat[identity] = nil
        var actions: [BrokerAction] = [.workerLeft(worker, reason: reason)]
        for jobID in worker.running.sorted() {
            if !lost { jobs[jobID]?.attempts -= 1 }
            actions += requeue(jobID, reason: "\(worker.name) \(reason)", keepLease: lost, now: now)
        }
        return actions + dispatch(now: now)
    }

    // MARK: Dispatch

    /// Hands queued jobs, in order, each to the least-loaded worker of its
    /// kind (serving its model, if it names one) with a free slot that is
    /// not still running an old copy of it. A job whose model no free
    /// worker serves waits without holding up the jobs behind it.
    private mutating func dispatch(now: Double) -> [BrokerAction] {
        var actions: [BrokerAction] = []
        for kind in WorkerKind.allCases {
            guard let queue = queues[kind], !queue.isEmpty else { continue }
            var candidates = workers.filter { $0.value.kind == kind && $0.value.credit > 0 }
            guard !candidates.isEmpty else { continue }
            var waiting: [String] = []
            for jobID in queue {
                guard let entry = jobs[jobID], !candidates.isEmpty,
                      entry.reservedUntil.map({ now >= $0 }) ?? true,
                      let identity = candidates.filter({
                          !$0.value.stale.contains(jobID) && (entry.model == nil || $0.value.capabilities.model == entry.model)
                      }).min(by: Self.lessLoaded)?.key
                else {
                    waiting.append(jobID)
                    continue
                }
                let lease = Self.newLease()
                jobs[jobID]!.attempts += 1
                jobs[jobID]!.worker = identity
                jobs[jobID]!.lease = lease
                jobs[jobID]!.reservedUntil = nil
                jobs[jobID]!.due = entry.deadline.map { now + $0 }
                workers[identity]!.running.insert(jobID)
                if workers[identity]!.credit > 0 { candidates[identity] = workers[identity]! } else { candidates[identity] = nil }
                actions.append(.send(to: identity, .job(JobAssignment(
                    id: jobID, kind: kind, attempt: jobs[jobID]!.attempts, lease: lease, payload: entry.payload))))
                actions.append(.leased(jobID: jobID, lease: lease))
            }
            queues[kind] = waiting
        }
        return actions
    }

    /// Lower load first; then more free slots; then the older id.
    private static func lessLoaded(_ a: (key: Data, value: WorkerInfo), _ b: (key: Data, value: WorkerInfo)) -> Bool {
        if a.value.load != b.value.load { return a.value.load < b.value.load }
        if a.value.credit != b.value.credit { return a.value.credit > b.value.credit }
        return a.value.id < b.value.id
    }

    /// 128 random bits from the system's secure generator, as hex: a lease
    /// one peer cannot guess from the leases it was given.
    static func newLease() -> String {
        var random = SystemRandomNumberGenerator()
        return String(format: "%016llx%016llx", random.next() as UInt64, random.next() as UInt64)
    }

    private func isFinished(_ jobID: String) -> Bool {
        finished.contains(jobID) || finishedBefore.contains(jobID)
    }

    private mutating func markFinished(_ jobID: String) {
        finished.insert(jobID)
        if finished.count >= finishedGeneration {
            finishedBefore = finished
            finished = []
        }
    }
}
