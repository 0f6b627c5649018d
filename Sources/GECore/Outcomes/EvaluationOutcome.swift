/// What an evaluation produced, as the GPU worker reports it and the engine
/// takes it: objective values, or why there are none; with the run's record.
public enum EvaluationOutcome: Codable, Sendable, Equatable {
    /// Objective values in the order of the seed's objectives.
    case scored(objectives: [Double], run: TrainingRun)
    case failure(Failure, run: TrainingRun)

    /// The run's record, whatever the outcome.
    public var run: TrainingRun {
        switch self {
        case .scored(_, let run), .failure(_, let run): run
        }
    }

    /// The objective values, when scored.
    public var objectives: [Double]? {
        if case .scored(let objectives, _) = self { return objectives }
        return nil
    }

    /// Why it failed, when it did.
    public var failed: Failure? {
        if case .failure(let failure, _) = self { return failure }
        return nil
    }
}

/// How a screen-and-train job went.
public struct TrainingRun: Codable, Sendable, Equatable {
    /// The step a job was in when it ended.
    public enum Phase: String, Codable, Sendable {
        case setup, screen, train, grade
    }

    /// Every numeric value of the result file (and of the screen's, prefixed `screen.`).
    public var metrics: [String: Double]
    /// The last lines of the job's log (see `Failure.excerpt(of:)`).
    public var logTail: String
    public var phase: Phase
    public var seconds: Double

    public init(metrics: [String: Double] = [:], logTail: String = "", phase: Phase, seconds: Double) {
        self.metrics = metrics
        self.logTail = Failure.excerpt(of: logTail)
        self.phase = phase
        self.seconds = seconds
    }

    /// For outcomes the daemon makes itself (no worker answered).
    public static let none = TrainingRun(phase: .setup, seconds: 0)
}
