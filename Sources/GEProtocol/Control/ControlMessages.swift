import Foundation
import GECore

/// A request from `gectl` to the daemon's control socket.
public struct ControlRequest: Codable, Sendable, Equatable {
    public var command: String
    public var arguments: [String]

    public init(_ command: String, _ arguments: [String] = []) {
        self.command = command
        self.arguments = arguments
    }
}

/// The daemon's reply: `body` is the command's JSON, or `error` one line.
public struct ControlReply: Codable, Sendable, Equatable {
    public var ok: Bool
    public var error: String?
    public var body: Data?

    public static func success<T: Encodable>(_ value: T) -> ControlReply {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return ControlReply(ok: true, error: nil, body: try encoder.encode(value))
        } catch {
            return .failure("cannot encode the reply: \(error)")
        }
    }

    public static func failure(_ message: String) -> ControlReply {
        ControlReply(ok: false, error: message, body: nil)
    }
}

/// One individual as `gectl` lists it.
public struct IndividualReport: Codable, Sendable, Equatable {
    public var id: Int
    public var status: String
    public var objectives: [Double]?
    public var origin: String
    public var parents: [Int]
    /// Evaluations completed since it was created.
    public var age: Int
    public var generation: Int
    /// Why it got no fitness, when it failed.
    public var failure: Failure?
    /// The earlier individual whose code it repeats, when a duplicate.
    public var duplicateOf: Int?
    public var template: String?

    public init(
        id: Int, status: String, objectives: [Double]?, origin: String, parents: [Int], age: Int, generation: Int,
        failure: Failure?, duplicateOf: Int? = nil, template: String?
    ) {
        self.id = id
        self.status = status
        self.objectives = objectives
        self.origin = origin
        self.parents = parents
        self.age = age
        self.generation = generation
        self.failure = failure
        self.duplicateOf = duplicateOf
        self.template = template
    }
}

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

    public var seed: String
    public var mode: String
    public var state: String
    public var stopReason: String?
    public var paused: Bool
    public var evaluations: Int
    public var budget: Int
    public var generation: Int
    public var objectives: [String]
    public var best: [Best]
    public var hypervolume: Double?
    public var workersBusy: Int
    public var workersIdle: Int
    public var queuedLLM: Int
    public var queuedGPU: Int

    public init(
        seed: String, mode: String, state: String, stopReason: String?, paused: Bool, evaluations: Int, budget: Int,
        generation: Int, objectives: [String], best: [Best], hypervolume: Double?, workersBusy: Int, workersIdle: Int,
        queuedLLM: Int, queuedGPU: Int
    ) {
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

/// `gectl workers`.
public struct WorkerReport: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var kind: String
    public var host: String
    public var gpu: String?
    public var slots: Int
    public var running: Int
    public var draining: Bool
    public var secondsSinceHeard: Double

    public init(
        id: String, name: String, kind: String, host: String, gpu: String?, slots: Int, running: Int, draining: Bool,
        secondsSinceHeard: Double
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.host = host
        self.gpu = gpu
        self.slots = slots
        self.running = running
        self.draining = draining
        self.secondsSinceHeard = secondsSinceHeard
    }
}

/// `gectl show ID`.
public struct IndividualDetail: Codable, Sendable, Equatable {
    public var report: IndividualReport
    public var code: String
    /// Unified diff of the code against the first parent's.
    public var diff: String
    public var variations: [String]

    public init(report: IndividualReport, code: String, diff: String, variations: [String]) {
        self.report = report
        self.code = code
        self.diff = diff
        self.variations = variations
    }
}
