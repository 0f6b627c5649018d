/// `gectl show ID`.
public struct IndividualDetail: Codable, Sendable, Equatable {
    public var report: IndividualReport
    public var code: String
    /// Unified diff of the code against the first parent's.
    public var diff: String
    public var variations: [String]

    public init(report: IndividualReport, code: String, diff: String, variations: [String]) {
        self.report = report
        self.code = code
        self.diff = diff
        self.variations = variations
    }
}
