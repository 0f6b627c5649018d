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
    /// GPU workers: whether generated code runs sandboxed (`false`: `--sandbox none`).
    public var sandboxed: Bool?
    /// LLM workers: the provider and the model it serves, e.g. `openai:gpt-4o-mini`.
    public var model: String?

    public init(
        id: String, name: String, kind: String, host: String, gpu: String?, slots: Int, running: Int, draining: Bool,
        secondsSinceHeard: Double, sandboxed: Bool? = nil, model: String? = nil
    ) {
        self.model = model
        self.id = id
        self.name = name
        self.kind = kind
        self.host = host
        self.gpu = gpu
        self.slots = slots
        self.running = running
        self.draining = draining
        self.secondsSinceHeard = secondsSinceHeard
        self.sandboxed = sandboxed
    }
}
