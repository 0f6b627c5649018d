import ArgumentParser
import Foundation
import GEBus
import GECLI
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

            Generated code runs inside bubblewrap when `bwrap` is installed: no network, and it can \
            write only its job directory and a private /tmp. Without bubblewrap the worker warns once \
            that it runs generated code unsandboxed.

            Progress: a line `GE-PROGRESS <text>` printed by a seed's command is forwarded to the \
            daemon.
            """
    )

    enum SandboxChoice: String, ExpressibleByArgument, CaseIterable {
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

    @Option(help: "Run generated code in bubblewrap: auto (if installed), bwrap (required) or none.")
    var sandbox: SandboxChoice = .auto

    @Option(help: "Failed job directories kept for inspection.")
    var keepFailed = 20

    func validate() throws {
        guard (gpu == nil) != (device == nil) else {
            throw ValidationError("give either --gpu N or --device cpu")
        }
        if let device, device != "cpu" { throw ValidationError("--device takes only `cpu`; use --gpu N for a GPU") }
        if let gpu, gpu < 0 { throw ValidationError("--gpu must be a GPU index (0, 1, ...)") }
        guard slots >= 1 else { throw ValidationError("--slots must be at least 1") }
        guard keepFailed >= 0 else { throw ValidationError("--keep-failed must not be negative") }
    }

    func run() throws {
        if try connection.generateKeysIfAsked() { return }
        guard FileManager.default.fileExists(atPath: seeds) else {
            throw ValidationError("the seeds folder \(seeds) does not exist; pass --seeds DIR")
        }
        let chosen = try chooseSandbox()
        var environment = ProcessInfo.processInfo.environment
        environment["CUDA_VISIBLE_DEVICES"] = gpu.map(String.init) ?? ""
        environment["PYTHONUNBUFFERED"] = "1"
        let root = workDir ?? FileManager.default.temporaryDirectory.appendingPathComponent(
            "ge-gpu-worker-\(gpu.map(String.init) ?? "cpu")-\(getpid())").path
        var settings = TrainingJobExecutor.Settings(
            seeds: URL(fileURLWithPath: seeds).standardizedFileURL.path, workRoot: root,
            device: gpu == nil ? "cpu" : "cuda", environment: environment, sandbox: chosen)
        settings.keepFailed = keepFailed
        let card = gpu.flatMap { GPUInfo.query(index: $0) }
        let config = try connection.workerConfig(
            kind: .gpu, defaultName: gpu.map { "gpu\($0)" } ?? "cpu",
            capabilities: WorkerCapabilities(slots: slots, gpuName: card?.name, gpuMemoryMiB: card?.memoryMiB))
        let client = try WorkerClient(
            context: ZMQContext(), config: config, executor: TrainingJobExecutor(settings: settings),
            log: StandardErrorLog.line)
        let control = client.control
        let signals = TerminationSignals { _ in control.stop() }
        StandardErrorLog.line(
            "ge-gpu-worker \(config.hello.name): \(card?.name ?? settings.device), \(slots) slot(s), jobs in \(root), connecting to \(connection.connect)")
        try client.run()
        withExtendedLifetime(signals) {}
    }

    func chooseSandbox() throws -> Sandbox {
        switch sandbox {
        case .none:
            StandardErrorLog.line("warning: --sandbox none: generated code runs unsandboxed, with network access")
            return .none
        case .bwrap, .auto:
            let found = Sandbox.detect()
            if found == .none {
                if sandbox == .bwrap {
                    throw ValidationError("--sandbox bwrap: bubblewrap is not installed or does not work here (apt install bubblewrap)")
                }
                StandardErrorLog.line(
                    "warning: bubblewrap (bwrap) not found or not working: generated code runs unsandboxed, with network access and this user's file permissions")
            }
            return found
        }
    }
}
