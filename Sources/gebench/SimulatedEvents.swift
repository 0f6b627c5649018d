/// What happens next in a simulated run: events in time order, ties in the
/// order they were added (so a simulation replays exactly).
struct SimulatedEvents<Kind> {
    private var events: [(time: Double, order: Int, kind: Kind)] = []
    private var added = 0

    var isEmpty: Bool { events.isEmpty }

    mutating func add(_ kind: Kind, at time: Double) {
        added += 1
        let index = events.firstIndex { ($0.time, $0.order) > (time, added) } ?? events.endIndex
        events.insert((time, added, kind), at: index)
    }

    /// The earliest event, removed; `nil` when none is left.
    mutating func next() -> (time: Double, kind: Kind)? {
        guard !events.isEmpty else { return nil }
        let event = events.removeFirst()
        return (event.time, event.kind)
    }
}
