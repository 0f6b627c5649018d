import CZMQ
import Foundation

/// One libzmq socket, created, used and closed on one thread.
///
/// Not `Sendable`: libzmq sockets are not thread-safe. The socket keeps its
/// context alive and is closed (with its linger period) when released.
public final class ZMQSocket {
    public enum Kind {
        case router, dealer, rep, req, pub, sub, pair

        var value: Int32 {
            switch self {
            case .router: ZMQ_ROUTER
            case .dealer: ZMQ_DEALER
            case .rep: ZMQ_REP
            case .req: ZMQ_REQ
            case .pub: ZMQ_PUB
            case .sub: ZMQ_SUB
            case .pair: ZMQ_PAIR
            }
        }
    }

    let handle: UnsafeMutableRawPointer
    private let context: ZMQContext
    /// A heap message buffer: `zmq_msg_t` must not move while in use.
    private let message = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
    private var closed = false

    public init(_ context: ZMQContext, _ kind: Kind) throws(ZMQError) {
        guard let handle = zmq_socket(context.handle, kind.value) else { throw .last("create socket") }
        self.handle = handle
        self.context = context
    }

    deinit {
        close()
        message.deallocate()
    }

    /// Closes the socket now; later calls fail.
    public func close() {
        guard !closed else { return }
        closed = true
        zmq_close(handle)
    }

    public func bind(_ endpoint: String) throws(ZMQError) {
        guard zmq_bind(handle, endpoint) == 0 else { throw .last("bind \(endpoint)") }
    }

    public func connect(_ endpoint: String) throws(ZMQError) {
        guard zmq_connect(handle, endpoint) == 0 else { throw .last("connect \(endpoint)") }
    }

    /// The endpoint actually bound, e.g. the port chosen for `tcp://127.0.0.1:*`.
    public var lastEndpoint: String {
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size)
        return buffer.nulTerminatedString
    }

    // MARK: Options

    public func set(_ option: Int32, _ value: Int32, _ name: String) throws(ZMQError) {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size) == 0 else {
            throw .last("set \(name)")
        }
    }

    public func set(_ option: Int32, _ value: Int64, _ name: String) throws(ZMQError) {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int64>.size) == 0 else {
            throw .last("set \(name)")
        }
    }

    public func set(_ option: Int32, _ bytes: [UInt8], _ name: String) throws(ZMQError) {
        let result = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard result == 0 else { throw .last("set \(name)") }
    }

    /// Milliseconds to keep unsent messages after close (0: drop them).
    public func setLinger(milliseconds: Int32) throws(ZMQError) {
        try set(ZMQ_LINGER, milliseconds, "linger")
    }

    /// High-water marks for queued outgoing and incoming messages.
    public func setHighWaterMarks(send: Int32, receive: Int32) throws(ZMQError) {
        try set(ZMQ_SNDHWM, send, "send high-water mark")
        try set(ZMQ_RCVHWM, receive, "receive high-water mark")
    }

    /// Peers sending a larger message are disconnected by libzmq.
    public func setMaximumMessageSize(_ bytes: Int64) throws(ZMQError) {
        try set(ZMQ_MAXMSGSIZE, bytes, "maximum message size")
    }

    /// ZMTP heartbeats: ping every `interval`, drop a peer silent for `timeout`.
    public func setTransportHeartbeat(intervalMilliseconds: Int32, timeoutMilliseconds: Int32) throws(ZMQError) {
        try set(ZMQ_HEARTBEAT_IVL, intervalMilliseconds, "heartbeat interval")
        try set(ZMQ_HEARTBEAT_TIMEOUT, timeoutMilliseconds, "heartbeat timeout")
        try set(ZMQ_HEARTBEAT_TTL, timeoutMilliseconds, "heartbeat TTL")
    }

    /// Reconnection backoff of a connecting socket.
    public func setReconnect(intervalMilliseconds: Int32, maximumMilliseconds: Int32) throws(ZMQError) {
        try set(ZMQ_RECONNECT_IVL, intervalMilliseconds, "reconnect interval")
        try set(ZMQ_RECONNECT_IVL_MAX, maximumMilliseconds, "maximum reconnect interval")
    }

    /// A ROUTER fails sends to unknown peers instead of dropping them silently.
    public func setRouterMandatory() throws(ZMQError) {
        try set(ZMQ_ROUTER_MANDATORY, Int32(1), "router mandatory")
    }

    /// A SUB socket receives messages starting with `prefix` (all when empty).
    public func subscribe(_ prefix: String = "") throws(ZMQError) {
        try set(ZMQ_SUBSCRIBE, Array(prefix.utf8), "subscribe")
    }

    // MARK: Messages

    /// Sends the frames as one multipart message.
    public func send(_ frames: [Data], dontWait: Bool = false) throws(ZMQError) {
        for (index, frame) in frames.enumerated() {
            var flags: Int32 = dontWait ? ZMQ_DONTWAIT : 0
            if index < frames.count - 1 { flags |= ZMQ_SNDMORE }
            let sent = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
            guard sent >= 0 else { throw .last("send") }
        }
    }

    /// Receives one multipart message; `nil` if `dontWait` and none is queued.
    public func receive(dontWait: Bool = false) throws(ZMQError) -> [Data]? {
        var frames: [Data] = []
        while true {
            zmq_msg_init(message)
            let size = zmq_msg_recv(message, handle, dontWait && frames.isEmpty ? ZMQ_DONTWAIT : 0)
            if size < 0 {
                let error = ZMQError.last("receive")
                zmq_msg_close(message)
                if error.isWouldBlock, frames.isEmpty { return nil }
                throw error
            }
            frames.append(Data(bytes: zmq_msg_data(message), count: Int(size)))
            // `more` is a property of the message just received: read it
            // before the message is closed, never after.
            let more = zmq_msg_more(message) != 0
            zmq_msg_close(message)
            if !more { return frames }
        }
    }
}
