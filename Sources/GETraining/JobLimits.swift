import Foundation

/// Resource limits of one job's commands, applied with `prlimit` around the
/// sandbox (rlimits are inherited through it). Memory by address space is a
/// fallback for CPU jobs; CUDA reserves far more address space than it
/// uses, so GPU jobs leave it unset (a cgroup is the way to cap them).
public struct JobLimits: Sendable, Equatable {
    /// Address space in bytes (RLIMIT_AS); `nil`: unlimited.
    public var memoryBytes: Int?
    /// Processes and threads of the job's user (RLIMIT_NPROC).
    public var processes: Int
    /// CPU seconds (RLIMIT_CPU), beyond which the kernel kills the job.
    public var cpuSeconds: Int
    /// The largest file the job may write (RLIMIT_FSIZE); the job folder's
    /// total is watched separately.
    public var fileBytes: Int

    public init(memoryBytes: Int? = nil, processes: Int = 512, cpuSeconds: Int = 86_400, fileBytes: Int = 8 << 30) {
        self.memoryBytes = memoryBytes
        self.processes = processes
        self.cpuSeconds = cpuSeconds
        self.fileBytes = fileBytes
    }

    static let prlimit = ["/usr/bin/prlimit", "/bin/prlimit"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// `prlimit --... --` (nothing when prlimit is missing: `JobLimits.available`).
    var prlimitArguments: [String] {
        guard let prlimit = Self.prlimit else { return [] }
        var arguments = [prlimit, "--nproc=\(processes)", "--cpu=\(cpuSeconds)", "--fsize=\(fileBytes)", "--core=0"]
        if let memoryBytes { arguments.append("--as=\(memoryBytes)") }
        return arguments + ["--"]
    }

    /// Whether limits can be applied here (util-linux's prlimit is installed).
    public static var available: Bool { prlimit != nil }
}
