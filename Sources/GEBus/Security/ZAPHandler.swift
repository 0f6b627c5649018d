import CZMQ
import Foundation
import Synchronization

/// Authenticates CURVE clients of one context: accepts a client only if its
/// public key is among the authorized keys (ZeroMQ's ZAP protocol, RFC 27).
///
/// Runs a REP socket on `inproc://zeromq.zap.01` on its own thread until the
/// context is shut down. Start it before binding the server socket.
public final class ZAPHandler: Sendable {
    private let authorized: Mutex<Set<String>>
    private let log: @Sendable (String) -> Void

    public init(authorizedKeys: Set<String>, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.authorized = Mutex(authorizedKeys)
        self.log = log
    }

    /// Reads every `*.pub` or `*.key` file in `directory` as one authorized key.
    public static func authorizedKeys(inDirectory directory: String) throws(CurveKeyError) -> Set<String> {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw .unreadable(path: directory)
        }
        var keys = Set<String>()
        for name in names.sorted() where name.hasSuffix(".pub") || name.hasSuffix(".key") {
            keys.insert(try CurveKeyFile.publicKey(at: directory + "/" + name))
        }
        return keys
    }

    /// Replaces the authorized keys (e.g. after the directory changed).
    public func authorize(_ keys: Set<String>) {
        authorized.withLock { $0 = keys }
    }

    /// Binds the ZAP endpoint and starts answering on a new thread.
    public func start(context: ZMQContext) throws(ZMQError) {
        let socket = try ZMQSocket(context, .rep)
        try socket.setLinger(milliseconds: 0)
        try socket.bind("inproc://zeromq.zap.01")
        let box = ThreadHandoff(socket)
        let handler = Thread { [self] in
            self.serve(box.take())
        }
        handler.name = "zap-handler"
        handler.start()
    }

    private func serve(_ socket: ZMQSocket) {
        while true {
            let frames: [Data]
            do {
                guard let received = try socket.receive() else { continue }
                frames = received
            } catch {
                socket.close()
                return
            }
            guard frames.count >= 6 else { continue }
            let mechanism = String(decoding: frames[5], as: UTF8.self)
            var status = "400", text = "not authorized", user = ""
            if mechanism == "CURVE", frames.count >= 7, frames[6].count == 32 {
                let key = z85(frames[6])
                if authorized.withLock({ $0.contains(key) }) {
                    (status, text, user) = ("200", "OK", key)
                } else {
                    log("refused a worker with unknown public key \(key)")
                }
            }
            let reply = [frames[0], frames[1], Data(status.utf8), Data(text.utf8), Data(user.utf8), Data()]
            try? socket.send(reply)
        }
    }

    private func z85(_ key: Data) -> String {
        var text = [CChar](repeating: 0, count: 41)
        let bytes = [UInt8](key)
        zmq_z85_encode(&text, bytes, bytes.count)
        return text.nulTerminatedString
    }
}
