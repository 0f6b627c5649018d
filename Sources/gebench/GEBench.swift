import ArgumentParser

/// `gebench`: runs GECore's selection operators on a population read as JSON,
/// so any other implementation (DEAP, pymoo) can be compared against them.
@main
struct GEBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gebench",
        abstract: "Benchmarks: GECore's selection on a population given as JSON, the message bus, the daemon, and multi-fidelity evaluation.",
        discussion: """
            Reads one JSON object on standard input and prints one JSON object on standard output.

            Input:  {"weights": [1, -1], "fitness": [[0.91, 518230], ...], "k": 16,
                     "algorithm": "nsga2" | "spea2" | "dcd", "reference": [0, 1e6], "seed": 7}
            weights give objective directions (positive maximizes, negative minimizes); k,
            algorithm and seed are used by `select`, reference by `hypervolume`.
            Indices in the output are 0-based positions in the input's fitness list.
            """,
        subcommands: [SortCommand.self, SelectCommand.self, HypervolumeCommand.self, BusCommand.self, UtilizationCommand.self, DaemonCommand.self, FidelityCommand.self]
    )
}
