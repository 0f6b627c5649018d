extension Setting {
    /// Every key of `ged.toml`, in the order docs/CONFIGURATION.md lists them.
    public static let all: [Setting] = [
        .string("paths.state_directory", \.stateDirectory, .daemon, "Where the run's database (ged.sqlite) lives."),
        .string("paths.seed", \.seedDirectory, .daemon, "The seed folder (with seed.toml) a new run starts from."),
        .string("paths.prompts", \.promptsDirectory, .daemon, "The folder of prompt templates a new run starts with."),

        .choice("evolution.mode", \.engine.mode, .run, "steady (no generation barrier) or generational (the reference loop)."),
        .int("evolution.evaluation_budget", \.engine.evaluationBudget, 1...100_000_000, .live,
             "Evaluations (trainings) after which the run stops."),
        .int("evolution.initial_population", \.engine.initialPopulation, 1...1_000_000, .run,
             "Individuals made from the seed before breeding starts."),
        .int("evolution.population_size", \.engine.populationSize, 1...1_000_000, .run,
             "Steady state: the population size μ of (μ+1) NSGA-II replacement."),
        .int("evolution.offspring_per_generation", \.engine.offspringPerGeneration, 1...1_000_000, .run,
             "Generational: offspring bred per generation."),
        .int("evolution.elites", \.engine.elites, 0...1_000_000, .run,
             "SPEA2 archive size (generational: elites carried into the next generation)."),
        .int("evolution.hall_of_fame_size", \.engine.hallOfFameSize, 0...1_000_000, .run, "Best individuals ever seen, kept."),
        .int("evolution.lookahead", \.engine.lookahead, 0...1024, .live,
             "Steady state: offspring prepared beyond the free evaluation slots."),
        .bool("evolution.evaluate_seed", \.engine.evaluateSeed, .run,
              "Evaluate the unmodified seed first (its fitness is the baseline)."),
        .seed("evolution.rng_seed", \.rngSeed, .run, "Seed of the run's random number generator."),
        .optionalInt("evolution.max_generations", \.engine.maxGenerations, 1...1_000_000, .live,
                     "The run stops after this many generations (steady: this many times μ evaluations); unset: only the budget limits it. The reference runs 30."),
        .optionalDouble("evolution.max_gpu_hours", \.engine.maxTrainingHours, 0.001...10_000_000, .live,
                        "The run stops once its evaluations have trained this many hours in all (as the GPU workers report them); unset: no limit."),
        .bool("evolution.multi_fidelity", \.multiFidelity, .run,
              "When the seed declares train.rungs: train every child first at the lowest rung and promote the top 1/η of each rung (asynchronous successive halving); false: every child at full fidelity."),
        .int("evolution.promotion_eta", \.promotionEta, 2...100, .run,
             "Multi-fidelity: a child goes on to the next rung when it is in the top 1/η of its rung by non-dominated rank and crowding."),
        .optionalDouble("evolution.max_llm_cost", \.engine.maxLLMCost, 0.000001...1_000_000_000, .live,
                        "The run stops once its LLM requests have cost this much, at the prices of llm.models in llm.currency (tokens as the providers report them); unset: no limit."),
        .int("evolution.max_consecutive_breeding_failures", \.engine.maxConsecutiveBreedingFailures, 1...1_000_000, .live,
             "Children in a row that may fail before evaluation before the run stops instead of spinning."),

        .double("variation.p_cx", \.engine.variation.crossoverProbability, 0...1, .live,
                "Probability that new offspring come from LLM crossover of two parents."),
        .double("variation.p_mut", \.engine.variation.mutationProbability, 0...1, .live,
                "Probability that an offspring is mutated (after crossover; generational: instead of a copy)."),
        .double("variation.p_eot", \.engine.variation.eotProbability, 0...1, .live,
                "Probability that a mutation is Evolution of Thought, once elites exist."),
        .int("variation.eot_elites", \.engine.variation.eotElites, 1...10_000, .live,
             "How many of the best archive members Evolution of Thought learns from."),
        .double("variation.p_qc", \.engine.variation.repairProbability, 0...1, .live,
                "Probability of a second LLM pass that repairs produced code."),
        .double("variation.p_repair", \.engine.variation.failureRepairProbability, 0...1, .live,
                "Probability that a child failing its screen or training with an error in its code gets one repair attempt that shows the LLM the error (0: the reference, which drops it)."),
        .int("variation.rephrasings", \.engine.variation.rephrasings, 0...1000, .live,
             "Prompt evolution: mutation templates the LLM rephrases after every generation (steady: every μ evaluations); 0 turns it off. The reference rephrases 5."),
        .int("variation.max_evolved_templates", \.engine.variation.maxEvolvedTemplates, 0...1_000_000, .live,
             "Prompt evolution stops once this many evolved templates exist."),
        .doubleRange("variation.rephrase_temperature", \.engine.variation.rephraseTemperature, 0...2, .live,
                     "Sampling temperature range for rephrasing templates."),
        .doubleRange("variation.mutation_temperature", \.engine.variation.mutationTemperature, 0...2, .live,
                     "Sampling temperature range for mutation, EoT and repair."),
        .doubleRange("variation.crossover_temperature", \.engine.variation.crossoverTemperature, 0...2, .live,
                     "Sampling temperature range for crossover."),
        .double("variation.top_p", \.engine.variation.topP, 0...1, .live, "Nucleus sampling mass."),
        .intRange("variation.max_tokens", \.engine.variation.maxTokens, 1...1_000_000, .live,
                  "Range of the maximum number of new tokens per answer."),

        .models("llm.models", \.engine.portfolio.models, .live,
                "The LLMs to choose among, e.g. [{ name = \"gpt-4o-mini\", input_price = 0.15, output_price = 0.6 }] (prices per million tokens): each request goes to the model a bandit (Thompson sampling) picks among those a connected ge-llm-worker serves (--model), rewarded when the child is accepted; empty: any LLM worker takes any request."),
        .double("llm.exploration_share", \.engine.portfolio.explorationShare, 0...1, .live,
                "The share of requests sent to a uniformly drawn model whatever the bandit prefers."),
        .choice("llm.reward", \.engine.portfolio.reward, .live,
                "What the bandit maximizes: acceptance (the chance a request's child is accepted) or acceptance_per_cost (that chance per unit of a request's expected cost at the listed prices)."),
        .string("llm.currency", \.engine.portfolio.currency, .live, "The currency of the prices and of evolution.max_llm_cost (a label)."),

        .optionalNames("prompts.personas", \.engine.variation.personas, .run,
                       "The personas whose mutation templates are used, e.g. [\"plain\"] for the ablation without character role-play; unset: all."),

        .string("bus.work", \.workEndpoint, .daemon, "The work endpoint workers connect to."),
        .string("bus.control", \.controlEndpoint, .daemon, "The control endpoint gectl talks to."),
        .string("bus.events", \.eventsEndpoint, .daemon, "The event endpoint gectl watch subscribes to."),
        .double("bus.heartbeat_seconds", \.broker.heartbeatInterval, 0.05...3600, .daemon,
                "Heartbeat interval; a worker silent for 3 intervals is dead."),
        .int("bus.max_attempts", \.broker.maxAttempts, 1...100, .daemon,
             "Hand-outs of a job (lost workers, missed deadlines) before it is abandoned."),
        .double("bus.llm_job_deadline_seconds", \.llmJobDeadline, 1...604_800, .daemon,
                "Time an LLM job may take, retries included, before it is handed to another worker (evaluations: the seed's timeouts plus a margin)."),
        .int("bus.max_workers_per_kind", \.broker.maximumWorkersPerKind, 1...100_000, .daemon,
             "Workers of one kind connected at once; more are asked to retry later."),
        .double("bus.reclaim_seconds", \.broker.reclaimWindow, 0...3600, .daemon,
                "Time a job waits for a lost worker (or, after a restart, its last holder) to claim it before another gets it."),
        .optionalString("bus.server_keys", \.serverKeys, .daemon,
                        "The daemon's CURVE key pair file; CURVE is on when set (ged --generate-keys makes one)."),
        .optionalString("bus.authorized_keys", \.authorizedKeys, .daemon,
                        "With CURVE: the folder of authorized worker public keys (*.pub)."),
        .bool("bus.allow_plaintext", \.allowPlaintext, .daemon,
              "Let the work endpoint listen beyond loopback without CURVE (only on a network you trust)."),
        .optionalString("bus.operator_keys", \.operatorKeys, .daemon,
                        "With CURVE: the folder of authorized operator (gectl) public keys; required for a tcp:// control endpoint."),
        .optionalString("http.listen", \.httpListen, .daemon,
                        "host:port for the dashboard and /metrics (e.g. 127.0.0.1:8080); off when unset. Read-only, no authentication: keep it on loopback or behind a proxy."),
    ]

    /// The setting with this dotted key.
    public static func named(_ key: String) -> Setting? {
        all.first { $0.key == key }
    }
}

