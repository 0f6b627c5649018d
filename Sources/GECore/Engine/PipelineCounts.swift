/// How many individuals are in each unfinished status. The engine keeps it as
/// statuses change, so what it asks after every input (is the run finished,
/// how full is the pipeline) costs nothing, however long the run.
struct PipelineCounts: Codable, Sendable, Equatable {
    var breeding = 0
    var queued = 0
    var evaluating = 0

    init() {}

    /// Counts by scanning: for snapshots written before the counts were kept.
    init(counting individuals: [Individual]) {
        for individual in individuals { add(individual.status, +1) }
    }

    /// Individuals being bred, queued for or under evaluation.
    var unfinished: Int { breeding + queued + evaluating }

    /// An individual moved from `old` (nil for a new one) to `new`.
    mutating func move(from old: Individual.Status?, to new: Individual.Status) {
        if let old { add(old, -1) }
        add(new, +1)
    }

    private mutating func add(_ status: Individual.Status, _ delta: Int) {
        switch status {
        case .breeding: breeding += delta
        case .awaitingEvaluation: queued += delta
        case .evaluating: evaluating += delta
        case .evaluated, .rungScored, .failed, .duplicate: break
        }
    }
}
