import ArgumentParser
import Foundation
import GEBus
import GEProtocol
import GEService

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "The run: evaluations, best per objective, hypervolume, workers, queue.")
    @OptionGroup var options: ControlOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reporting {
            let data = try options.request(.status)
            if json { return printJSON(data) }
            let status = try JSONDecoder().decode(StatusReport.self, from: data)
            print("run:         \(status.seed), \(status.mode.rawValue) mode" + (status.preset.map { " (preset \($0))" } ?? "")
                + ", \(status.state.rawValue)" + (status.stopReason.map { " (\($0))" } ?? ""))
            print("evaluations: \(status.evaluations) of \(status.budget), generation \(status.generation)"
                + (status.maxGenerations.map { " of \($0)" } ?? ""))
            for best in status.best {
                print("best \(best.objective): \(formatted(best.value)) (#\(best.individual))")
            }
            if let seconds = status.trainingSeconds, seconds > 0 || status.maxTrainingHours != nil {
                print("training:    \(formatted(seconds / 3600)) GPU hours" + (status.maxTrainingHours.map { " of \(formatted($0))" } ?? ""))
            }
            if let cost = status.llmCost, cost > 0 || status.maxLLMCost != nil {
                let currency = status.currency ?? ""
                print("llm cost:    \(formatted(cost)) \(currency)" + (status.maxLLMCost.map { " of \(formatted($0)) \(currency)" } ?? "")
                    + " (gectl models)")
            }
            if let epochs = status.rungEpochs, let scored = status.scoredPerRung {
                print("rungs:       " + zip(epochs, scored).map { "\($0) epochs: \($1) scored" }.joined(separator: ", "))
            }
            if let hypervolume = status.hypervolume { print("hypervolume: \(formatted(hypervolume)) (against a point just worse than the worst values seen)") }
            print("workers:     \(status.workersBusy) busy, \(status.workersIdle) idle")
            print("queue:       \(status.queuedLLM) LLM, \(status.queuedGPU) GPU jobs waiting")
            if let waiting = status.llmWaiting { print("llm:         \(waiting)") }
            if status.repairs.attempted > 0 {
                print("repairs:     \(status.repairs.attempted) failed children given a repair attempt, \(status.repairs.scored) of them scored")
            }
            if status.evolvedTemplates > 0 { print("templates:   \(status.evolvedTemplates) evolved (gectl templates)") }
            if !status.failures.isEmpty {
                let counts = status.failures.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                print("failures:    " + counts.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
        }
    }
}

struct WorkersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "workers", abstract: "The connected workers.")
    @OptionGroup var options: ControlOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reporting {
            let data = try options.request(.workers)
            if json { return printJSON(data) }
            var table = Table("ID", "NAME", "KIND", "HOST", "GPU/MODEL", "SLOTS", "RUNNING", "STATE", "SANDBOX")
            for worker in try JSONDecoder().decode([WorkerReport].self, from: data) {
                table.add(worker.id, worker.name, worker.kind, worker.host, worker.gpu ?? worker.model ?? "-", String(worker.slots),
                          String(worker.running), worker.draining ? "draining" : "active",
                          worker.sandboxed.map { $0 ? "bubblewrap" : "NONE (unsandboxed)" } ?? "-")
            }
            print(table.render())
        }
    }
}

/// A command that lists individuals as a table (or JSON).
protocol ListCommand: ParsableCommand {
    var options: ControlOptions { get }
    var json: Bool { get }
    var request: ControlRequest { get }
}

extension ListCommand {
    func run() throws {
        try reporting {
            let data = try options.request(request)
            if json { return printJSON(data) }
            let individuals = try JSONDecoder().decode([IndividualReport].self, from: data)
            // The rung column only for a run with fidelity rungs.
            let withRungs = individuals.contains { $0.rungs != nil }
            var table = Table(["ID", "OBJECTIVES", "ORIGIN", "PARENTS", "AGE", "TEMPLATE"] + (withRungs ? ["RUNGS"] : []))
            for individual in individuals {
                table.add([
                    String(individual.id), individual.objectives?.map(formatted).joined(separator: ", ") ?? "-",
                    individual.origin, individual.parents.map(String.init).joined(separator: ","),
                    String(individual.age), individual.template ?? "-",
                ] + (withRungs ? [individual.rungs.map(rungHistory) ?? "-"] : []))
            }
            print(table.render())
        }
    }
}

struct PopulationCommand: ListCommand {
    static let configuration = CommandConfiguration(commandName: "population", abstract: "The current population.")
    @OptionGroup var options: ControlOptions
    @Flag(help: "Print JSON.") var json = false
    var request: ControlRequest { .population }
}

struct FrontCommand: ListCommand {
    static let configuration = CommandConfiguration(
        commandName: "front", abstract: "The Pareto front of every individual evaluated in the run.")
    @OptionGroup var options: ControlOptions
    @Flag(help: "Print JSON.") var json = false
    @Option(help: ArgumentHelp(
        "The front as it stood after generation N: of the individuals born up to it.", valueName: "N"))
    var generation: Int?
    var request: ControlRequest { .front(generation: generation) }

