import ArgumentParser
import Foundation
import GEBus
import GEProtocol

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Print the daemon's events as they happen (Ctrl-C to stop).")

    @Option(help: "The daemon's event endpoint (default: $GED_EVENTS or ipc:///run/ged/events.sock).")
    var events: String?

    @Flag(help: "Print each event as one JSON line.") var json = false

    func run() throws {
        let endpoint = events ?? ProcessInfo.processInfo.environment["GED_EVENTS"] ?? "ipc:///run/ged/events.sock"
        let context = try ZMQContext()
        let socket = try ZMQSocket(context, .sub)
        try socket.setLinger(milliseconds: 0)
        try socket.subscribe()
        try socket.connect(endpoint)
        FileHandle.standardError.write(Data("watching \(endpoint)\n".utf8))
        while let frames = try socket.receive(), frames.count == 2 {
            var line = String(decoding: frames[1], as: UTF8.self)
            if !json, let object = try JSONSerialization.jsonObject(with: frames[1]) as? [String: String] {
                let rest = object.filter { $0.key != "type" && $0.key != "time" }.sorted { $0.key < $1.key }
                    .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                line = "\(object["type"] ?? "?"): \(rest)"
            }
            // Unbuffered, so a pipe sees each event at once.
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }
}
