import CZMQ

/// A libzmq context. Contexts are thread-safe; sockets are not.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    public init() throws(ZMQError) {
        guard let handle = zmq_ctx_new() else { throw .last("create context") }
        self.handle = handle
    }

    /// Makes every blocking call on the context's sockets fail with ETERM, so
    /// their threads can close them and end.
    public func shutdown() {
        zmq_ctx_shutdown(handle)
    }

    deinit {
        // Sockets retain their context, so every socket is closed by now.
        while zmq_ctx_term(handle) != 0, zmq_errno() == EINTR {}
    }
}
