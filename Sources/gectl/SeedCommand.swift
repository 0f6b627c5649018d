import ArgumentParser
import Foundation
import GECore
import GESeed
import GETraining

struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed", abstract: "Work with seed folders (no daemon needed).",
        subcommands: [SeedCheckCommand.self])
}

struct SeedCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a seed: its manifest, its segments, and its screen command run on the seed itself.")

    @Argument(help: "The seed folder (with seed.toml).") var directory: String
    @Flag(help: "Skip running the screen command.") var noScreen = false

    func run() throws {
        let manifest: SeedManifest
        do {
            manifest = try SeedManifest.load(directory: directory)
        } catch {
            throw failure("\(error)")
        }
        let genome = Genome(source: try manifest.genomeSource(), marker: manifest.marker)
        print("seed \(manifest.name): \(manifest.genomeFile), \(genome.mutableSegmentIndices.count) mutable segments")
        guard genome.segments.count > 1 else { throw failure("\(manifest.genomeFile) has no \(manifest.marker) line, so nothing can evolve") }
        for index in genome.mutableSegmentIndices {
            let names = CodeExtractor.definedNames(in: genome.code(ofSegment: index))
            print("  \(index): \(names.isEmpty ? "(no class or function)" : names.joined(separator: ", "))"
                + (genome.note(ofSegment: index) == nil ? "" : "  [note]"))
        }
        let defined = Set(genome.segments.flatMap { CodeExtractor.definedNames(in: $0) })
        let missing = manifest.requiredSymbols.filter { !defined.contains($0) }
        guard missing.isEmpty else { throw failure("required symbols not defined in \(manifest.genomeFile): \(missing.joined(separator: ", "))") }
        print("objectives: " + manifest.objectives.map { "\($0.name) (\($0.key), \($0.maximize ? "maximize" : "minimize"))" }.joined(separator: ", "))
        if noScreen { return }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gectl-seed-check-\(getpid())").path
        let job = try JobDirectory.create(root: root, name: "screen", seed: manifest, source: genome.source)
        defer { job.remove(); try? FileManager.default.removeItem(atPath: root) }
        let command = CommandTemplate.render(
            manifest.screen.template, values: manifest.placeholderValues(output: "ge-screen.json", device: "cpu", epochs: 1))
        // The operator's own check of a seed they trust: their environment, no sandbox.
        let policy = SandboxPolicy(environment: ProcessInfo.processInfo.environment, jobUser: nil)
        let child = try ChildProcess(
            arguments: Sandbox.none.arguments(for: command, in: job.path, policy: policy), directory: job.path,
            log: job.logPath, environment: [:])
        let ending = child.wait(timeout: manifest.screen.timeout)
        guard ending == .exited(0) else {
            let log = job.logTail()
            throw failure(FailureClassifier.reason(ending: ending, log: log, phase: "screen", timeout: manifest.screen.timeout) + "\n" + log)
        }
        let metrics = (try? ResultFile.metrics(at: job.path + "/ge-screen.json")) ?? [:]
        print("screen passed" + (metrics["parameters"].map { ": \(Int($0)) parameters" } ?? ""))
    }

    func failure(_ message: String) -> Error {
        FileHandle.standardError.write(Data("gectl: \(message)\n".utf8))
        return ExitCode(1)
    }
}
