/// `gectl show ID`.
public struct IndividualDetail: Codable, Sendable, Equatable {
    public var report: IndividualReport
    public var code: String
    /// Unified diff of the code against the first parent's.
    public var diff: String
    public var variations: [String]
    /// The run's objectives, in the order of `report.objectives`.
    public var objectives: [StatusReport.Objective]
    /// The LLM's answer that made (or failed to make) it, as the worker sent it.
    public var answer: String?
    /// The last lines of its training log.
    public var logTail: String?

    public init(
        report: IndividualReport, code: String, diff: String, variations: [String], objectives: [StatusReport.Objective],
        answer: String? = nil, logTail: String? = nil
    ) {
        self.answer = answer
        self.logTail = logTail
        self.report = report
        self.objectives = objectives
        self.code = code
        self.diff = diff
        self.variations = variations
    }
}
