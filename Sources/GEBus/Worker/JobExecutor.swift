import Foundation

/// Runs the jobs a worker receives. Called on worker threads, several jobs
/// at once up to the worker's slots.
public protocol JobExecutor: Sendable {
    /// Runs `job` to the end and returns its result payload (JSON of the job
    /// kind, failures included). `progress` forwards a line to the daemon.
    func execute(_ job: JobAssignment, progress: @escaping @Sendable (String) -> Void) -> Data

    /// Stops a running job early; its `execute` should return soon after.
    func cancel(jobID: String)

    /// The daemon stored the job's result; what was kept for it may go.
    func acknowledged(jobID: String)
}

extension JobExecutor {
    public func acknowledged(jobID: String) {}
}
