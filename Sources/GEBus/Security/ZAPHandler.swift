import CZMQ
import Foundation

/// Authenticates CURVE clients of one context: accepts a client only if its
/// public key is among the keys authorized for the ZAP domain of the socket
/// it connects to (ZeroMQ's ZAP protocol, RFC 27) — so a worker's key opens
/// the work socket and an operator's the control socket, never the other.
///
/// Runs a REP socket on `inproc://zeromq.zap.01` on its own thread until the
/// context is shut down. Start it before binding the server socket.
public final class ZAPHandler: Sendable {
    private let authorized: [String: Set<String>]
    private let log: @Sendable (String) -> Void

    /// - Parameter authorizedKeys: the public keys each ZAP domain accepts.
    public init(authorizedKeys: [String: Set<String>], log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.authorized = authorizedKeys
        self.log = log
    }

    /// One set of keys for the default domain (`CurveServerKeys`'s).
    public convenience init(authorizedKeys: Set<String>, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.init(authorizedKeys: [CurveServerKeys.defaultDomain: authorizedKeys], log: log)
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
            let request: [Data]
            do {
                guard let received = try socket.receive() else { continue }
                request = received
            } catch {
                socket.close()
                return
            }
            // A REP socket must answer every request, malformed ones too, or
            // it never receives again and every later handshake hangs.
            try? socket.send(reply(to: request))
        }
    }

    /// The ZAP reply to one request (RFC 27): 200 for a CURVE client whose
    /// key is authorized, 400 for any other client, 500 for a request that
    /// does not follow the protocol.
    func reply(to request: [Data]) -> [Data] {
        let version = Data("1.0".utf8)
        let requestID = request.count > 1 ? request[1] : Data()
        func answer(_ status: String, _ text: String, user: String = "") -> [Data] {
            [version, requestID, Data(status.utf8), Data(text.utf8), Data(user.utf8), Data()]
        }
        guard request.count >= 6, request[0] == version else {
            log("answered a malformed ZAP request (\(request.count) frames)")
            return answer("500", "malformed ZAP request")
        }
        let mechanism = String(decoding: request[5], as: UTF8.self)
        guard mechanism == "CURVE", request.count >= 7, request[6].count == 32 else {
            return answer("400", "CURVE required")
        }
        let key = z85(request[6])
        let domain = String(decoding: request[2], as: UTF8.self), address = String(decoding: request[3].prefix(64), as: UTF8.self)
        guard authorized[domain]?.contains(key) == true else {
            log("refused a CURVE client from \(address) with public key \(key), not authorized for \(domain.prefix(64))")
            return answer("400", "unknown public key")
        }
        return answer("200", "OK", user: key)
    }

    private func z85(_ key: Data) -> String {
        var text = [CChar](repeating: 0, count: 41)
        let bytes = [UInt8](key)
        zmq_z85_encode(&text, bytes, bytes.count)
        return text.nulTerminatedString
    }
}
