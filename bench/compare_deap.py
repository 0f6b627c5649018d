#!/usr/bin/env python3
"""Compare GECore's selection operators (through `gebench`) with DEAP's.

Random populations, many with ties and duplicate points, go through DEAP and
through `gebench`; the script checks that Pareto fronts, crowding distances,
NSGA-II and SPEA2 selections and the hypervolume agree (up to the order of
exact ties), then times both on larger populations and prints the speed ratio
per operation and size. Exits non-zero on any disagreement.

    python3 bench/compare_deap.py            # full run (about two minutes)
    python3 bench/compare_deap.py --quick    # smaller sizes, seconds
"""
import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ensure_packages():
    try:
        import deap  # noqa: F401
        import moocore  # noqa: F401
    except ImportError:
        print("installing deap and moocore from PyPI ...", flush=True)
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "deap", "moocore"])


def ensure_gebench(path):
    if path and os.path.exists(path):
        return path
    print("building gebench (release) ...", flush=True)
    subprocess.check_call(["swift", "build", "-c", "release", "--product", "gebench"], cwd=ROOT)
    bin_dir = subprocess.check_output(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, text=True)
    return os.path.join(bin_dir.strip(), "gebench")


class Bench:
    def __init__(self, executable):
        self.executable = executable

    def __call__(self, command, payload, repeat=1):
        args = [self.executable, command] + (["--repeat", str(repeat)] if repeat > 1 else [])
        done = subprocess.run(args, input=json.dumps(payload), capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"gebench {command} failed: {done.stderr.strip()}")
        return json.loads(done.stdout)


def deap_population(fitness, weights):
    from deap import base, creator
    if not hasattr(creator, "BenchFitness") or creator.BenchFitness.weights != tuple(weights):
        for name in ("BenchFitness", "BenchIndividual"):
            if hasattr(creator, name):
                delattr(creator, name)
        creator.create("BenchFitness", base.Fitness, weights=tuple(weights))
        creator.create("BenchIndividual", list, fitness=creator.BenchFitness, index=None)
    population = []
    for index, values in enumerate(fitness):
        individual = creator.BenchIndividual([index])
        individual.index = index
        individual.fitness.values = tuple(values)
        population.append(individual)
    return population


