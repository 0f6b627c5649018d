/// A prompt template that cannot be used, with the place to fix it.
public struct PromptError: Error, Equatable, CustomStringConvertible {
    /// The file the template came from.
    public let source: String
    /// The 1-based line of the problem.
    public let line: Int
    /// What is wrong and what to do.
    public let message: String

    public init(source: String, line: Int, message: String) {
        self.source = source
        self.line = line
        self.message = message
    }

    public var description: String {
        "\(source):\(line): \(message)"
    }
}
