/// What a GPU worker is asked to do: screen and train one variant of a seed.
/// The worker answers with an `EvaluationOutcome`.
public struct TrainingJobSpec: Codable, Sendable, Equatable {
    /// The seed folder's name under the worker's seeds directory.
    public var seed: String
    /// The variant's whole genome file.
    public var source: String
    /// Overrides the manifest's epochs, if set.
    public var epochs: Int?

    public init(seed: String, source: String, epochs: Int? = nil) {
        self.seed = seed
        self.source = source
        self.epochs = epochs
    }
}
