import CZMQ

/// The daemon's CURVE setup: its key pair, and the ZAP domain its handler serves.
public struct CurveServerKeys: Sendable {
    public let keys: CurveKeyPair
    public let domain: String

    /// The domain of the work socket; the control socket has its own.
    public static let defaultDomain = "ged"
    public static let controlDomain = "ged-control"

    public init(keys: CurveKeyPair, domain: String = CurveServerKeys.defaultDomain) {
        self.keys = keys
        self.domain = domain
    }

    /// Makes `socket` a CURVE server of this domain.
    public func apply(to socket: ZMQSocket) throws(ZMQError) {
        try socket.set(ZMQ_CURVE_SERVER, Int32(1), "CURVE server")
        try socket.set(ZMQ_CURVE_SECRETKEY, Array(keys.secretKey.utf8), "CURVE secret key")
        try socket.set(ZMQ_ZAP_DOMAIN, Array(domain.utf8), "ZAP domain")
    }
}

/// A worker's CURVE setup: its own key pair and the daemon's public key.
public struct CurveClientKeys: Sendable {
    public let keys: CurveKeyPair
    public let serverPublicKey: String

    public init(keys: CurveKeyPair, serverPublicKey: String) throws(CurveKeyError) {
        guard CurveKeyPair.isKey(serverPublicKey) else { throw .malformedKey }
        self.keys = keys
        self.serverPublicKey = serverPublicKey
    }

    /// Makes `socket` a CURVE client of the server with `serverPublicKey`.
    public func apply(to socket: ZMQSocket) throws(ZMQError) {
        try socket.set(ZMQ_CURVE_SERVERKEY, Array(serverPublicKey.utf8), "CURVE server key")
        try socket.set(ZMQ_CURVE_PUBLICKEY, Array(keys.publicKey.utf8), "CURVE public key")
        try socket.set(ZMQ_CURVE_SECRETKEY, Array(keys.secretKey.utf8), "CURVE secret key")
    }
}
