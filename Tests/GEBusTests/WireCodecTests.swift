import Foundation
import GEBus
import Testing

@Suite struct WireCodecTests {
    static let messages: [BusMessage] = [
        .hello(Hello(kind: .gpu, name: "gpu0@node1", host: "node1",
                     capabilities: WorkerCapabilities(slots: 2, gpuName: "NVIDIA H200", gpuMemoryMiB: 143_771),
                     running: [HeldJob(id: "j1", lease: "0f3a")])),
        .welcome(Welcome(workerID: "gpu-1", heartbeatMilliseconds: 1000)),
        .ready(credit: 3),
        .job(JobAssignment(id: "j7", kind: .llm, attempt: 2, lease: "9c1e", payload: Data("{\"prompt\":\"x\"}".utf8))),
        .progress(jobID: "j7", lease: "9c1e", message: "epoch 1/20 loss 1.93"),
        .result(jobID: "j7", lease: "9c1e", payload: Data([0, 1, 2, 255])),
        .ack(jobID: "j7"),
        .heartbeat,
        .cancel(jobID: "j8"),
        .drain,
        .bye(reason: "drained", retry: false),
    ]

    @Test(arguments: messages)
    func everyMessageSurvivesTheWire(message: BusMessage) throws {
        let codec = WireCodec()
        #expect(try codec.decode(codec.encode(message)) == message)
    }

    @Test func headerIsVersionedJSON() throws {
        let frames = WireCodec().encode(.ack(jobID: "j1"))
        let header = try JSONSerialization.jsonObject(with: frames[0]) as? [String: Any]
        #expect(header?["v"] as? Int == 2)
        #expect(header?["type"] as? String == "ack")
        #expect(header?["id"] as? String == "j1")
    }

    @Test(arguments: [
        ([Data("{\"v\":1,\"type\":\"heartbeat\"}".utf8)], ProtocolError.unsupportedVersion(1)),
        ([Data("{\"v\":2,\"type\":\"teleport\"}".utf8)], .unknownType("teleport")),
        ([Data("{\"v\":2,\"type\":\"ack\"}".utf8)], .missingField(type: "ack", field: "id")),
        ([Data("{\"v\":2,\"type\":\"result\",\"id\":\"j\"}".utf8)], .missingField(type: "result", field: "lease")),
        ([Data("{\"v\":2,\"type\":\"result\",\"id\":\"j\",\"lease\":\"l\"}".utf8)], .missingField(type: "result", field: "body frame")),
        ([], .frameCount(0)),
        ([Data("{}".utf8), Data(), Data()], .frameCount(3)),
    ])
    func invalidMessagesAreTypedErrors(frames: [Data], expected: ProtocolError) {
        #expect(throws: expected) { try WireCodec().decode(frames) }
    }

    @Test func oversizedAndGarbageInputNeverCrash() {
        let codec = WireCodec(maximumMessageBytes: 1024)
        #expect(throws: ProtocolError.tooLarge(bytes: 2048, limit: 1024)) {
            try codec.decode([Data(count: 2048)])
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0..<64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(throws: ProtocolError.self) { try codec.decode([Data(bytes)]) }
        }
        #expect(throws: ProtocolError.self) { try codec.decode([Data("{\"v\":\"1\"}".utf8)]) }
    }

    /// Values a hostile or buggy peer may send: each refused at decode, so
    /// nothing downstream can overflow or flood.
    @Test(arguments: [
        (#"{"v":2,"type":"ready","credit":9223372036854775807}"#, "credit"),
        (#"{"v":2,"type":"ready","credit":-1}"#, "credit"),
        (#"{"v":2,"type":"hello","hello":{"kind":"gpu","name":"n","host":"h","running":[],"capabilities":{"slots":-9223372036854775808}}}"#, "slots"),
        (#"{"v":2,"type":"hello","hello":{"kind":"gpu","name":"n","host":"h","running":[],"capabilities":{"slots":9223372036854775807}}}"#, "slots"),
        (#"{"v":2,"type":"hello","hello":{"kind":"gpu","name":"n","host":"h","running":[{"id":"a","lease":"x"},{"id":"b","lease":"y"}],"capabilities":{"slots":1}}}"#, "running"),
        (#"{"v":2,"type":"welcome","welcome":{"workerID":"w","heartbeatMilliseconds":9223372036854775807}}"#, "heartbeatMilliseconds"),
        (#"{"v":2,"type":"job","id":"j","kind":"gpu","attempt":-5}"#, "attempt"),
    ])
    func outOfRangeNumbersAreRefused(header: String, field: String) {
        #expect {
            try WireCodec().decode([Data(header.utf8), Data()])
        } throws: { error in
            if case .outOfRange(_, let refused, _) = error as? ProtocolError { refused == field } else { false }
        }
    }

    @Test func oversizedStringsAreRefusedAndNeverEchoedWhole() {
        let long = String(repeating: "x", count: 1 << 20)
        let hello = Hello(kind: .gpu, name: long, host: "h", capabilities: WorkerCapabilities(slots: 1))
        #expect(throws: ProtocolError.outOfRange(type: "hello", field: "name", rule: "at most 256 bytes")) {
            try WireCodec().decode(WireCodec().encode(.hello(hello)))
        }
        #expect(throws: ProtocolError.self) { try WireCodec().decode(WireCodec().encode(.progress(jobID: "j", lease: "l", message: long))) }
        #expect(throws: ProtocolError.outOfRange(type: "result", field: "lease", rule: "at most 64 bytes")) {
            try WireCodec().decode(WireCodec().encode(.result(jobID: "j", lease: long, payload: Data())))
        }
        #expect(throws: ProtocolError.self) { try WireCodec().decode(WireCodec().encode(.ack(jobID: long))) }
        do {
            _ = try WireCodec().decode([Data("{\"v\":2,\"type\":\"\(long)\"}".utf8)])
            Issue.record("an unknown type must be refused")
        } catch {
            #expect("\(error)".utf8.count < 200, "the error quotes at most a prefix of the type")
        }
    }
}
