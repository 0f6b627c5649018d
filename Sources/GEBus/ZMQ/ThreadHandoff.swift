/// Moves a value that is not `Sendable` — a socket, a worker client — from
/// the thread that made it to the one thread that will own it. The maker
/// must not touch it again; `take()` is called once, on the new thread.
public final class ThreadHandoff<Value>: @unchecked Sendable {
    private var value: Value?

    public init(_ value: Value) {
        self.value = value
    }

    public func take() -> Value {
        defer { value = nil }
        return value!
    }
}
