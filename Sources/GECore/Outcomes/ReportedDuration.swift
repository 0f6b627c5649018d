/// Durations workers report, as totals and budgets count them.
enum ReportedDuration {
    /// `seconds`, or 0 when it is negative, not finite or over a week (a
    /// clock gone wrong, or a hostile worker): it counts as nothing, never
    /// as a whole budget.
    static func counted(_ seconds: Double) -> Double {
        seconds.isFinite && seconds > 0 && seconds <= 604_800 ? seconds : 0
    }
}
