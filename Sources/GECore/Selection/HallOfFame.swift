/// The best individuals ever seen, as DEAP's `HallOfFame`: ordered by
/// weighted fitness compared lexicographically (the first objective decides,
/// the next breaks ties), at most `capacity`, each individual at most once.
public struct HallOfFame<ID: Hashable & Codable & Sendable>: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public let id: ID
        /// Fitness multiplied by the weights (larger is better).
        public let weighted: [Double]
    }

    public let capacity: Int
    /// Best first.
    public private(set) var entries: [Entry] = []

    public init(capacity: Int) {
        self.capacity = capacity
    }

    /// Offers an individual; it enters when there is room or when it beats
    /// the worst entry, which then leaves.
    public mutating func offer(id: ID, weighted: [Double]) {
        guard capacity > 0, !entries.contains(where: { $0.id == id }) else { return }
        if entries.count >= capacity {
            guard let worst = entries.last, weighted.lexicographicallyPrecedes(worst.weighted, by: >)
            else { return }
            entries.removeLast()
        }
        // Before entries of equal fitness: the newer one ranks first, as in DEAP.
        let position = entries.firstIndex { !$0.weighted.lexicographicallyPrecedes(weighted, by: >) }
            ?? entries.count
        entries.insert(Entry(id: id, weighted: weighted), at: position)
    }

    /// The ids, best first.
    public var ids: [ID] { entries.map(\.id) }
}
