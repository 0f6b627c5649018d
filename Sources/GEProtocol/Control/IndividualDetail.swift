/// `gectl show ID`.
public struct IndividualDetail: Codable, Sendable, Equatable {
    public var report: IndividualReport
    public var code: String
    /// Unified diff of the code against the first parent's.
    public var diff: String
    public var variations: [String]
    /// The run's objectives, in the order of `report.objectives`.
    public var objectives: [StatusReport.Objective]

    public init(
        report: IndividualReport, code: String, diff: String, variations: [String], objectives: [StatusReport.Objective]
    ) {
        self.report = report
        self.objectives = objectives
        self.code = code
        self.diff = diff
        self.variations = variations
    }
}
