import ArgumentParser
import Foundation
import GEBus
import GECLI
import Logging
import GETraining

@main
struct GPUWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ge-gpu-worker",
        abstract: "Screen and train model variants on one GPU (or the CPU) for the daemon.",
        discussion: """
            Run one per GPU. For each job it copies the seed folder into a fresh job directory, writes \
            the variant as the seed's genome file, runs the seed's screen command and then its train \
            command (each as its own process group, killed whole at its time limit), and returns the \
            objectives from the seed's result file, or the failure with the end of the log.

            Generated code runs inside bubblewrap: its own PID namespace (nothing it starts outlives \
            the job), no network, no capabilities (a root worker's jobs run as nobody), an empty \
            environment plus an allow-list (PATH, HOME, LANG, CUDA_VISIBLE_DEVICES and what the seed \
            names), only this worker's GPU device nodes, a private size-limited /tmp and /dev/shm, the \
            system and Python read-only, and its job directory as the only writable path; limits on \
            processes, CPU time, file size, the job folder's size and (CPU jobs) memory. Without \
            bubblewrap the worker refuses to start; --sandbox none runs generated code unsandboxed, \
            says so at every job, and tells the daemon (gectl workers shows it).

            Progress: a line `GE-PROGRESS <text>` printed by a seed's command is forwarded to the \
            daemon.
            """
    )

    enum SandboxChoice: String, ExpressibleByArgument, CaseIterable {
        /// Bubblewrap, required: `auto` and `bwrap` both refuse to start without it.
        case auto, bwrap, none
    }

    @OptionGroup var connection: WorkerConnectionOptions

    @Option(help: "The GPU to use (sets CUDA_VISIBLE_DEVICES); the seed's {device} is then `cuda`.")
    var gpu: Int?

    @Option(help: ArgumentHelp("`cpu` for machines without a GPU.", valueName: "cpu"))
    var device: String?

    @Option(help: "Jobs at once on this device.")
    var slots = 1

    @Option(help: "Folder holding the seed folders (each with a seed.toml).")
    var seeds = "sota"

    @Option(help: "Where job directories are made (default: a folder under the system's temporary directory).")
    var workDir: String?

    @Option(help: "Run generated code in bubblewrap (auto, bwrap: the worker refuses to start without it) or none (unsandboxed).")
    var sandbox: SandboxChoice = .auto

    @Option(help: "Failed job directories kept for inspection.")
    var keepFailed = 20

    @Option(help: "Total size of the kept failed job directories, in MB.")
    var keepFailedMb = 2048

    @Option(help: "The most memory (address space, CPU jobs) a job may use, in MB; lowers the seed's limit.")
    var memoryLimitMb: Int?

    @Option(help: "The most a job folder may hold, in MB; lowers the seed's limit.")
    var diskLimitMb = 16_384

    @Option(help: "The most processes and threads a job may run; lowers the seed's limit.")
    var processLimit = 4096

    func validate() throws {
        if connection.keyGeneration.generateKeys != nil { return }
        guard (gpu == nil) != (device == nil) else {
            throw ValidationError("give either --gpu N or --device cpu")
        }
        if let device, device != "cpu" { throw ValidationError("--device takes only `cpu`; use --gpu N for a GPU") }
        if let gpu, gpu < 0 { throw ValidationError("--gpu must be a GPU index (0, 1, ...)") }
        guard slots >= 1 else { throw ValidationError("--slots must be at least 1") }
        guard keepFailed >= 0 else { throw ValidationError("--keep-failed must not be negative") }
        for (name, value) in [("--keep-failed-mb", keepFailedMb), ("--disk-limit-mb", diskLimitMb),
                              ("--process-limit", processLimit), ("--memory-limit-mb", memoryLimitMb ?? 1)]
        where !(1...(1 << 30)).contains(value) {
            throw ValidationError("\(name) must be a positive number, got \(value)")
        }
    }

    /// The process's log (standard error, see `StandardErrorLogHandler`).
    var logger: Logger { Logger(label: "ge-gpu-worker") }

    func run() throws {
        StandardErrorLogHandler.bootstrap()
        if try connection.generateKeysIfAsked() { return }
        guard FileManager.default.fileExists(atPath: seeds) else {
            throw ValidationError("the seeds folder \(seeds) does not exist; pass --seeds DIR")
        }
        if !JobLimits.available {
            logger.line("warning: prlimit (util-linux) is not installed: jobs run without resource limits")
        }
        let policy = SandboxPolicy.standard(gpu: gpu)
        let chosen = try chooseSandbox(policy: policy)
        let root = workDir ?? FileManager.default.temporaryDirectory.appendingPathComponent(
            "ge-gpu-worker-\(gpu.map(String.init) ?? "cpu")-\(getpid())").path
        var settings = TrainingJobExecutor.Settings(
            seeds: URL(fileURLWithPath: seeds).standardizedFileURL.path, workRoot: root,
            device: gpu == nil ? "cpu" : "cuda", sandbox: chosen, policy: policy)
        settings.workerEnvironment = ProcessInfo.processInfo.environment
        settings.keepFailed = keepFailed
        settings.keepFailedBytes = keepFailedMb << 20
        settings.maximumMemoryMB = memoryLimitMb
        settings.maximumDiskMB = diskLimitMb
        settings.maximumProcesses = processLimit
        let card = gpu.flatMap { GPUInfo.query(index: $0) }
        let config = try connection.workerConfig(
            kind: .gpu, defaultName: gpu.map { "gpu\($0)" } ?? "cpu",
            capabilities: WorkerCapabilities(
                slots: slots, gpuName: card?.name, gpuMemoryMiB: card?.memoryMiB, sandboxed: chosen != .none))
        let client = try WorkerClient(
            context: ZMQContext(), config: config, executor: TrainingJobExecutor(settings: settings, log: logger.line),
            log: logger.line)
        let control = client.control
        let signals = TerminationSignals { _ in control.stop() }
        logger.line(
            "ge-gpu-worker \(config.hello.name): \(card?.name ?? settings.device), \(slots) slot(s), jobs in \(root), connecting to \(connection.connect)")
        logger.line("job memory: " + memoryLimitDescription)
        try client.run()
        withExtendedLifetime(signals) {}
    }

    /// How the jobs' memory is limited, for the start-up log: the fallback
    /// says so, since per-job cgroups are not used yet.
    var memoryLimitDescription: String {
        let limit = memoryLimitMb.map { "at most \($0) MB, less if a seed asks" } ?? "the limit each seed's [limits] memory_mb sets (none if unset)"
        guard gpu == nil else {
            return "not limited: GPU jobs cannot take an address-space limit (CUDA reserves far more than it uses) and per-job cgroups are not used yet; set MemoryMax= on the unit"
        }
        return "RLIMIT_AS, \(limit) (a fallback: per-job cgroups are not used yet)"
    }

    func chooseSandbox(policy: SandboxPolicy) throws -> Sandbox {
        switch sandbox {
        case .none:
            logger.line(
                "warning: --sandbox none: generated code runs unsandboxed, with network access and this user's files")
            return .none
        case .bwrap, .auto:
            guard let found = Sandbox.detect(policy: policy) else {
                throw ValidationError("""
                    bubblewrap (bwrap) is not installed or cannot start a sandbox here, and generated code \
                    does not run unsandboxed by default: install it (apt install bubblewrap), or pass \
                    --sandbox none to run it unsandboxed at your own risk
                    """)
            }
            return found
        }
    }
}
