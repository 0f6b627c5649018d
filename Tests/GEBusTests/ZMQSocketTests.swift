import Foundation
import GEBus
import Testing

@Suite struct ZMQSocketTests {
    /// Receives one message, waiting up to `seconds`; `nil` if none came.
    static func receive(_ socket: ZMQSocket, within seconds: Double = 10) throws -> [Data]? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let frames = try socket.receive(dontWait: true) { return frames }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return nil
    }

    @Test func multipartMessagesKeepTheirFramesAndBoundaries() throws {
        let context = try ZMQContext()
        let a = try ZMQSocket(context, .pair), b = try ZMQSocket(context, .pair)
        try a.bind("inproc://multipart"); try b.connect("inproc://multipart")
        // Empty, small (stored inside zmq_msg_t) and large (heap) frames: the
        // "more" flag must be read from each frame before it is released.
        let first = [Data(), Data([1]), Data(repeating: 7, count: 40), Data(repeating: 9, count: 100_000), Data()]
        let second = [Data(repeating: 3, count: 64)]
        try a.send(first)
        try a.send(second)
        #expect(try Self.receive(b) == first)
        #expect(try Self.receive(b) == second)
        #expect(try b.receive(dontWait: true) == nil)
    }

    @Test func theZAPHandlerAnswersMalformedRequestsAndKeepsServing() throws {
        let context = try ZMQContext()
        let trusted = try CurveKeyPair.generate()
        try ZAPHandler(authorizedKeys: [trusted.publicKey]).start(context: context)
        let client = try ZMQSocket(context, .req)
        try client.setLinger(milliseconds: 0)
        try client.connect("inproc://zeromq.zap.01")
        func status(_ request: [Data]) throws -> String? {
            try client.send(request)
            return try Self.receive(client).map { String(decoding: $0[2], as: UTF8.self) }
        }
        func request(mechanism: String, key: Data, domain: String = CurveServerKeys.defaultDomain) -> [Data] {
            ["1.0", "7", domain, "127.0.0.1", ""].map { Data($0.utf8) } + [Data(mechanism.utf8), key]
        }
        #expect(try status([Data("1.0".utf8)]) == "500")
        #expect(try status([Data("2.0".utf8), Data("1".utf8)] + Array(repeating: Data(), count: 5)) == "500")
        #expect(try status(request(mechanism: "NULL", key: Data())) == "400")
        let stranger = try CurveKeyPair.generate()
        #expect(try status(request(mechanism: "CURVE", key: stranger.publicKeyBytes)) == "400")
        #expect(try status(request(mechanism: "CURVE", key: trusted.publicKeyBytes)) == "200")
        #expect(try status(request(mechanism: "CURVE", key: trusted.publicKeyBytes, domain: CurveServerKeys.controlDomain)) == "400",
                "a key authorized for the work socket does not open the control socket")
    }
}