def random_population(rng, count, objectives, kind):
    if kind == "grid":  # few levels: many ties and duplicate points
        return [[float(rng.randrange(6)) for _ in range(objectives)] for _ in range(count)]
    if kind == "duplicates":
        base = [[rng.random() for _ in range(objectives)] for _ in range(max(1, count // 3))]
        return [list(rng.choice(base)) for _ in range(count)]
    if kind == "front":  # anti-correlated: large first fronts
        rows = []
        for _ in range(count):
            x = rng.random()
            rows.append([x, 1 - x + 0.05 * rng.random()] + [rng.random() for _ in range(objectives - 2)])
        return rows
    return [[rng.random() for _ in range(objectives)] for _ in range(count)]


def dominates(a, b, weights):
    wa = [x * w for x, w in zip(a, weights)]
    wb = [x * w for x, w in zip(b, weights)]
    return all(x >= y for x, y in zip(wa, wb)) and any(x > y for x, y in zip(wa, wb))


def raw_spea2(fitness, weights):
    n = len(fitness)
    strength = [sum(dominates(fitness[i], fitness[j], weights) for j in range(n)) for i in range(n)]
    return [sum(strength[j] for j in range(n) if dominates(fitness[j], fitness[i], weights)) for i in range(n)]


class Checker:
    def __init__(self):
        self.counts = {}
        self.failures = []

    def count(self, key):
        self.counts[key] = self.counts.get(key, 0) + 1

    def fail(self, message):
        self.failures.append(message)


def compare_case(bench, checker, fitness, weights, rng):
    from deap import tools
    import moocore
    n = len(fitness)
    payload = {"weights": weights, "fitness": fitness}

    # Fronts and crowding.
    ours = bench("sort", payload)
    population = deap_population(fitness, weights)
    fronts = tools.sortNondominated(population, n)
    theirs = [sorted(ind.index for ind in front) for front in fronts]
    if theirs != ours["fronts"]:
        checker.fail(f"fronts differ for {fitness} {weights}")
        return
    checker.count("fronts")
    for front in fronts:
        # Exact ties are broken by the order of the front, so give DEAP the
        # front in the order gebench uses (ascending input position).
        front = sorted(front, key=lambda ind: ind.index)
        tools.emo.assignCrowdingDist(front)
        for ind in front:
            theirs_value = ind.fitness.crowding_dist
            ours_value = ours["crowding"][ind.index]
            ours_value = math.inf if ours_value is None else ours_value
            if not (theirs_value == ours_value or abs(theirs_value - ours_value) < 1e-9):
                checker.fail(f"crowding of {ind.index} is {ours_value}, DEAP says {theirs_value}, for {fitness}")
                return
    checker.count("crowding")

    k = rng.randrange(n + 1)
    rank = {ind.index: r for r, front in enumerate(fronts) for ind in front}

    def both(algorithm, deap_select):
        ours_selected = bench("select", dict(payload, k=k, algorithm=algorithm))["selected"]
        return ours_selected, [ind.index for ind in deap_select(deap_population(fitness, weights), k)]

    # NSGA-II: identical, or the same fronts and the same crowding values from the last front.
    ours_nsga2, deap_nsga2 = both("nsga2", tools.selNSGA2)
    if sorted(ours_nsga2) == sorted(deap_nsga2):
        checker.count("nsga2 identical")
    else:
        crowd = {i: (math.inf if c is None else c) for i, c in enumerate(ours["crowding"])}
        same_ranks = sorted(rank[i] for i in ours_nsga2) == sorted(rank[i] for i in deap_nsga2)
        same_crowding = sorted(crowd[i] for i in ours_nsga2) == sorted(crowd[i] for i in deap_nsga2)
        if not (same_ranks and same_crowding):
            checker.fail(f"nsga2 selections differ beyond ties: {ours_nsga2} vs {deap_nsga2} for {fitness}")
            return
        checker.count("nsga2 equal up to ties")

    # SPEA2: the same non-dominated members; truncation identical up to duplicates; the fill-up
    # identical in raw fitness (DEAP's density estimate deviates from the paper, see bench/README.md).
    ours_spea2, deap_spea2 = both("spea2", tools.selSPEA2)
    if sorted(ours_spea2) == sorted(deap_spea2):
        checker.count("spea2 identical")
    else:
        raw = raw_spea2(fitness, weights)
        same_points = sorted(map(tuple, (fitness[i] for i in ours_spea2))) == \
            sorted(map(tuple, (fitness[i] for i in deap_spea2)))
        same_raw = sorted(raw[i] for i in ours_spea2) == sorted(raw[i] for i in deap_spea2)
        nondominated_ours = sorted(i for i in ours_spea2 if raw[i] == 0)
        nondominated_deap = sorted(i for i in deap_spea2 if raw[i] == 0)
        truncated = sum(r == 0 for r in raw) > k
        if same_points:
            checker.count("spea2 equal up to duplicate points")
        elif not truncated and same_raw and nondominated_ours == nondominated_deap:
            checker.count("spea2 equal in raw fitness (density tie-break differs)")
        else:
            checker.fail(f"spea2 selections differ: {ours_spea2} vs {deap_spea2} for {fitness}")
            return

    # Hypervolume against a reference worse than every point.
    reference = [(-0.5 if w > 0 else 7.0) for w in weights]
    ours_hv = bench("hypervolume", dict(payload, reference=reference))["hypervolume"]
    minimized = [[(-x if w > 0 else x) for x, w in zip(row, weights)] for row in fitness]
    bound = [(-r if w > 0 else r) for r, w in zip(reference, weights)]
    theirs_hv = float(moocore.hypervolume(minimized, ref=bound)) if fitness else 0.0
    if abs(ours_hv - theirs_hv) > 1e-9 * max(1.0, abs(theirs_hv)):
        checker.fail(f"hypervolume {ours_hv} vs moocore {theirs_hv} for {fitness}")
        return
    checker.count("hypervolume")


def timed(function, repeat):
    """Median wall and CPU seconds of `function` over `repeat` calls."""
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu_start = time.perf_counter(), time.thread_time()
        function()
        walls.append(time.perf_counter() - start)
        cpus.append(time.thread_time() - cpu_start)
    return statistics.median(walls), statistics.median(cpus)


def speed(bench, quick):
    """Times equal work on both sides: the selection on a population already
    in memory. gebench parses its JSON input before timing; DEAP's individuals
    are built before timing (selection does not change them, so one set serves
    every repetition)."""
    from deap import tools
    import moocore
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    rng = random.Random(2024)
    sizes = [1000, 2000] if quick else [1000, 5000, 20000]
    rows = []

    def ours(command, payload, repeat):
        result = bench(command, payload, repeat=repeat)
        return result["median_seconds"], result["median_cpu_seconds"]

    for n in sizes:
        fitness = [[rng.random(), rng.random() * 1e6] for _ in range(n)]
        weights = [1.0, -1.0]
        payload = {"weights": weights, "fitness": fitness, "k": n // 2}
        population = deap_population(fitness, weights)
        nsga2 = ours("select", dict(payload, algorithm="nsga2"), 5)
        rows.append(("NSGA-II", n, nsga2, timed(lambda: tools.selNSGA2(population, n // 2, nd="log"), 3), "nd='log'"))
        if n <= 5000:
            rows.append(("NSGA-II", n, nsga2, timed(lambda: tools.selNSGA2(population, n // 2), 1), "nd='standard'"))
            spea2 = ours("select", dict(payload, algorithm="spea2"), 3)
            rows.append(("SPEA2", n, spea2, timed(lambda: tools.selSPEA2(population, n // 2), 1), ""))
        minimized = [[-a, b] for a, b in fitness]
        rows.append((
            "hypervolume", n, ours("hypervolume", dict(payload, reference=[0.0, 1.1e6]), 5),
            timed(lambda: moocore.hypervolume(minimized, ref=[0.0, 1.1e6]), 5), "moocore (C), as DEAP 1.4 uses"))
    print(f"\nload average before timing: {load} on {os.cpu_count()} CPUs; times are medians, wall / CPU of the timed thread")
    print("operation     N     gebench wall / CPU        DEAP wall / CPU    DEAP/gebench (wall, CPU)  note")
    for name, n, (wall, cpu), (their_wall, their_cpu), note in rows:
        print(f"{name:<12} {n:>6} {wall * 1e3:>9.3f} / {cpu * 1e3:>9.3f} ms {their_wall * 1e3:>9.2f} / {their_cpu * 1e3:>9.2f} ms"
              f" {their_wall / wall:>8.1f}x {their_cpu / max(cpu, 1e-9):>8.1f}x  {note}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gebench", help="path of the gebench executable (default: build it in release)")
    parser.add_argument("--quick", action="store_true", help="fewer cases and smaller sizes")
    parser.add_argument("--cases", type=int, default=None, help="number of random populations to compare")
    args = parser.parse_args()
    ensure_packages()
    bench = Bench(ensure_gebench(args.gebench))
    rng = random.Random(7)
    checker = Checker()
    cases = args.cases or (60 if args.quick else 400)
    for case in range(cases):
        kind = ["grid", "duplicates", "front", "uniform"][case % 4]
        objectives = 2 if case % 5 else 3
        count = rng.randrange(1, 60)
        weights = [rng.choice([1.0, -1.0]) for _ in range(objectives)]
        compare_case(bench, checker, random_population(rng, count, objectives, kind), weights, rng)
    print(f"compared {cases} random populations (ties, duplicates, large fronts, 2 and 3 objectives):")
    for key in sorted(checker.counts):
        print(f"  {key}: {checker.counts[key]}")
    for failure in checker.failures[:10]:
        print("DISAGREEMENT:", failure)
    speed(bench, args.quick)
    if checker.failures:
        print(f"{len(checker.failures)} disagreements")
        sys.exit(1)
    print("all comparisons agree")


if __name__ == "__main__":
    main()
