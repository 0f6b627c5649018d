import ArgumentParser
import Foundation
import GECore
import GEService

/// `gebench fidelity`: GPU time to a good front with and without fidelity
/// rungs, on a synthetic landscape, with the real engine.
struct FidelityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fidelity",
        abstract: "GPU-seconds to reach 95% of a full-fidelity run's final hypervolume, with and without fidelity rungs.",
        discussion: """
            Drives the real engine (GECore) on a synthetic landscape (see FidelityLandscape): each variant is a \
            point in [0, 1]², the fake LLM perturbs its parents, and a job at a rung costs that rung's epochs in \
            GPU-seconds on one of --workers simulated GPUs. Lower rungs report accuracy lower and noisier, with \
            Spearman ρ between adjacent rungs. For each ρ and repetition: a run without rungs spends --budget \
            evaluations at full fidelity; its final hypervolume (of every full-fidelity result, reference \
            accuracy 0 and 4M parameters) sets the target, 95% of it. A run with rungs, same seeds, gets the \
            same GPU-seconds. Reported: the GPU-seconds each needed to reach the target, their ratio \
            (without / with; above 1 means rungs pay), and each run's final hypervolume. Prints one JSON object.
            """
    )

    @Option(help: "Epochs of each rung, lowest first.") var rungs = "1,4,12"
    @Option(help: "Promotion ratio η.") var eta = 3
    @Option(help: "Spearman ρ between adjacent rungs; one comparison per value.") var rho = "0.3,0.5,0.7,0.9"
    @Option(help: "Repetitions per ρ (run seeds 1…N).") var repetitions = 10
    @Option(help: "Evaluations of the run without rungs.") var budget = 300
    @Option(help: "Simulated GPU workers.") var workers = 8
    @Option(help: "Population size μ (and initial population).") var population = 32
    @Option(help: "Folder of prompt templates.") var prompts = "prompts"

    func validate() throws {
        let epochs = try parsedRungs()
        guard (2...EngineConfig.maxRungs).contains(epochs.count), zip(epochs, epochs.dropFirst()).allSatisfy({ $0 < $1 }),
              epochs[0] >= 1
        else {
            throw ValidationError("--rungs must list 2 to \(EngineConfig.maxRungs) increasing epoch counts, e.g. 1,4,12")
        }
        guard (2...100).contains(eta) else { throw ValidationError("--eta must be 2…100") }
        guard try parsedRho().allSatisfy({ $0 > 0 && $0 < 1 }) else { throw ValidationError("--rho values must lie strictly between 0 and 1") }
        guard (1...1000).contains(repetitions) else { throw ValidationError("--repetitions must be 1…1000") }
        guard (population + 2...1_000_000).contains(budget) else { throw ValidationError("--budget must be at least --population + 2") }
        guard (1...10_000).contains(workers), (2...10_000).contains(population) else {
            throw ValidationError("--workers must be 1…10000 and --population 2…10000")
        }
    }

    func parsedRungs() throws -> [Int] {
        try numbers(rungs, "--rungs").map { value in
            guard let whole = Int(exactly: value) else { throw ValidationError("--rungs takes whole epochs, got \(value)") }
            return whole
        }
    }

    func parsedRho() throws -> [Double] { try numbers(rho, "--rho") }

    func numbers(_ text: String, _ option: String) throws -> [Double] {
        try text.split(separator: ",").map { part in
            guard let value = Double(part.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                throw ValidationError("\(option) takes comma-separated numbers, got \(text)")
            }
            return value
        }
    }

    func run() throws {
        let library = try PromptLibrary(files: PromptFiles.read(directory: prompts))
        let epochs = try parsedRungs()
        var results: [[String: Any]] = []
        for rankCorrelation in try parsedRho() {
            let landscape = FidelityLandscape(rankCorrelation: rankCorrelation, rungs: epochs.count)
            var repetitionsOut: [[String: Any]] = []
            var ratios: [Double] = []
            for repetition in 1...repetitions {
                let seed = UInt64(repetition)
                var simulation = FidelitySimulation(
                    landscape: landscape, epochs: epochs, workers: workers, library: library, seed: seed)
                let full = try simulation.run(config: config(evaluations: budget, fidelity: nil, gpuSeconds: nil))
                let target = 0.95 * full.finalHypervolume
                let laddered = try simulation.run(config: config(
                    evaluations: 100_000_000, fidelity: EngineConfig.Fidelity(rungs: epochs.count, eta: eta),
                    gpuSeconds: full.gpuSeconds))
                let fullCost = full.gpuSeconds(toReach: target)!
                let ladderCost = laddered.gpuSeconds(toReach: target)
                let ratio = ladderCost.map { fullCost / $0 } ?? 0
                ratios.append(ratio)
                repetitionsOut.append([
                    "seed": repetition, "target_hypervolume": target,
                    "without_rungs": ["gpu_seconds_to_target": fullCost, "gpu_seconds": full.gpuSeconds,
                                      "evaluations": full.evaluations, "final_hypervolume": full.finalHypervolume],
                    "with_rungs": ["gpu_seconds_to_target": ladderCost.map { $0 as Any } ?? NSNull(), "gpu_seconds": laddered.gpuSeconds,
                                   "evaluations": laddered.evaluations, "final_hypervolume": laddered.finalHypervolume,
                                   "evaluations_per_rung": laddered.evaluationsPerRung],
                    "ratio": ratio,
                ])
            }
            results.append([
                "rho": rankCorrelation, "measured_rho": landscape.measuredRankCorrelations(rungs: epochs.count),
                "median_ratio": median(ratios), "reached": ratios.count { $0 > 0 }, "repetitions": repetitionsOut,
            ])
        }
        let output: [String: Any] = [
            "rungs": epochs, "eta": eta, "budget": budget, "workers": workers, "population": population, "results": results,
        ]
        let data = try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    func config(evaluations: Int, fidelity: EngineConfig.Fidelity?, gpuSeconds: Double?) -> EngineConfig {
        var config = EngineConfig()
        config.evaluationBudget = evaluations
        config.populationSize = population
        config.initialPopulation = population
        config.elites = population
        config.fidelity = fidelity
        config.maxTrainingHours = gpuSeconds.map { $0 / 3600 }
        return config
    }

    func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
