import Foundation

/// The LLM service unreachable, as the answers show it: breeding waits, with
/// one probe request at growing intervals (1 s doubling to 5 minutes), while
/// evaluations go on. Kept by the daemon, not the engine: it is about time,
/// and only decides how many LLM slots each (recorded) step offers.
struct LLMOutage {
    let since: Date
    /// What the last failed request said.
    var reason: String
    /// Probes sent since the outage began.
    var probes = 0
    var nextProbe: Date

    static let firstDelay = 1.0
    static let maximumDelay = 300.0

    init(reason: String, at now: Date) {
        since = now
        self.reason = reason
        nextProbe = now.addingTimeInterval(Self.firstDelay)
    }

    /// The LLM slots a step may use now: none until the next probe is due,
    /// then one (and the probe after it is scheduled).
    mutating func slots(offering free: Int, at now: Date) -> Int {
        guard free > 0, now >= nextProbe else { return 0 }
        probes += 1
        nextProbe = now.addingTimeInterval(min(Self.firstDelay * pow(2, Double(probes)), Self.maximumDelay))
        return 1
    }

    /// One line for `gectl status`.
    func description(at now: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        let wait = max(0, Int(nextProbe.timeIntervalSince(now).rounded(.up)))
        return "waiting for the LLM since \(formatter.string(from: since)) (\(reason)); next try in \(wait) s"
    }
}
