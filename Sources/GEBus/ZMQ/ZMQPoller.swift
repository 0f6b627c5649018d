import CZMQ

/// Waits until sockets or plain file descriptors are readable.
public enum ZMQPoller {
    /// Something to wait on.
    public enum Item {
        case socket(ZMQSocket)
        case fileDescriptor(Int32)
    }

    /// Blocks up to `timeoutMilliseconds` (-1: forever); returns, for each
    /// item in order, whether it is readable.
    public static func poll(_ items: [Item], timeoutMilliseconds: Int) throws(ZMQError) -> [Bool] {
        var entries = items.map { item -> zmq_pollitem_t in
            switch item {
            case .socket(let socket):
                zmq_pollitem_t(socket: socket.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
            case .fileDescriptor(let fd):
                zmq_pollitem_t(socket: nil, fd: fd, events: Int16(ZMQ_POLLIN), revents: 0)
            }
        }
        let count = Int32(entries.count)
        let result = zmq_poll(&entries, count, timeoutMilliseconds)
        guard result >= 0 else {
            let error = ZMQError.last("poll")
            if error.code == EINTR { return Array(repeating: false, count: items.count) }
            throw error
        }
        return entries.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
    }
}
