import Foundation
import GEProtocol
import GEService
import Hummingbird

/// ged's HTTP side (`http.listen`): the dashboard, its JSON and SVG, and
/// `/metrics`. It runs on its own threads and reads only the snapshots the
/// reactor publishes (`DashboardFeed`), so a slow client never stalls
/// evolution.
public struct DashboardServer: Sendable {
    let host: String
    let port: Int
    let feed: DashboardFeed
    let metrics = RunMetrics()

    public init(host: String, port: Int, feed: DashboardFeed) {
        self.host = host
        self.port = port
        self.feed = feed
    }

    /// Serves in the background; errors (the port taken) go to `log`.
    public func start(log: @escaping @Sendable (String) -> Void) {
        let application = Application(
            router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "ged"))
        Task.detached {
            do {
                // ged handles its own signals.
                try await application.runService(gracefulShutdownSignals: [])
            } catch {
                log("the dashboard at http://\(host):\(port) stopped: \(error)")
            }
        }
        log("dashboard at http://\(host):\(port)/ (metrics at /metrics)")
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/") { _, _ in Self.response(DashboardPages.run, type: "text/html; charset=utf-8") }
        router.get("/individual") { _, _ in Self.response(DashboardPages.individual, type: "text/html; charset=utf-8") }
        router.get("/metrics") { _, _ in
            try Self.response(metrics.text(for: snapshot()), type: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/api/status") { _, _ in try Self.json(snapshot().status) }
        router.get("/api/workers") { _, _ in try Self.json(snapshot().workers) }
        router.get("/api/models") { _, _ in try Self.json(snapshot().reports.models()) }
        router.get("/api/front.svg") { _, _ in
            let current = try snapshot()
            let individuals = current.reports.engine.individuals.map { current.reports.report($0.id) }
            let svg = FrontPlot(individuals: individuals, objectives: current.reports.objectives, links: true).svg()
            return Self.response(svg, type: "image/svg+xml")
        }
        router.get("/api/individuals/:id") { _, context in
            guard let id = context.parameters.get("id", as: Int.self) else {
                return Self.response("an individual id is a number", type: "text/plain", status: .badRequest)
            }
            guard let reply = try snapshot().reports.answer(.show(id)), reply.ok, let body = reply.body else {
                return Self.response("no individual \(id) in this run", type: "text/plain", status: .notFound)
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        return router
    }

    func snapshot() throws -> DashboardSnapshot {
        guard let snapshot = feed.snapshot else { throw HTTPError(.serviceUnavailable, message: "ged is starting") }
        return snapshot
    }

    static func response(_ text: String, type: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: type, .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json<T: Encodable>(_ value: T) throws -> Response {
        let data = try JSONEncoder().encode(value)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
