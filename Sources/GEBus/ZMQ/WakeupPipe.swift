import Foundation

/// Wakes a thread blocked in `ZMQPoller.poll` from any other thread.
///
/// ZeroMQ sockets belong to one thread, so other threads hand over work
/// through a locked queue and signal here; the socket's thread polls the
/// read end beside its sockets.
public final class WakeupPipe: @unchecked Sendable {
    private let readEnd: Int32
    private let writeEnd: Int32

    public init() throws(ZMQError) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ZMQError(code: errno, operation: "create wake-up pipe") }
        readEnd = fds[0]
        writeEnd = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    deinit {
        Foundation.close(readEnd)
        Foundation.close(writeEnd)
    }

    /// The item to poll.
    public var pollItem: ZMQPoller.Item { .fileDescriptor(readEnd) }

    /// Wakes the poller. Never blocks: a full pipe already means "wake up".
    public func signal() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Empties the pipe after waking.
    public func drain() {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readEnd, &buffer, buffer.count) > 0 {}
    }
}
