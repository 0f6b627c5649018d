import ArgumentParser
import Foundation
import GEBus
import Synchronization

/// `gebench bus`: job round trips through a broker and workers over TCP.
struct BusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bus",
        abstract: "Measure job round trips per second and per-job latency through the broker and workers.",
        discussion: """
            Starts a broker on tcp://127.0.0.1 and worker clients (threads of this process, each with its \
            own DEALER socket over TCP) whose jobs do nothing. First sends jobs one at a time to measure \
            the latency a round trip adds, then keeps --window jobs in flight to measure throughput. \
            Prints one JSON object.
            """
    )

    @Option(help: "Worker clients.")
    var workers = 4

    @Option(help: "Slots (jobs at once) per worker.")
    var slots = 64

    @Option(help: "Jobs for the throughput run.")
    var jobs = 50_000

    @Option(help: "Jobs kept in flight during the throughput run.")
    var window = 512

    @Option(help: "Jobs sent one at a time for the latency run.")
    var latencyJobs = 2_000

    func validate() throws {
        guard workers >= 1, slots >= 1, jobs >= 1, window >= 1, latencyJobs >= 1 else {
            throw ValidationError("every count must be at least 1")
        }
    }

    func run() throws {
        let context = try ZMQContext()
        var config = BrokerConfig()
        config.heartbeatInterval = 1
        let server = try BrokerServer(context: context, endpoint: "tcp://127.0.0.1:*", config: config)
        let clients = try (0..<workers).map { index in
            try WorkerClient(
                context: context,
                config: WorkerConfig(
                    endpoint: server.endpoint,
                    hello: Hello(kind: .gpu, name: "bench\(index)", host: "localhost", capabilities: WorkerCapabilities(slots: slots))),
                executor: NoOpExecutor())
        }
        let controls = clients.map(\.control)
        let threads = clients.map { client in
            let box = ThreadHandoff(client)
            let thread = Thread { try? box.take().run() }
            thread.start()
            return thread
        }
        _ = threads
        while server.core.workers.count < workers { _ = try server.poll(timeoutMilliseconds: 10) }

        var latencies: [Double] = []
        for index in 0..<latencyJobs {
            let start = ContinuousClock.now
            _ = server.submit(id: "l\(index)", kind: .gpu, payload: Data())
            var done = false
            while !done {
                done = acknowledge(try server.poll(timeoutMilliseconds: 100), on: server) > 0
            }
            latencies.append((ContinuousClock.now - start).inSeconds)
        }
        latencies.sort()

        let start = ContinuousClock.now
        var submitted = 0, completed = 0
        while completed < jobs {
            while submitted < jobs, submitted - completed < window {
                _ = server.submit(id: "t\(submitted)", kind: .gpu, payload: Data())
                submitted += 1
            }
            completed += acknowledge(try server.poll(timeoutMilliseconds: 100), on: server)
        }
        let elapsed = (ContinuousClock.now - start).inSeconds
        controls.forEach { $0.stop() }
        let output: [String: Any] = [
            "workers": workers, "jobs": jobs, "window": window,
            "round_trips_per_second": Double(jobs) / elapsed,
            "latency_median_ms": latencies[latencies.count / 2] * 1000,
            "latency_p99_ms": latencies[min(latencies.count - 1, latencies.count * 99 / 100)] * 1000,
        ]
        let data = try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
        Thread.sleep(forTimeInterval: 0.2)
    }

    /// Acknowledges completed jobs, as the daemon does once it stored them;
    /// returns how many completed.
    func acknowledge(_ actions: [BrokerAction], on server: BrokerServer) -> Int {
        var count = 0
        for case .completed(let id, _, _, let peer) in actions {
            server.acknowledge(jobID: id, peer: peer)
            count += 1
        }
        return count
    }
}

/// A job that does nothing: the benchmark measures the bus alone.
private struct NoOpExecutor: JobExecutor {
    func execute(_ job: JobAssignment, progress: @escaping @Sendable (String) -> Void) -> Data { Data() }
    func cancel(jobID: String) {}
}
