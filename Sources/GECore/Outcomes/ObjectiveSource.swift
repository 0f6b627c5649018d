/// Who measures an objective, and so how far its value can be trusted.
public enum ObjectiveSource: String, Codable, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    /// The job's own result file: generated code wrote it.
    case result
    /// The screen step, which ends before the training process (and
    /// anything it might forge) starts.
    case screen
    /// The worker, from the grading step's predictions and labels no job
    /// can read.
    case grading

    public var description: String {
        switch self {
        case .result: "self-reported by the job"
        case .screen: "counted by the screen"
        case .grading: "graded by the worker"
        }
    }
}