extension Setting {
    /// docs/CONFIGURATION.md: every setting with its default, what it
    /// accepts and when it may change (a test keeps the file equal to this).
    public static func reference() -> String {
        let defaults = DaemonSettings()
        var text = """
            # Configuration of ged

            `ged` reads `/etc/ged/ged.toml` (or the file given with `--config`); every key is optional and \
            unknown keys are errors. Flags of `ged` override the file. This page is generated from the \
            settings table in `Sources/GEService/Settings/SettingsCatalog.swift` \
            (`ged --configuration-reference > docs/CONFIGURATION.md`).

            **When a setting may change** — *daemon*: a property of the ged process, may differ at every \
            start; *run*: fixed when a run is created, and a resumed run keeps its own (ged refuses to \
            resume when the file gives another value); *live*: part of the run and safe to change while it \
            runs, with `gectl config set KEY VALUE` or in the file at a restart — each change is recorded \
            as an input, so replay after a crash stays exact.

            """
        var section = ""
        for setting in all {
            if setting.section != section {
                section = setting.section
                text += "\n## [\(section)]\n\n| key | default | accepts | changes | what it does |\n|---|---|---|---|---|\n"
            }
            let value = setting.value(in: defaults).replacingOccurrences(of: "|", with: "\\|")
            text += "| `\(setting.name)` | `\(value)` | \(setting.accepts) | \(setting.scope.rawValue) | \(setting.help) |\n"
        }
        return text
    }
}
