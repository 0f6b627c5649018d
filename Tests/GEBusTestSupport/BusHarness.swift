import Foundation
import GEBus
import Synchronization

/// A broker on its own thread, driven from the test through a locked queue.
public final class BrokerHarness: Sendable {
    public enum Command: Sendable {
        case submit(id: String, kind: WorkerKind, payload: Data, lease: String? = nil)
        case drain(workerID: String)
        case cancel(jobID: String)
    }

    public let context: ZMQContext
    public let wakeup: WakeupPipe
    private let commands = Mutex<[Command]>([])
    private let actions = Mutex<[BrokerAction]>([])
    private let stopped = Mutex(false)
    private let endpointBox = Mutex<String?>(nil)
    private let finished = DispatchSemaphore(value: 0)
    private let workerSnapshot = Mutex<[WorkerInfo]>([])

    public init(
        endpoint: String = "tcp://127.0.0.1:*", config: BrokerConfig = BrokerConfig(),
        curve: CurveServerKeys? = nil, context: ZMQContext? = nil
    ) throws {
        self.context = try context ?? ZMQContext()
        self.wakeup = try WakeupPipe()
        let ready = DispatchSemaphore(value: 0)
        let failure = Mutex<String?>(nil)
        let thread = Thread { [self] in
            self.serve(endpoint: endpoint, config: config, curve: curve, ready: ready, failure: failure)
            self.finished.signal()
        }
        thread.start()
        ready.wait()
        if let message = failure.withLock({ $0 }) { throw HarnessError(message: message) }
    }

    public var endpoint: String { endpointBox.withLock { $0! } }

    /// Runs the server until stopped; the server (and its socket) is gone
    /// when this returns.
    private func serve(
        endpoint: String, config: BrokerConfig, curve: CurveServerKeys?, ready: DispatchSemaphore,
        failure: borrowing Mutex<String?>
    ) {
        var server: BrokerServer?
        // A restarted broker may find its port still held for a moment by the
        // socket it replaces, which libzmq closes in the background.
        let deadline = Date().addingTimeInterval(2)
        while server == nil {
            do {
                server = try BrokerServer(context: context, endpoint: endpoint, config: config, curve: curve)
            } catch {
                guard error.code == EADDRINUSE, Date() < deadline else {
                    failure.withLock { $0 = "\(error)" }
                    ready.signal()
                    return
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        let running = server!
        endpointBox.withLock { $0 = running.endpoint }
        ready.signal()
        while !stopped.withLock({ $0 }) {
            var produced: [BrokerAction] = []
            for command in commands.withLock({ list in defer { list.removeAll() }; return list }) {
                switch command {
                case .submit(let id, let kind, let payload, let lease): produced += running.submit(id: id, kind: kind, payload: payload, lease: lease)
                case .drain(let id): produced += running.drain(workerID: id)
                case .cancel(let id): produced += running.cancel(jobID: id)
                }
            }
            produced += (try? running.poll(timeoutMilliseconds: 20, wakeup: wakeup)) ?? []
            actions.withLock { $0 += produced }
            for case .completed(let id, _, _, let peer) in produced { running.acknowledge(jobID: id, peer: peer) }
            workerSnapshot.withLock { $0 = Array(running.core.workers.values) }
        }
    }

    public func send(_ command: Command) {
        commands.withLock { $0.append(command) }
        wakeup.signal()
    }

    public var workers: [WorkerInfo] { workerSnapshot.withLock { $0 } }

    /// Completed job ids, in order.
    /// The lease of each job's latest hand-out.
    public var leases: [String: String] {
        actions.withLock { actions in
            var leases: [String: String] = [:]
            for case .leased(let id, let lease) in actions { leases[id] = lease }
            return leases
        }
    }

    public var completed: [String] {
        actions.withLock { $0.compactMap { if case .completed(let id, _, _, _) = $0 { id } else { nil } } }
    }

    public func completions() -> [(id: String, payload: Data, worker: String)] {
        actions.withLock {
            $0.compactMap { if case .completed(let id, let payload, let worker, _) = $0 { (id, payload, worker) } else { nil } }
        }
    }

    public var allActions: [BrokerAction] { actions.withLock { $0 } }

    public func stop() {
        stopped.withLock { $0 = true }
        wakeup.signal()
        finished.wait()
    }
}

public struct HarnessError: Error, CustomStringConvertible {
    public let message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// The heartbeat interval tests use: long enough that a worker thread starved
/// for a second on a loaded 2-core machine is not declared dead.
public let testHeartbeat = 1.0

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0 and
/// released), so parallel runs do not collide on a guessed number.
public func freePort() -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
        }
    }
    precondition(bound, "cannot bind a TCP socket on 127.0.0.1")
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Waits until `condition` holds, checking every 5 ms; false on timeout.
/// Deadlines are generous: they bound a hang, they do not measure speed.
public func eventually(timeout: Double = 30, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.005)
    }
    return condition()
}

/// An executor that echoes payloads after a delay (none for the payload
/// "quick"), and can be cancelled.
public final class EchoExecutor: JobExecutor {
    public let delay: Double
    public let started = Mutex<[String]>([])
    public let cancelled = Mutex<Set<String>>([])

    public init(delay: Double = 0) {
        self.delay = delay
    }

    public func execute(_ job: JobAssignment, progress: @escaping @Sendable (String) -> Void) -> Data {
        started.withLock { $0.append(job.id) }
        progress("started \(job.id)")
        let deadline = Date().addingTimeInterval(job.payload == Data("quick".utf8) ? 0 : delay)
        while Date() < deadline, !cancelled.withLock({ $0.contains(job.id) }) {
            Thread.sleep(forTimeInterval: 0.002)
        }
        return job.payload
    }

    public func cancel(jobID: String) {
        cancelled.withLock { _ = $0.insert(jobID) }
    }
}

/// A worker client on its own thread.
public final class WorkerHarness: Sendable {
    public let control: WorkerClient.Control
    public let executor: EchoExecutor
    private let outcome = Mutex<String?>(nil)
    private let done = DispatchSemaphore(value: 0)

    public init(
        context: ZMQContext, endpoint: String, kind: WorkerKind = .gpu, name: String, slots: Int = 1,
        delay: Double = 0, curve: CurveClientKeys? = nil, exitWhenDrained: Bool = true
    ) throws {
        executor = EchoExecutor(delay: delay)
        var config = WorkerConfig(
            endpoint: endpoint,
            hello: Hello(kind: kind, name: name, host: "localhost", capabilities: WorkerCapabilities(slots: slots)),
            curve: curve)
        config.heartbeatInterval = testHeartbeat
        config.exitWhenDrained = exitWhenDrained
        let client = try WorkerClient(context: context, config: config, executor: executor)
        control = client.control
        let box = ThreadHandoff(client)
        let thread = Thread { [self] in
            do {
                try box.take().run()
                self.outcome.withLock { $0 = "finished" }
            } catch {
                self.outcome.withLock { $0 = "\(error)" }
            }
            self.done.signal()
        }
        thread.start()
    }

    /// How `run()` ended, once it has.
    public var result: String? { outcome.withLock { $0 } }

    public func stop() {
        control.stop()
        done.wait()
    }

    public func waitUntilFinished(timeout: Double) -> Bool {
        done.wait(timeout: .now() + timeout) == .success
    }
}
