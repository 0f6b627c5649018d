import GECore

/// `gectl status`.
public struct StatusReport: Codable, Sendable, Equatable {
    public struct Best: Codable, Sendable, Equatable {
        public var objective: String
        public var value: Double
        public var individual: Int

        public init(objective: String, value: Double, individual: Int) {
            self.objective = objective
            self.value = value
            self.individual = individual
        }
    }

    /// An objective, its direction and who measures it, as data (plots and
    /// tables need the direction; `gectl show` says which values a job
    /// reported itself).
    public struct Objective: Codable, Sendable, Equatable {
        public var name: String
        public var maximize: Bool
        public var source: ObjectiveSource

        public init(name: String, maximize: Bool, source: ObjectiveSource = .result) {
            self.name = name
            self.maximize = maximize
            self.source = source
        }
    }

    /// Where the run is.
    public enum State: String, Codable, Sendable {
        case running, paused
        /// Stopped before its budget was spent (`stopReason` says why);
        /// `gectl resume` continues it.
        case stopped
        case finished
    }

    public var seed: String
    public var mode: EngineConfig.Mode
    public var state: State
    public var stopReason: String?
    public var paused: Bool
    public var evaluations: Int
    public var budget: Int
    public var generation: Int
    public var objectives: [Objective]
    public var best: [Best]
    public var hypervolume: Double?
    public var workersBusy: Int
    public var workersIdle: Int
    public var queuedLLM: Int
    public var queuedGPU: Int
    /// Why breeding waits for the LLM, if it does: an outage (since when, why,
    /// the next try), or no connected worker serving a listed model.
    public var llmWaiting: String?
    /// Failed children by failure kind, over the whole run.
    public var failures: [String: Int]
    /// Repair attempts after failed evaluations (p_repair).
    public var repairs: RepairCounts
    /// Templates made by prompt evolution so far.
    public var evolvedTemplates: Int
    /// The run's generation limit, if it has one.
    public var maxGenerations: Int?
    /// The preset the run was created from (`ged --preset`).
    public var preset: String?
    /// Training time the evaluations took, as workers reported it.
    public var trainingSeconds: Double?
    /// The run's training-time limit (`evolution.max_gpu_hours`), if it has one.
    public var maxTrainingHours: Double?
    /// With fidelity rungs: the epochs of each rung and how many children
    /// scored at each (the last: full fidelity), lowest first.
    public var rungEpochs: [Int]?
    public var scoredPerRung: [Int]?
    /// What the LLM requests cost, at the listed models' prices.
    public var llmCost: Double?
    /// The run's LLM cost limit (`evolution.max_llm_cost`), if it has one.
    public var maxLLMCost: Double?
    /// The currency of both (`llm.currency`).
    public var currency: String?

    public init(
        seed: String, mode: EngineConfig.Mode, state: State, stopReason: String?, paused: Bool, evaluations: Int, budget: Int,
        generation: Int, objectives: [Objective], best: [Best], hypervolume: Double?, workersBusy: Int, workersIdle: Int,
        queuedLLM: Int, queuedGPU: Int, llmWaiting: String? = nil, failures: [String: Int] = [:],
        repairs: RepairCounts = RepairCounts(), evolvedTemplates: Int = 0, maxGenerations: Int? = nil,
        preset: String? = nil, trainingSeconds: Double? = nil, maxTrainingHours: Double? = nil,
        rungEpochs: [Int]? = nil, scoredPerRung: [Int]? = nil, llmCost: Double? = nil, maxLLMCost: Double? = nil,
        currency: String? = nil
    ) {
        self.llmCost = llmCost
        self.maxLLMCost = maxLLMCost
        self.currency = currency
        self.preset = preset
        self.trainingSeconds = trainingSeconds
        self.maxTrainingHours = maxTrainingHours
        self.rungEpochs = rungEpochs
        self.scoredPerRung = scoredPerRung
        self.repairs = repairs
        self.evolvedTemplates = evolvedTemplates
        self.maxGenerations = maxGenerations
        self.llmWaiting = llmWaiting
        self.failures = failures
        self.seed = seed
        self.mode = mode
        self.state = state
        self.stopReason = stopReason
        self.paused = paused
        self.evaluations = evaluations
        self.budget = budget
        self.generation = generation
        self.objectives = objectives
        self.best = best
        self.hypervolume = hypervolume
        self.workersBusy = workersBusy
        self.workersIdle = workersIdle
        self.queuedLLM = queuedLLM
        self.queuedGPU = queuedGPU
    }
}
