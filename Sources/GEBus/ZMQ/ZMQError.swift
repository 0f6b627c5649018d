import CZMQ
import Foundation

/// A failed libzmq call, with what was being done.
public struct ZMQError: Error, Equatable, CustomStringConvertible {
    /// The `errno` value libzmq reported.
    public let code: Int32
    /// What the program was doing, e.g. "bind tcp://*:5555".
    public let operation: String

    /// The error libzmq reports for the last failed call on this thread.
    static func last(_ operation: String) -> ZMQError {
        ZMQError(code: zmq_errno(), operation: operation)
    }

    /// The context was shut down: blocked calls end with this.
    public var isTerminated: Bool { code == ETERM }
    /// A non-blocking call found nothing to do, or a timeout expired.
    public var isWouldBlock: Bool { code == EAGAIN }
    /// A ROUTER could not route to an unknown peer.
    public var isUnroutable: Bool { code == EHOSTUNREACH }

    public var description: String {
        "\(operation): \(String(cString: zmq_strerror(code)))"
    }
}
