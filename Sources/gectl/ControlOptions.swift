import ArgumentParser
import Foundation
import GEBus
import GEProtocol
import GEService

/// Options every gectl command takes.
struct ControlOptions: ParsableArguments {
    @Option(help: "The daemon's control endpoint (default: $GED_CONTROL or ipc:///run/ged/control.sock).")
    var control: String?

    @Option(help: ArgumentHelp(
        "Read the run in this state directory directly, whether ged runs or not (read commands only).",
        valueName: "dir"))
    var stateDir: String?

    @Option(help: "Seconds to wait for the daemon.")
    var timeout = 5.0

    @Option(help: ArgumentHelp(
        "For a tcp:// control endpoint: this operator's CURVE key pair file (gectl generate-keys makes one).",
        valueName: "file"))
    var key: String?

    @Option(help: ArgumentHelp("For a tcp:// control endpoint: the daemon's CURVE public key, or a file holding it.", valueName: "key-or-file"))
    var serverKey: String?

    func validate() throws {
        guard (key == nil) == (serverKey == nil) else {
            throw ValidationError("--key and --server-key go together: this operator's key pair and the daemon's public key")
        }
    }

    var endpoint: String {
        control ?? ProcessInfo.processInfo.environment["GED_CONTROL"] ?? "ipc:///run/ged/control.sock"
    }

    /// Sends one request and returns the reply's body; with `--state-dir`,
    /// answers it from the state directory instead.
    func request(_ request: ControlRequest) throws -> Data {
        if let stateDir { return try read(request, stateDirectory: stateDir) }
        let context = try ZMQContext()
        let socket = try ZMQSocket(context, .req)
        try socket.setLinger(milliseconds: 0)
        if endpoint.hasPrefix("ipc://") {
            let path = String(endpoint.dropFirst("ipc://".count))
            guard FileManager.default.fileExists(atPath: path) else {
                throw ControlFailure.unreachable("cannot reach ged at \(endpoint): no socket there; is ged running?")
            }
            guard access(path, R_OK | W_OK) == 0 else {
                throw ControlFailure.unreachable("no permission to use \(path); join the ged group or use sudo")
            }
        }
        if let key, let serverKey {
            let serverPublicKey = FileManager.default.fileExists(atPath: serverKey)
                ? try CurveKeyFile.publicKey(at: serverKey) : serverKey
            try CurveClientKeys(keys: CurveKeyPair.load(from: key), serverPublicKey: serverPublicKey).apply(to: socket)
        }
        try socket.connect(endpoint)
        try socket.send([try JSONEncoder().encode(request)])
        let ready = try ZMQPoller.poll([.socket(socket)], timeoutMilliseconds: Int(timeout * 1000))
        guard ready[0], let frames = try socket.receive(dontWait: true), let first = frames.first else {
            let hint = endpoint.hasPrefix("tcp://") && key == nil
                ? " (a tcp:// control endpoint needs --key and --server-key)" : ""
            throw ControlFailure.unreachable("cannot reach ged at \(endpoint): no answer within \(timeout) s; is it running?\(hint)")
        }
        let reply = try JSONDecoder().decode(ControlReply.self, from: first)
        guard reply.ok, let body = reply.body else { throw ControlFailure.refused(reply.error ?? "request failed") }
        return body
    }

    /// A read request answered from the run's database, without the daemon.
    func read(_ request: ControlRequest, stateDirectory: String) throws -> Data {
        let reports: RunReports
        do {
            reports = try RunReports.open(stateDirectory: stateDirectory)
        } catch {
            throw ControlFailure.unreachable("\(error)")
        }
        guard let reply = reports.answer(request) else {
            throw ControlFailure.refused("this command needs the running daemon: use --control (or GED_CONTROL) instead of --state-dir")
        }
        guard reply.ok, let body = reply.body else { throw ControlFailure.refused(reply.error ?? "request failed") }
        return body
    }

    func request<T: Decodable>(_ type: T.Type, _ request: ControlRequest) throws -> T {
        try JSONDecoder().decode(T.self, from: self.request(request))
    }
}

/// Why a command failed; the exit status says which.
enum ControlFailure: Error, CustomStringConvertible {
    case refused(String)
    case unreachable(String)

    var description: String {
        switch self {
        case .refused(let message), .unreachable(let message): message
        }
    }

    var exitCode: ExitCode {
        switch self {
        case .refused: ExitCode(1)
        case .unreachable: ExitCode(3)
        }
    }
}

/// Runs a command body, turning failures into one line and an exit status.
func reporting(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let failure as ControlFailure {
        FileHandle.standardError.write(Data("gectl: \(failure)\n".utf8))
        throw failure.exitCode
    }
}

/// Prints a value as JSON.
func printJSON(_ data: Data) {
    if let object = try? JSONSerialization.jsonObject(with: data),
        let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    {
        print(String(decoding: pretty, as: UTF8.self))
    } else {
        print(String(decoding: data, as: UTF8.self))
    }
}
