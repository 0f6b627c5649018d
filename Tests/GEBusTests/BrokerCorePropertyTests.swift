import Foundation
import GEBus
import Testing

/// Random message sequences from honest workers (which crash, reconnect and
/// go silent) and hostile peers (forged results and claims, replays,
/// duplicates, messages out of order, absurd numbers within the codec's
/// bounds), checked after every step:
///
/// - a job completes at most once, and only from the identity holding its
///   live lease, under that lease;
/// - no worker holds more than its slots, so credit stays within [0, slots];
/// - once the hostile peers stop, every job is handed to an honest worker
///   and completes.
@Suite struct BrokerCorePropertyTests {
    /// SplitMix64: a small seeded generator, so a failing seed replays.
    struct Random: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// An honest worker: runs each job a few ticks, answers a cancel with a
    /// result under the job's lease, and may lose its connection and come
    /// back on a new one claiming what it holds.
    struct Honest {
        let kind: WorkerKind
        let slots: Int
        var identity: Data
        var jobs: [String: (lease: String, left: Int)] = [:]
        var unacknowledged: [HeldJob] = []
        var silent = false
        var session = 0
    }

    /// Who may complete a job now: the identity and lease of its hand-out
    /// or of an accepted claim.
    struct Holder: Equatable {
        var identity: Data
        var lease: String
    }

    struct Model {
        var broker: BrokerCore
        var honest: [Honest]
        var hostile: [Data]
        var holders: [String: Holder] = [:]
        var completed: [String: Data] = [:]
        var submitted: [String] = []
        /// Every (job, lease) pair a hostile peer was handed: replayed later.
        var hostileLeases: [HeldJob] = []
        var now = 0.0
        var problems: [String] = []

        func isHonest(_ identity: Data) -> Bool { honest.contains { $0.identity == identity } }

        mutating func deliver(_ message: BusMessage, from identity: Data) {
            let before = holders
            if case .hello(let hello) = message {
                // Accepted claims move the lease to this identity.
                apply(broker.receive(message, from: identity, now: now), sender: identity, message: message, before: before)
                for claim in hello.running where broker.workers[identity]?.running.contains(claim.id) == true {
                    guard before[claim.id]?.lease == claim.lease else {
                        problems.append("\(hex(identity)) took \(claim.id) with \(claim.lease), not its lease \(String(describing: before[claim.id]))")
                        continue
                    }
                    holders[claim.id] = Holder(identity: identity, lease: claim.lease)
                }
                return
            }
            apply(broker.receive(message, from: identity, now: now), sender: identity, message: message, before: before)
        }

        mutating func apply(_ actions: [BrokerAction], sender: Data?, message: BusMessage?, before: [String: Holder]) {
            for action in actions {
                switch action {
                case .send(let to, .job(let job)):
                    holders[job.id] = Holder(identity: to, lease: job.lease)
                    if let index = honest.firstIndex(where: { $0.identity == to }) {
                        // As WorkerClient: a job it still runs takes the new lease.
                        honest[index].jobs[job.id] = (job.lease, honest[index].jobs[job.id]?.left ?? 1 + Int(job.attempt % 3))
                    } else {
                        hostileLeases.append(HeldJob(id: job.id, lease: job.lease))
                    }
                case .send(let to, .cancel(let jobID)):
                    if let index = honest.firstIndex(where: { $0.identity == to }), honest[index].jobs[jobID] != nil {
                        // A cancelled job ends at once with a result under its lease.
                        honest[index].jobs[jobID]!.left = 0
                    }
                case .send(let to, .ack(let jobID)):
                    if let index = honest.firstIndex(where: { $0.identity == to }) {
                        honest[index].unacknowledged.removeAll { $0.id == jobID }
                    }
                case .completed(let jobID, _, _, let peer):
                    if let first = completed[jobID] {
                        problems.append("\(jobID) completed twice (by \(hex(first)) and \(hex(peer)))")
                    }
                    completed[jobID] = peer
                    guard case .result(let id, let lease, _)? = message, id == jobID, sender == peer else {
                        problems.append("\(jobID) completed without a result from \(hex(peer))")
                        continue
                    }
                    let holder = before[jobID]
                    if holder != Holder(identity: peer, lease: lease) {
                        problems.append("\(jobID) completed by \(hex(peer)) under \(lease), but its live lease was \(String(describing: holder))")
                    }
                    holders[jobID] = nil
                case .abandoned(let jobID, let reason):
                    problems.append("\(jobID) abandoned: \(reason)")
                default:
                    break
                }
            }
            for (identity, worker) in broker.workers where worker.running.count + worker.stale.count > worker.capabilities.slots
                || !(0...worker.capabilities.slots).contains(worker.credit) {
                problems.append("\(hex(identity)) holds \(worker.running.count)+\(worker.stale.count) jobs in \(worker.capabilities.slots) slots")
            }
        }

        func hex(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }
    }

    static func hello(_ kind: WorkerKind, slots: Int, running: [HeldJob] = []) -> BusMessage {
        .hello(Hello(kind: kind, name: "w", host: "h", capabilities: WorkerCapabilities(slots: slots), running: running))
    }

