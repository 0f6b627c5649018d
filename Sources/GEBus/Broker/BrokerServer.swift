import Foundation

/// The daemon's end of the bus: a ROUTER socket bound to an endpoint, driving
/// a `BrokerCore`. Create it, and call everything, on one thread.
public final class BrokerServer {
    public private(set) var core: BrokerCore
    /// The endpoint bound (with the port filled in for `tcp://host:*`).
    public let endpoint: String
    private let socket: ZMQSocket
    private let codec: WireCodec
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private let log: @Sendable (String) -> Void
    private var drops = DropLog()

    /// Binds the work socket.
    ///
    /// - Parameters:
    ///   - curve: when given, only workers whose keys the ZAP handler accepts
    ///     may connect.
    ///   - log: receives one line per dropped message or notable event.
    public init(
        context: ZMQContext, endpoint: String, config: BrokerConfig = BrokerConfig(),
        codec: WireCodec = WireCodec(), curve: CurveServerKeys? = nil,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(ZMQError) {
        socket = try ZMQSocket(context, .router)
        try socket.setLinger(milliseconds: 0)
        try socket.setRouterMandatory()
        try socket.setMaximumMessageSize(Int64(codec.maximumMessageBytes) + 4096)
        // Queued input is bounded per connection: at most this many
        // messages of at most `maximumMessageBytes` each wait unread.
        try socket.setHighWaterMarks(send: 10_000, receive: Self.receiveHighWaterMark)
        let interval = Int32(config.heartbeatInterval * 1000)
        try socket.setTransportHeartbeat(
            intervalMilliseconds: interval, timeoutMilliseconds: interval * Int32(config.livenessIntervals))
        if let curve { try curve.apply(to: socket) }
        try socket.bind(endpoint)
        self.endpoint = socket.lastEndpoint
        self.core = BrokerCore(config: config)
        self.codec = codec
        self.log = log
        self.start = clock.now
    }

    /// Seconds since the server started (the broker's clock).
    public var now: Double {
        (clock.now - start).inSeconds
    }

    /// Messages queued unread per connection.
    public static let receiveHighWaterMark: Int32 = 64

    /// Queues a job (see `BrokerCore.submit`).
    public func submit(
        id: String, kind: WorkerKind, payload: Data, deadline: Double? = nil, lease: String? = nil, model: String? = nil
    ) -> [BrokerAction] {
        perform(core.submit(id: id, kind: kind, payload: payload, deadline: deadline, lease: lease, model: model, now: now))
    }

    public func cancel(jobID: String) -> [BrokerAction] {
        perform(core.cancel(jobID: jobID))
    }

    public func drain(workerID: String) -> [BrokerAction] {
        perform(core.drain(workerID: workerID))
    }

    /// Tells the worker that its result is stored (after `.completed`).
    public func acknowledge(jobID: String, peer: Data) {
        _ = perform([.send(to: peer, .ack(jobID: jobID))])
    }

    /// Waits up to `timeoutMilliseconds` for messages (and for `wakeup`, if
    /// given), handles every message waiting, sends heartbeats and expires
    /// silent workers. Returns the actions for the owner (all but sends).
    public func poll(timeoutMilliseconds: Int, wakeup: WakeupPipe? = nil) throws(ZMQError) -> [BrokerAction] {
        try poll(timeoutMilliseconds: timeoutMilliseconds, wakeup: wakeup, also: []).actions
    }

    /// Like `poll(timeoutMilliseconds:wakeup:)`, also waiting on other
    /// sockets of the same thread; says which of them are readable.
    public func poll(
        timeoutMilliseconds: Int, wakeup: WakeupPipe?, also sockets: [ZMQSocket]
    ) throws(ZMQError) -> (actions: [BrokerAction], readable: [Bool]) {
        var items: [ZMQPoller.Item] = [.socket(socket)] + sockets.map { .socket($0) }
        if let wakeup { items.append(wakeup.pollItem) }
        let ready = try ZMQPoller.poll(items, timeoutMilliseconds: timeoutMilliseconds)
        if wakeup != nil, ready.last == true { wakeup?.drain() }
        var actions: [BrokerAction] = []
        while let frames = try socket.receive(dontWait: true) {
            guard frames.count >= 2 else { continue }
            let identity = frames[0]
            do {
                let message = try codec.decode(Array(frames.dropFirst()))
                actions += perform(core.receive(message, from: identity, now: now))
            } catch {
                if let line = drops.record(String(describing: error), from: identity, now: now) { log(line) }
            }
        }
        return (actions + perform(core.tick(now: now)), Array(ready[1..<(1 + sockets.count)]))
    }

    /// Sends the `send` actions, logs refusals (rate-limited per peer) and
    /// returns the rest.
    private func perform(_ actions: [BrokerAction]) -> [BrokerAction] {
        actions.filter { action in
            if case .refused(let peer, let reason) = action {
                if let line = drops.record(reason, from: peer, now: now) { log(line) }
                return false
            }
            guard case .send(let identity, let message) = action else { return true }
            do {
                try socket.send([identity] + codec.encode(message), dontWait: true)
            } catch {
                // A peer that vanished is expired by its missing heartbeats.
                if let line = drops.record("could not send it \(message.type): \(error)", from: identity, now: now) { log(line) }
            }
            return false
        }
    }
}

extension Data {
    /// Lowercase hex digits, for logging binary identities.
    var hexString: String {
        map { String(format: "%02x", $0) }.joined()
    }
}
