import Foundation

/// A short helper command run to completion, with what it printed: the
/// syntax check, `nvidia-smi`, the bubblewrap probe. (Jobs, which need
/// process groups, timeouts and sandboxing, use `ChildProcess` instead.)
public struct CommandOutput: Sendable, Equatable {
    public let status: Int32
    public let stdout: String
    public let stderr: String

    /// Runs `arguments` (the first is looked up on PATH) and waits for it;
    /// `nil` when it cannot start.
    public static func run(_ arguments: [String]) -> CommandOutput? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        // Both pipes are drained at once, so a command that fills one while
        // the other is read cannot block.
        let stderrData = ByteBox()
        let reader = Thread { stderrData.set(errors.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let stdoutData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandOutput(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData.wait(), as: UTF8.self))
    }
}

/// Bytes handed from the reading thread to the waiting one.
private final class ByteBox: @unchecked Sendable {
    // Safe: `data` is written once under `done`'s signal and read only after waiting on it.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    func set(_ value: Data) {
        data = value
        done.signal()
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
