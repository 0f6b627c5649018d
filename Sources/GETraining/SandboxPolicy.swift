import Foundation

/// What a sandboxed command may see and use, beyond its job directory.
public struct SandboxPolicy: Sendable, Equatable {
    /// A user the job runs as.
    public struct User: Sendable, Equatable {
        public var uid: uid_t
        public var gid: gid_t

        public init(uid: uid_t, gid: gid_t) {
            self.uid = uid
            self.gid = gid
        }

        /// `nobody`, the default user of a root worker's jobs.
        public static let nobody = User(uid: 65534, gid: 65534)
    }

    /// Folders visible read-only at their own paths (seeds, the Python
    /// installation, data).
    public var readOnly: [String]
    /// Folders hidden under an empty read-only mount wherever a read-only
    /// folder would show them (a seed's grading labels).
    public var hidden: [String] = []
    /// Device nodes kept (the worker's GPU).
    public var devices: [String]
    /// The job's whole environment.
    public var environment: [String: String]
    /// Size of the private /tmp and of /dev/shm, each.
    public var tmpBytes: Int
    /// Who the job runs as when the worker runs as root (`nil` otherwise: an
    /// unprivileged worker's jobs run as the worker's user, in a user
    /// namespace of their own).
    public var jobUser: User?
    public var limits: JobLimits

    public init(
        readOnly: [String] = [], devices: [String] = [], environment: [String: String] = [:],
        tmpBytes: Int = 1 << 30, jobUser: User? = getuid() == 0 ? .nobody : nil, limits: JobLimits = JobLimits()
    ) {
        self.readOnly = readOnly
        self.devices = devices
        self.environment = environment
        self.tmpBytes = tmpBytes
        self.jobUser = jobUser
        self.limits = limits
    }

    /// The device nodes of NVIDIA GPU `index`: its own node and the shared
    /// control nodes.
    public static func nvidiaDevices(gpu index: Int) -> [String] {
        ["/dev/nvidia\(index)", "/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidia-modeset"]
    }

    /// What a worker's jobs may see: the Python installation the seeds'
    /// commands use (read-only), GPU `gpu`'s device nodes, and an
    /// environment of known variables only.
    public static func standard(gpu: Int?, python: PythonInstallation? = .find()) -> SandboxPolicy {
        var path = ["/usr/local/bin", "/usr/bin", "/bin"]
        if let bin = python?.binDirectory { path.insert(bin, at: 0) }
        let environment = [
            "PATH": path.joined(separator: ":"), "HOME": "/tmp", "LANG": "C.UTF-8", "PYTHONUNBUFFERED": "1",
            // The installation is read-only: no bytecode written into it.
            "PYTHONDONTWRITEBYTECODE": "1",
            "CUDA_VISIBLE_DEVICES": gpu.map(String.init) ?? "",
        ]
        return SandboxPolicy(
            readOnly: python?.folders ?? [], devices: gpu.map(nvidiaDevices(gpu:)) ?? [], environment: environment)
    }
}
