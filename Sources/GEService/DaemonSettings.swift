import Foundation
import GEBus
import GECore
import TOMLKit

/// Everything `ged` is configured with: the TOML file, then command-line
/// overrides.
public struct DaemonSettings: Sendable {
    public var stateDirectory = "/var/lib/ged"
    public var seedDirectory = "/usr/share/ged/sota/ExquisiteNetV2"
    public var promptsDirectory = "/usr/share/ged/prompts"
    public var engine = EngineConfig()
    public var rngSeed: UInt64 = 1
    public var workEndpoint = "tcp://*:5555"
    public var controlEndpoint = "ipc:///run/ged/control.sock"
    public var eventsEndpoint = "ipc:///run/ged/events.sock"
    public var broker = BrokerConfig()
    /// The daemon's CURVE key pair file; CURVE is on when set.
    public var serverKeys: String?
    /// Directory of authorized worker public keys (with CURVE).
    public var authorizedKeys: String?
    /// Engine snapshot every this many inputs (bounds replay after a crash).
    public var snapshotEvery = 500

    public init() {}

    /// Reads a configuration file over the defaults. Unknown keys and bad
    /// values are errors naming the key.
    public static func load(file: String) throws(ConfigError) -> DaemonSettings {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigError(key: file, message: "cannot read the configuration file")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: String(decoding: data, as: UTF8.self))
        } catch {
            throw ConfigError(key: file, message: "not valid TOML: \(error)")
        }
        var settings = DaemonSettings()
        try settings.apply(table)
        return settings
    }

    mutating func apply(_ root: TOMLTable) throws(ConfigError) {
        let reader = ConfigReader()
        try reader.allowOnly(["paths", "evolution", "variation", "bus"], in: root, prefix: "")
        if let paths = try reader.table(root, "paths") {
            try reader.allowOnly(["state_directory", "seed", "prompts"], in: paths, prefix: "paths.")
            stateDirectory = try reader.string(paths, "paths.state_directory") ?? stateDirectory
            seedDirectory = try reader.string(paths, "paths.seed") ?? seedDirectory
            promptsDirectory = try reader.string(paths, "paths.prompts") ?? promptsDirectory
        }
        if let evolution = try reader.table(root, "evolution") {
            try reader.allowOnly([
                "mode", "evaluation_budget", "initial_population", "population_size", "offspring_per_generation",
                "elites", "hall_of_fame_size", "lookahead", "evaluate_seed", "rng_seed", "max_consecutive_breeding_failures",
            ], in: evolution, prefix: "evolution.")
            if let mode = try reader.string(evolution, "evolution.mode") {
                guard let parsed = EngineConfig.Mode(rawValue: mode) else {
                    throw ConfigError(key: "evolution.mode", message: "must be \"steady\" or \"generational\", got \"\(mode)\"")
                }
                engine.mode = parsed
            }
            engine.evaluationBudget = try reader.int(evolution, "evolution.evaluation_budget") ?? engine.evaluationBudget
            engine.initialPopulation = try reader.int(evolution, "evolution.initial_population") ?? engine.initialPopulation
            engine.populationSize = try reader.int(evolution, "evolution.population_size") ?? engine.populationSize
            engine.offspringPerGeneration = try reader.int(evolution, "evolution.offspring_per_generation") ?? engine.offspringPerGeneration
            engine.elites = try reader.int(evolution, "evolution.elites") ?? engine.elites
            engine.hallOfFameSize = try reader.int(evolution, "evolution.hall_of_fame_size") ?? engine.hallOfFameSize
            engine.lookahead = try reader.int(evolution, "evolution.lookahead") ?? engine.lookahead
            engine.evaluateSeed = try reader.bool(evolution, "evolution.evaluate_seed") ?? engine.evaluateSeed
            engine.maxConsecutiveBreedingFailures = try reader.int(evolution, "evolution.max_consecutive_breeding_failures")
                ?? engine.maxConsecutiveBreedingFailures
            if let seed = try reader.int(evolution, "evolution.rng_seed") { rngSeed = UInt64(bitPattern: Int64(seed)) }
        }
        if let variation = try reader.table(root, "variation") {
            try reader.allowOnly([
                "p_cx", "p_mut", "p_eot", "eot_elites", "p_qc", "mutation_temperature", "crossover_temperature",
                "top_p", "max_tokens",
            ], in: variation, prefix: "variation.")
            var v = engine.variation
            v.crossoverProbability = try reader.double(variation, "variation.p_cx") ?? v.crossoverProbability
            v.mutationProbability = try reader.double(variation, "variation.p_mut") ?? v.mutationProbability
            v.eotProbability = try reader.double(variation, "variation.p_eot") ?? v.eotProbability
            v.eotElites = try reader.int(variation, "variation.eot_elites") ?? v.eotElites
            v.repairProbability = try reader.double(variation, "variation.p_qc") ?? v.repairProbability
            v.topP = try reader.double(variation, "variation.top_p") ?? v.topP
            if let range = try reader.pair(variation, "variation.mutation_temperature") { v.mutationTemperature = range.0...range.1 }
            if let range = try reader.pair(variation, "variation.crossover_temperature") { v.crossoverTemperature = range.0...range.1 }
            if let range = try reader.pair(variation, "variation.max_tokens") { v.maxTokens = Int(range.0)...Int(range.1) }
            engine.variation = v
        }
        if let bus = try reader.table(root, "bus") {
            try reader.allowOnly([
                "work", "control", "events", "heartbeat_seconds", "max_attempts", "server_keys", "authorized_keys",
            ], in: bus, prefix: "bus.")
            workEndpoint = try reader.string(bus, "bus.work") ?? workEndpoint
            controlEndpoint = try reader.string(bus, "bus.control") ?? controlEndpoint
            eventsEndpoint = try reader.string(bus, "bus.events") ?? eventsEndpoint
            broker.heartbeatInterval = try reader.double(bus, "bus.heartbeat_seconds") ?? broker.heartbeatInterval
            broker.maxAttempts = try reader.int(bus, "bus.max_attempts") ?? broker.maxAttempts
            serverKeys = try reader.string(bus, "bus.server_keys") ?? serverKeys
            authorizedKeys = try reader.string(bus, "bus.authorized_keys") ?? authorizedKeys
        }
    }

    /// Checks the values that the engine does not check itself.
    public func validate() throws(ConfigError) {
        try engine.validate()
        guard broker.heartbeatInterval > 0 else {
            throw ConfigError(key: "bus.heartbeat_seconds", message: "must be positive")
        }
        guard broker.maxAttempts >= 1 else { throw ConfigError(key: "bus.max_attempts", message: "must be at least 1") }
        if serverKeys != nil, authorizedKeys == nil {
            throw ConfigError(key: "bus.authorized_keys", message: "CURVE is on (bus.server_keys): name the directory of authorized worker keys")
        }
    }
}

