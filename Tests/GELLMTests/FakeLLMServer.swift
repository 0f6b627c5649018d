import Foundation
import GELLM

/// The fake LLM server (`Fixtures/fake_llm_server.py`), started for one test.
final class FakeLLMServer {
    let process = Process()
    let port: Int

    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/fake_llm_server.py")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            kill(process.processIdentifier, SIGKILL)
            throw FakeServerError()
        }
        self.port = port
    }

    deinit {
        // SIGKILL: the test runner may hand its children a mask that blocks SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Every request the server received, as decoded JSON.
    func requests() throws -> [[String: Any]] {
        let response = try HTTPClient().post(url: "http://127.0.0.1:\(port)/log", headers: [], body: Data())
        return (try JSONSerialization.jsonObject(with: response.body) as? [[String: Any]]) ?? []
    }
}

struct FakeServerError: Error {}
