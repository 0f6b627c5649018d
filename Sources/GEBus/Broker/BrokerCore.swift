import Foundation

/// Settings of the daemon's side of the bus.
public struct BrokerConfig: Sendable, Equatable {
    /// How often the daemon heartbeats each worker (and expects to hear from it).
    public var heartbeatInterval: Double = 1.0
    /// A worker silent this many intervals is dead; its jobs are re-queued.
    public var livenessIntervals = 3
    /// A job handed out this many times without a result is abandoned.
    public var maxAttempts = 3

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
    /// Jobs it may still be sent.
    public internal(set) var credit: Int
    public internal(set) var running: Set<String>
    public internal(set) var draining: Bool
    public internal(set) var lastHeard: Double
}

/// What the broker wants done or wants its owner to know.
public enum BrokerAction: Sendable, Equatable {
    /// Send a message to the peer with this routing identity.
    case send(to: Data, BusMessage)
    /// A job's result arrived (the first one; later duplicates are only
    /// acknowledged). The owner stores it, then acknowledges it to `peer`
    /// (`BrokerServer.acknowledge`), so a crash in between loses nothing.
    case completed(jobID: String, payload: Data, worker: String, peer: Data)
    /// A job was given up after `maxAttempts` workers died holding it.
    case abandoned(jobID: String, reason: String)
    case progress(jobID: String, message: String)
    case workerJoined(WorkerInfo)
    case workerLeft(WorkerInfo, reason: String)
}

