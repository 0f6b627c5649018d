import Foundation
import Synchronization

/// A worker's end of the bus: a DEALER socket to the daemon, the session
/// (HELLO, WELCOME, heartbeats, credit) and reconnection, and the jobs it
/// runs through a `JobExecutor` on background threads.
///
/// `run()` owns the socket and must be called on one thread; `control` may be
/// used from any thread, e.g. to stop the worker from a signal handler.
public final class WorkerClient {
    /// The thread-safe part: results from job threads, and stopping.
    public final class Control: Sendable {
        enum Outgoing: Sendable {
            case result(HeldJob, payload: Data)
            case progress(HeldJob, message: String)
        }

        let wakeup: WakeupPipe
        let outbox = Mutex<[Outgoing]>([])
        let stopped = Mutex(false)

        init() throws(ZMQError) {
            wakeup = try WakeupPipe()
        }

        /// Makes `run()` say goodbye and return.
        public func stop() {
            stopped.withLock { $0 = true }
            wakeup.signal()
        }

        func post(_ item: Outgoing) {
            outbox.withLock { $0.append(item) }
            wakeup.signal()
        }
    }

    public let control: Control
    private let context: ZMQContext
    private var config: WorkerConfig
    private let executor: any JobExecutor
    private let codec: WireCodec
    private let log: @Sendable (String) -> Void
    private let clock = ContinuousClock()

    private var socket: ZMQSocket?
    private var welcomed = false
    private var lastHeard = ContinuousClock.now
    private var lastSent = ContinuousClock.now
    private var reconnectAttempts = 0
    private var lastReconnectLog = ContinuousClock.now - .seconds(3600)
    private var connectAt = ContinuousClock.now
    /// Jobs running, with their leases.
    private var running: [String: String] = [:]
    /// Results sent but not yet acknowledged, in completion order.
    private var held: [(job: HeldJob, payload: Data)] = []
    private var draining = false
    private var random = SystemRandomNumberGenerator()