    /// One honest worker's turn.
    static func step(honest index: Int, in model: inout Model, random: inout Random, chaos: Bool) {
        var worker = model.honest[index]
        if chaos, Int.random(in: 0..<40, using: &random) == 0 {
            worker.silent.toggle()
            model.honest[index] = worker
            if !worker.silent { reconnect(honest: index, in: &model) }
            return
        }
        guard !worker.silent else { return }
        model.deliver(.heartbeat, from: worker.identity)
        for jobID in model.honest[index].jobs.keys.sorted() {
            // Read afresh: a result may bring a new hand-out of a job it runs.
            guard let job = model.honest[index].jobs[jobID] else { continue }
            if job.left > 0 {
                model.honest[index].jobs[jobID]!.left -= 1
                continue
            }
            model.honest[index].jobs[jobID] = nil
            model.honest[index].unacknowledged.append(HeldJob(id: jobID, lease: job.lease))
            model.deliver(.result(jobID: jobID, lease: job.lease, payload: Data()), from: model.honest[index].identity)
        }
    }

    /// An honest worker back on a new connection: it claims what it runs
    /// and holds, then resends the results not yet acknowledged.
    static func reconnect(honest index: Int, in model: inout Model) {
        model.honest[index].silent = false
        model.honest[index].session += 1
        model.honest[index].identity = Data("h\(index).\(model.honest[index].session)".utf8)
        let worker = model.honest[index]
        let claims = worker.jobs.map { HeldJob(id: $0.key, lease: $0.value.lease) } + worker.unacknowledged
        let running = Array(Array(Set(claims)).sorted { $0.id < $1.id }.prefix(worker.slots))
        model.deliver(hello(worker.kind, slots: worker.slots, running: running), from: worker.identity)
        for held in model.honest[index].unacknowledged {
            model.deliver(.result(jobID: held.id, lease: held.lease, payload: Data()), from: worker.identity)
        }
    }

    /// One hostile message.
    static func attack(in model: inout Model, random: inout Random) {
        let peer = model.hostile.randomElement(using: &random)!
        let known = model.submitted.randomElement(using: &random) ?? "j0"
        let lease = Bool.random(using: &random)
            ? String(format: "%032llx", random.next() as UInt64) : model.hostileLeases.randomElement(using: &random)?.lease ?? "x"
        let slots = [1, 2, 1024].randomElement(using: &random)!
        let message: BusMessage = switch Int.random(in: 0..<9, using: &random) {
        case 0: hello(.allCases.randomElement(using: &random)!, slots: slots,
                      running: (0..<min(slots, 4)).map { _ in HeldJob(id: model.submitted.randomElement(using: &random) ?? "j0", lease: lease) })
        case 1: .ready(credit: Int.random(in: 1...1024, using: &random))
        case 2, 3: .result(jobID: known, lease: lease, payload: Data("forged".utf8))
        case 4: model.hostileLeases.randomElement(using: &random).map { .result(jobID: $0.id, lease: $0.lease, payload: Data("replay".utf8)) }
            ?? .heartbeat
        case 5: .progress(jobID: known, lease: lease, message: "x")
        case 6: .bye(reason: "x", retry: Bool.random(using: &random))
        case 7: .heartbeat
        default: [.ack(jobID: known), .cancel(jobID: known), .drain, .welcome(Welcome(workerID: "w", heartbeatMilliseconds: 1))]
            .randomElement(using: &random)!
        }
        model.deliver(message, from: peer)
        if Bool.random(using: &random) { model.deliver(message, from: peer) }  // duplicated
    }

    static func run(seed: UInt64) -> [String] {
        var random = Random(state: seed)
        var config = BrokerConfig()
        config.maxAttempts = 1000
        config.reclaimWindow = [0, 2, 5].randomElement(using: &random)!
        var model = Model(
            broker: BrokerCore(config: config),
            honest: [(WorkerKind.gpu, 1), (.gpu, 3), (.llm, 2)].enumerated().map { index, spec in
                Honest(kind: spec.0, slots: spec.1, identity: Data("h\(index).0".utf8))
            },
            hostile: (0..<3).map { Data("x\($0)".utf8) })
        for worker in model.honest { model.deliver(hello(worker.kind, slots: worker.slots), from: worker.identity) }
        var nextJob = 0
        for phase in 0..<2 {
            let chaos = phase == 0
            for _ in 0..<(chaos ? 300 : 600) {
                model.now += 0.25
                if chaos, nextJob < 40, Int.random(in: 0..<4, using: &random) == 0 {
                    let id = "j\(nextJob)"
                    nextJob += 1
                    model.submitted.append(id)
                    let deadline: Double? = Bool.random(using: &random) ? Double(Int.random(in: 2...8, using: &random)) : nil
                    model.apply(model.broker.submit(id: id, kind: Bool.random(using: &random) ? .gpu : .llm, payload: Data(),
                                                    deadline: deadline, now: model.now), sender: nil, message: nil, before: model.holders)
                }
                if chaos, Int.random(in: 0..<2, using: &random) == 0 { attack(in: &model, random: &random) }
                if !chaos {
                    for index in model.honest.indices where model.honest[index].silent { reconnect(honest: index, in: &model) }
                }
                for index in model.honest.indices { step(honest: index, in: &model, random: &random, chaos: chaos) }
                model.apply(model.broker.tick(now: model.now), sender: nil, message: nil, before: model.holders)
            }
        }
        let unfinished = model.submitted.filter { model.completed[$0] == nil }
        if !unfinished.isEmpty {
            model.problems.append("never completed once the attacks stopped: \(unfinished) (queued gpu \(model.broker.queued(.gpu)), llm \(model.broker.queued(.llm)))")
        }
        return model.problems
    }

    @Test(arguments: 0..<120)
    func invariantsHoldUnderHonestAndHostilePeers(seed: Int) {
        let problems = Self.run(seed: UInt64(seed) &* 7919 &+ 17)
        #expect(problems.isEmpty, "seed \(seed): \(problems.prefix(5))")
    }
}