    func validate() throws {
        if let generation, generation < 0 { throw ValidationError("--generation must be 0 or more, got \(generation)") }
    }
}

struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "The prompt templates, evolved ones with their parent, and what each produced.",
        discussion: """
            CHILDREN counts LLM answers with code made with the template, SCORED the individuals it \
            helped make that were scored, FRONT those no population member dominated when scored.
            """)
    @OptionGroup var options: ControlOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reporting {
            let data = try options.request(.templates)
            if json { return printJSON(data) }
            var table = Table("ID", "KIND", "PERSONA", "PARENT", "BORN", "CHILDREN", "SCORED", "FRONT")
            for template in try JSONDecoder().decode([TemplateReport].self, from: data) {
                table.add(
                    template.id, template.category.map { "\(template.kind)/\($0)" } ?? template.kind, template.persona,
                    template.parent ?? "-", template.generation.map { "gen \($0)" } ?? "file",
                    String(template.use.children), String(template.use.evaluated), String(template.use.front))
            }
            print(table.render())
        }
    }
}

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "The LLMs of the run: what each was asked, what its answers became, and what it cost.",
        discussion: """
            Listed models come from llm.models; the bandit chooses among those a connected worker serves \
            (SERVED). Others are models workers named while answering requests that named no model. \
            NO-CODE and SYNTAX are shares of REQUESTS; ACCEPTED is the share of settled children (TRIALS) \
            that no population member dominated when scored (with rungs: no child at their first rung) — \
            the bandit's reward. Tokens are as the providers reported them; COST uses the listed prices.
            """)
    @OptionGroup var options: ControlOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reporting {
            let data = try options.request(.models)
            if json { return printJSON(data) }
            let models = try JSONDecoder().decode([ModelReport].self, from: data)
            guard !models.isEmpty else {
                return print("no model yet: list them in llm.models (docs/CONFIGURATION.md), or wait for answers from workers that name theirs")
            }
            var table = Table(
                "MODEL", "LISTED", "SERVED", "REQUESTS", "NO-CODE", "SYNTAX", "TRIALS", "ACCEPTED", "TOKENS IN", "TOKENS OUT", "COST")
            func share(_ rate: Double?) -> String { rate.map { String(format: "%.0f %%", $0 * 100) } ?? "-" }
            for model in models {
                let stats = model.stats
                table.add(
                    model.name, model.listed ? "yes" : "no", model.served ? "yes" : "no", String(stats.requests),
                    share(stats.noCodeRate), share(stats.syntaxFailureRate), String(stats.trials), share(stats.acceptanceRate),
                    String(stats.inputTokens), String(stats.outputTokens), "\(formatted(stats.cost)) \(model.currency)")
            }
            print(table.render())
        }
    }
}

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One individual: how it was made, its diff against its parent, failure, code.")
    @OptionGroup var options: ControlOptions
    @Flag(help: "Print JSON.") var json = false
    @Argument(help: "Individual id.") var id: Int

    func run() throws {
        try reporting {
            let data = try options.request(.show(id))
            if json { return printJSON(data) }
            let detail = try JSONDecoder().decode(IndividualDetail.self, from: data)
            let report = detail.report
            print("#\(report.id): \(report.status), \(report.origin) of \(report.parents.map { "#\($0)" }.joined(separator: ", "))")
            if let values = report.objectives {
                let described = values.enumerated().map { index, value in
                    guard index < detail.objectives.count else { return formatted(value) }
                    let objective = detail.objectives[index]
                    return "\(objective.name) \(formatted(value)) (\(objective.source))"
                }
                print("objectives: " + described.joined(separator: ", "))
            }
            for (rung, values) in (report.rungs ?? []).enumerated() {
                print("rung \(rung): " + values.map(formatted).joined(separator: ", "))
            }
            if let failure = report.failure {
                print("failure: \(failure)")
                if let excerpt = failure.excerpt { print(excerpt.split(separator: "\n", omittingEmptySubsequences: false).map { "  | " + $0 }.joined(separator: "\n")) }
            }
            if let original = report.duplicateOf { print("duplicate: repeats #\(original)") }
            for step in detail.variations { print("made by: \(step)") }
            if let answer = detail.answer, report.failure != nil || report.duplicateOf != nil {
                print("the LLM's answer:")
                print(answer.split(separator: "\n", omittingEmptySubsequences: false).map { "  | " + $0 }.joined(separator: "\n"))
            }
            if let log = detail.logTail, !log.isEmpty, report.failure == nil {
                print("training log (last lines):")
                print(log.split(separator: "\n", omittingEmptySubsequences: false).map { "  | " + $0 }.joined(separator: "\n"))
            }
            if !detail.diff.isEmpty { print("\ndiff against #\(report.parents[0]):\n\(detail.diff)") }
        }
    }
}

struct LineageCommand: ListCommand {
    static let configuration = CommandConfiguration(
        commandName: "lineage", abstract: "An individual and its ancestors back to the seed.")
    @OptionGroup var options: ControlOptions
    @Flag(help: "Print JSON.") var json = false
    @Argument(help: "Individual id.") var id: Int
    var request: ControlRequest { .lineage(id) }
}
