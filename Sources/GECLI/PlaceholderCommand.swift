import ArgumentParser

/// An executable whose work arrives with a later issue: it documents itself
/// in `--help` and fails with a clear message instead of pretending to work.
public protocol PlaceholderCommand: ParsableCommand {
    /// The issue that implements this command.
    static var issue: Int { get }
}

extension PlaceholderCommand {
    public func run() throws {
        throw NotImplementedYet(command: Self.configuration.commandName ?? "this command", issue: Self.issue)
    }
}

/// The error a placeholder command reports.
public struct NotImplementedYet: Error, CustomStringConvertible {
    public let command: String
    public let issue: Int

    public var description: String {
        "\(command) is not implemented yet (issue #\(issue)); nothing was started"
    }
}