/// The daemon's side of the bus as a state machine without sockets: worker
/// registry, credit-based dispatch, heartbeat expiry with re-queueing,
/// drain, cancel and idempotent results. Time is passed in, so it is tested
/// without waiting.
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
    private var nextWorkerNumber = 1
    private let finishedGeneration = 100_000

    struct Entry: Sendable {
        let kind: WorkerKind
        let payload: Data
        var attempts: Int
        var worker: Data?
    }

    public init(config: BrokerConfig = BrokerConfig()) {
        self.config = config
    }

    /// Jobs waiting for a worker, by kind.
    public func queued(_ kind: WorkerKind) -> Int { queues[kind]?.count ?? 0 }

    /// Queues a job and dispatches what can be dispatched. A job id already
    /// known (queued, running or finished) is ignored.
    public mutating func submit(id: String, kind: WorkerKind, payload: Data) -> [BrokerAction] {
        guard jobs[id] == nil, !isFinished(id) else { return [] }
        jobs[id] = Entry(kind: kind, payload: payload, attempts: 0, worker: nil)
        queues[kind, default: []].append(id)
        return dispatch()
    }

    /// Cancels a job: dropped from the queue, or cancelled on its worker.
    public mutating func cancel(jobID: String) -> [BrokerAction] {
        guard let entry = jobs.removeValue(forKey: jobID) else { return [] }
        markFinished(jobID)
        queues[entry.kind]?.removeAll { $0 == jobID }
        guard let identity = entry.worker else { return [] }
        workers[identity]?.running.remove(jobID)
        return [.send(to: identity, .cancel(jobID: jobID))]
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
        case .ready(let credit):
            // Credit never exceeds the free slots the worker declared, however
            // often or however much a peer grants (the codec bounds `credit`).
            let worker = workers[identity]!
            let room = max(0, worker.capabilities.slots - worker.running.count)
            workers[identity]!.credit = min(room, worker.credit + min(max(0, credit), room))
            return dispatch()
        case .result(let jobID, let payload):
            return complete(jobID, payload: payload, from: identity)
        case .progress(let jobID, let text):
            return jobs[jobID] == nil ? [] : [.progress(jobID: jobID, message: text)]
        case .bye(let reason, _):
            return remove(identity, reason: "said goodbye: \(reason)", countAttempt: false)
        case .heartbeat, .hello, .welcome, .job, .ack, .cancel, .drain:
            return []
        }
    }

    /// Sends due heartbeats and expires silent workers.
    public mutating func tick(now: Double) -> [BrokerAction] {
        var actions: [BrokerAction] = []
        let deadline = config.heartbeatInterval * Double(config.livenessIntervals)
        for (identity, worker) in workers where now - worker.lastHeard > deadline {
            actions += remove(identity, reason: "silent for \(config.livenessIntervals) heartbeat intervals", countAttempt: true)
        }
        for identity in workers.keys where now - (lastHeartbeat[identity] ?? 0) >= config.heartbeatInterval {
            lastHeartbeat[identity] = now
            actions.append(.send(to: identity, .heartbeat))
        }
        return actions + dispatch()
    }

    private mutating func welcome(_ hello: Hello, identity: Data, now: Double) -> [BrokerAction] {
        var actions: [BrokerAction] = []
        if workers[identity] != nil {
            actions += remove(identity, reason: "started a new session", countAttempt: false)
        }
        let id = "\(hello.kind.rawValue)-\(nextWorkerNumber)"
        nextWorkerNumber += 1
        // Jobs it still runs from before a reconnect stay with it.
        let resumed = hello.running.filter { jobs[$0] != nil }
        for jobID in resumed {
            if let previous = jobs[jobID]!.worker, previous != identity {
                workers[previous]?.running.remove(jobID)
                actions.append(.send(to: previous, .cancel(jobID: jobID)))
            }
            queues[jobs[jobID]!.kind]?.removeAll { $0 == jobID }
            jobs[jobID]!.worker = identity
        }
        let worker = WorkerInfo(
            id: id, name: hello.name, host: hello.host, kind: hello.kind, capabilities: hello.capabilities,
            credit: max(0, hello.capabilities.slots - hello.running.count), running: Set(resumed),
            draining: false, lastHeard: now)
        workers[identity] = worker
        lastHeartbeat[identity] = now
        actions.append(.send(to: identity, .welcome(Welcome(
            workerID: id, heartbeatMilliseconds: Int(config.heartbeatInterval * 1000)))))
        actions.append(.workerJoined(worker))
        return actions + dispatch()
    }

    private mutating func complete(_ jobID: String, payload: Data, from identity: Data) -> [BrokerAction] {
        workers[identity]?.running.remove(jobID)
        guard let entry = jobs.removeValue(forKey: jobID) else { return [.send(to: identity, .ack(jobID: jobID))] }
        var actions: [BrokerAction] = []
        markFinished(jobID)
        queues[entry.kind]?.removeAll { $0 == jobID }
        if let holder = entry.worker, holder != identity {
            workers[holder]?.running.remove(jobID)
            actions.append(.send(to: holder, .cancel(jobID: jobID)))
        }
        actions.append(.completed(jobID: jobID, payload: payload, worker: workers[identity]?.id ?? "unknown", peer: identity))
        return actions + dispatch()
    }

    private mutating func remove(_ identity: Data, reason: String, countAttempt: Bool) -> [BrokerAction] {
        guard let worker = workers.removeValue(forKey: identity) else { return [] }
        lastHeartbeat[identity] = nil
        var actions: [BrokerAction] = [.workerLeft(worker, reason: reason)]
        for jobID in worker.running.sorted() {
            guard var entry = jobs[jobID] else { continue }
            entry.worker = nil
            if !countAttempt { entry.attempts -= 1 }
            if entry.attempts >= config.maxAttempts {
                jobs[jobID] = nil
                markFinished(jobID)
                actions.append(.abandoned(
                    jobID: jobID, reason: "\(entry.attempts) workers were lost while running it; last: \(worker.name) \(reason)"))
            } else {
                jobs[jobID] = entry
                queues[entry.kind, default: []].insert(jobID, at: 0)
            }
        }
        return actions + dispatch()
    }

    /// Hands queued jobs to workers of their kind with credit, most credit first.
    private mutating func dispatch() -> [BrokerAction] {
        var actions: [BrokerAction] = []
        for kind in WorkerKind.allCases {
            while let jobID = queues[kind]?.first {
                let candidates = workers.filter { $0.value.kind == kind && $0.value.credit > 0 && !$0.value.draining }
                guard let identity = candidates.max(by: { a, b in
                    a.value.credit != b.value.credit ? a.value.credit < b.value.credit : a.value.id > b.value.id
                })?.key else { break }
                queues[kind]!.removeFirst()
                jobs[jobID]!.attempts += 1
                jobs[jobID]!.worker = identity
                workers[identity]!.credit -= 1
                workers[identity]!.running.insert(jobID)
                let entry = jobs[jobID]!
                actions.append(.send(to: identity, .job(JobAssignment(
                    id: jobID, kind: kind, attempt: entry.attempts, payload: entry.payload))))
            }
        }
        return actions
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
