import GECore

/// A request from `gectl` (or the dashboard) to the daemon's control socket.
/// The daemon answers each with a `ControlReply` whose body is the type
/// named on the case.
public enum ControlRequest: Codable, Sendable, Equatable {
    /// `StatusReport`.
    case status
    /// `[WorkerReport]`.
    case workers
    /// The current population, `[IndividualReport]`.
    case population
    /// The non-dominated evaluated individuals of the whole run, or of those
    /// born up to `generation`, `[IndividualReport]`.
    case front(generation: Int?)
    /// Every prompt template with what it did, `[TemplateReport]`.
    case templates
    /// Every model of the run with what it did and cost, `[ModelReport]`.
    case models
    /// Every individual of the run, `[IndividualReport]`.
    case individuals
    /// `IndividualDetail`.
    case show(IndividualID)
    /// The individual and its first parents back to the seed, `[IndividualReport]`.
    case lineage(IndividualID)
    /// Create no new work (recorded: a paused run stays paused after a restart).
    case pause
    /// Create work again.
    case resume
    /// Let a worker (by id or name) finish its jobs and send it no more.
    case drain(worker: String)
    /// Stop the run and the daemon.
    case stop
    /// Every setting with its value, `[SettingReport]`.
    case configGet
    /// Change a live setting (`value` as TOML writes it); replies `[SettingReport]`.
    case configSet(key: String, value: String)
}
