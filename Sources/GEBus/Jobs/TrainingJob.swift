import Foundation

/// What a GPU worker is asked to do: screen and train one variant of a seed.
public struct TrainingJobSpec: Codable, Sendable, Equatable {
    /// The seed folder's name under the worker's seeds directory.
    public var seed: String
    /// The variant's whole genome file.
    public var source: String
    /// Overrides the manifest's epochs, if set.
    public var epochs: Int?

    public init(seed: String, source: String, epochs: Int? = nil) {
        self.seed = seed
        self.source = source
        self.epochs = epochs
    }
}

/// What a GPU worker reports for a job.
public struct TrainingJobOutcome: Codable, Sendable, Equatable {
    /// Why a variant got no fitness.
    public enum FailureClass: String, Codable, Sendable {
        case syntax
        case `import`
        case shape
        case crash
        case timeout
        case nan
        case missingResult = "missing_result"
        /// The job could not start (unknown seed, unwritable job directory).
        case setup
        case cancelled
    }

    /// Objective values in the manifest's order, when the job succeeded.
    public var objectives: [Double]?
    /// Every numeric value of the result file (and of the screen's, prefixed `screen.`).
    public var metrics: [String: Double]
    public var failure: FailureClass?
    /// One line: what went wrong.
    public var reason: String?
    /// The last lines of the job's log.
    public var logTail: String
    /// Which command ran last: "screen" or "train".
    public var phase: String
    public var seconds: Double

    public init(
        objectives: [Double]? = nil, metrics: [String: Double] = [:], failure: FailureClass? = nil,
        reason: String? = nil, logTail: String = "", phase: String, seconds: Double
    ) {
        self.objectives = objectives
        self.metrics = metrics
        self.failure = failure
        self.reason = reason
        self.logTail = logTail
        self.phase = phase
        self.seconds = seconds
    }
}