/// Typed reads from TOML tables; errors name the key.
struct ConfigReader {
    func table(_ root: TOMLTable, _ key: String) throws(ConfigError) -> TOMLTable? {
        guard let value = root[key] else { return nil }
        guard let table = value.table else { throw ConfigError(key: key, message: "must be a table [\(key)]") }
        return table
    }

    func allowOnly(_ keys: Set<String>, in table: TOMLTable, prefix: String) throws(ConfigError) {
        for key in table.keys.sorted() where !keys.contains(key) {
            throw ConfigError(key: prefix + key, message: "unknown key; known here: " + keys.sorted().joined(separator: ", "))
        }
    }

    private func value(_ table: TOMLTable, _ key: String) -> (any TOMLValueConvertible)? {
        table[String(key.split(separator: ".").last!)]
    }

    /// The value at `key` converted by `convert`; `nil` when absent, an
    /// error saying what was expected when present but of another type.
    private func read<T>(
        _ table: TOMLTable, _ key: String, expected: String, _ convert: (any TOMLValueConvertible) -> T?
    ) throws(ConfigError) -> T? {
        guard let value = value(table, key) else { return nil }
        guard let converted = convert(value) else { throw ConfigError(key: key, message: "must be \(expected)") }
        return converted
    }

    func string(_ table: TOMLTable, _ key: String) throws(ConfigError) -> String? {
        try read(table, key, expected: "a string") { $0.string }
    }

    func int(_ table: TOMLTable, _ key: String) throws(ConfigError) -> Int? {
        try read(table, key, expected: "an integer") { $0.int }
    }

    func double(_ table: TOMLTable, _ key: String) throws(ConfigError) -> Double? {
        try read(table, key, expected: "a number") { $0.double ?? $0.int.map(Double.init) }
    }

    func bool(_ table: TOMLTable, _ key: String) throws(ConfigError) -> Bool? {
        try read(table, key, expected: "true or false") { $0.bool }
    }

    func pair(_ table: TOMLTable, _ key: String) throws(ConfigError) -> (Double, Double)? {
        guard let value = value(table, key) else { return nil }
        let numbers = value.array?.compactMap { $0.double ?? $0.int.map(Double.init) } ?? []
        guard numbers.count == 2, numbers[0] <= numbers[1] else {
            throw ConfigError(key: key, message: "must be [low, high] with low <= high")
        }
        return (numbers[0], numbers[1])
    }
}