    public init(
        context: ZMQContext, config: WorkerConfig, executor: any JobExecutor, codec: WireCodec = WireCodec(),
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(ZMQError) {
        self.context = context
        self.config = config
        self.executor = executor
        self.codec = codec
        self.log = log
        self.control = try Control()
    }

    /// Runs the worker until `control.stop()`, until it is drained (when
    /// `exitWhenDrained`), or until the daemon refuses it.
    public func run() throws(WorkerError) {
        defer { socket?.close() }
        while !control.stopped.withLock({ $0 }) {
            if socket == nil, clock.now >= connectAt {
                try connect()
            }
            let items: [ZMQPoller.Item] = (socket.map { [.socket($0)] } ?? []) + [control.wakeup.pollItem]
            do {
                _ = try ZMQPoller.poll(items, timeoutMilliseconds: pollTimeout())
            } catch {
                throw .bus(error)
            }
            control.wakeup.drain()
            try receiveAll()
            flushOutbox()
            keepAlive()
            if draining, config.exitWhenDrained, running.isEmpty, held.isEmpty {
                send(.bye(reason: "drained", retry: false))
                return
            }
        }
        send(.bye(reason: "worker stopping", retry: false))
    }

    private func connect() throws(WorkerError) {
        do {
            let socket = try ZMQSocket(context, .dealer)
            try socket.setLinger(milliseconds: 200)
            try socket.setMaximumMessageSize(Int64(codec.maximumMessageBytes) + 4096)
            try socket.setHighWaterMarks(send: 100_000, receive: 100_000)
            try socket.setReconnect(
                intervalMilliseconds: Int32(config.reconnectDelay.lowerBound * 1000),
                maximumMilliseconds: Int32(config.reconnectDelay.upperBound * 1000))
            let interval = Int32(config.heartbeatInterval * 1000)
            try socket.setTransportHeartbeat(
                intervalMilliseconds: interval, timeoutMilliseconds: interval * Int32(config.livenessIntervals))
            if let curve = config.curve { try curve.apply(to: socket) }
            try socket.connect(config.endpoint)
            self.socket = socket
        } catch {
            throw .bus(error)
        }
        welcomed = false
        lastHeard = clock.now
        var hello = config.hello
        // Jobs it runs and jobs whose results wait for an ACK are claimed
        // with their leases: the daemon keeps them with this worker (and
        // counts their slots as taken until the results arrive), or cancels
        // them here if they were handed to another worker meanwhile.
        let claims = running.map { HeldJob(id: $0.key, lease: $0.value) } + held.map(\.job)
        hello.running = Array(Set(claims)).sorted { $0.id < $1.id }.prefix(hello.capabilities.slots).map { $0 }
        send(.hello(hello))
    }

    /// Drops the connection and schedules a new one with exponential backoff
    /// and jitter, so restarted daemons are not stormed by their workers.
    private func reconnect(because reason: String) {
        socket?.close()
        socket = nil
        welcomed = false
        let base = min(config.reconnectDelay.lowerBound * pow(2, Double(reconnectAttempts)), config.reconnectDelay.upperBound)
        let delay = base * Double.random(in: 0.5...1.0, using: &random)
        reconnectAttempts += 1
        connectAt = clock.now + .milliseconds(Int(delay * 1000))
        // A daemon that never answers a hello is usually one that refuses this
        // worker's CURVE handshake (ZAP cannot tell it why): say so, but at
        // most once a minute, however long the backoff keeps retrying.
        if clock.now - lastReconnectLog >= .seconds(60) || reconnectAttempts == 1 {
            lastReconnectLog = clock.now
            let hint = reason != Self.noAnswer ? "" :
                " (the daemon may be down, may require CURVE, or may not know this worker's key: check --server-key, --keys and its bus.authorized_keys)"
            log("reconnecting in \(String(format: "%.2f", delay)) s: \(reason)\(hint)")
        }
    }

    private static let noAnswer = "no answer to hello"

    private func receiveAll() throws(WorkerError) {
        while let socket, let frames = receive(socket) {
            lastHeard = clock.now
            let message: BusMessage
            do {
                message = try codec.decode(frames)
            } catch {
                log("dropped a message from the daemon: \(error)")
                continue
            }
            try handle(message)
        }
    }

    private func receive(_ socket: ZMQSocket) -> [Data]? {
        do {
            return try socket.receive(dontWait: true)
        } catch {
            reconnect(because: "receive failed: \(error)")
            return nil
        }
    }

    private func handle(_ message: BusMessage) throws(WorkerError) {
        switch message {
        case .welcome(let welcome):
            welcomed = true
            reconnectAttempts = 0
            config.heartbeatInterval = Double(welcome.heartbeatMilliseconds) / 1000
            log("joined the daemon as \(welcome.workerID)")
            // The hello counted these slots as taken; the results free them.
            for result in held { send(.result(jobID: result.job.id, lease: result.job.lease, payload: result.payload)) }
            if !draining { send(.ready(credit: max(1, config.hello.capabilities.slots - running.count))) }
        case .job(let job):
            // A job it still runs under an older lease (one its hello could
            // not list, or that was taken back meanwhile): the same work, now
            // reported under the new lease.
            let alreadyRunning = running[job.id] != nil
            running[job.id] = job.lease
            if !alreadyRunning { start(job) }
        case .cancel(let jobID):
            // Only a job still running here: a cancel for one whose result
            // is on its way must not reach a later run of the same id.
            if running[jobID] != nil { executor.cancel(jobID: jobID) }
        case .ack(let jobID):
            held.removeAll { $0.job.id == jobID }
            executor.acknowledged(jobID: jobID)
        case .drain:
            draining = true
            log("draining: finishing \(running.count) running job(s), taking no more")
        case .bye(let reason, let retry):
            guard retry else { throw .rejected(reason: reason) }
            reconnect(because: "the daemon said: \(reason)")
        case .heartbeat, .hello, .ready, .progress, .result:
            break
        }
    }

    private func start(_ job: JobAssignment) {
        let executor = self.executor, control = self.control
        let held = HeldJob(id: job.id, lease: job.lease)
        let thread = Thread {
            let payload = executor.execute(job) { line in control.post(.progress(held, message: line)) }
            control.post(.result(held, payload: payload))
        }
        thread.name = "job-\(job.id)"
        thread.start()
    }

    private func flushOutbox() {
        let items = control.outbox.withLock { items in
            defer { items.removeAll() }
            return items
        }
        for item in items {
            switch item {
            case .result(let started, let payload):
                let job = HeldJob(id: started.id, lease: running.removeValue(forKey: started.id) ?? started.lease)
                held.append((job, payload))
                if welcomed {
                    send(.result(jobID: job.id, lease: job.lease, payload: payload))
                    if !draining { send(.ready(credit: 1)) }
                }
            case .progress(let started, let text):
                if welcomed { send(.progress(jobID: started.id, lease: running[started.id] ?? started.lease, message: text)) }
            }
        }
    }

    private func keepAlive() {
        guard socket != nil else { return }
        let interval = Duration.milliseconds(Int(config.heartbeatInterval * 1000))
        if clock.now - lastHeard > interval * config.livenessIntervals {
            reconnect(because: welcomed ? "the daemon went silent" : Self.noAnswer)
            return
        }
        if welcomed, clock.now - lastSent >= interval {
            send(.heartbeat)
        }
    }

    private func pollTimeout() -> Int {
        guard socket == nil else { return max(1, Int(config.heartbeatInterval * 250)) }
        // Clamped before converting: a far-off reconnect time must not trap.
        return Int(min(max(1, (connectAt - clock.now).inSeconds * 1000), 60_000))
    }

    private func send(_ message: BusMessage) {
        guard let socket else { return }
        do {
            try socket.send(codec.encode(message), dontWait: true)
            lastSent = clock.now
        } catch {
            log("could not send \(message.type): \(error)")
        }
    }
}
