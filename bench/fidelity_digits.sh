#!/usr/bin/env bash
# DigitsCNN evolved twice on the same budget of training time: with its fidelity rungs
# (train.rungs = [1, 4, 12], η = 3) and without (every child trained 12 epochs). Each run is a
# complete local run (scripts/run-local.sh: the baseline LLM, two CPU workers) that stops once its
# evaluations have trained HOURS hours in all (evolution.max_gpu_hours). Prints one JSON object:
# per run the evaluations at each rung, the training seconds spent, and the hypervolume of its
# full-fidelity front against one reference for both (accuracy 0, 1.1 × the most parameters seen).
set -euo pipefail
cd "$(dirname "$0")/.."
HOURS="${HOURS:-0.1}"
BIN="${GED_BIN:-$(swift build -c release --show-bin-path)}"
for rungs in true false; do
    RUN_DIR="$PWD/.run-fidelity-$rungs" BUDGET=1000000 GED_BIN="$BIN" GED_EVOLUTION="multi_fidelity = $rungs
max_gpu_hours = $HOURS" scripts/run-local.sh >/dev/null
    # The stopped run, read from its state folder.
    "$BIN/gectl" front --json --state-dir ".run-fidelity-$rungs/state" >".run-fidelity-$rungs/front.json"
    "$BIN/gectl" status --json --state-dir ".run-fidelity-$rungs/state" >".run-fidelity-$rungs/status.json"
done
python3 - "$HOURS" <<'PY'
import json, sys

def hypervolume(points, reference):
    """2-D: accuracy maximized, parameters minimized."""
    front, volume, best = sorted(points, key=lambda p: (p[1], -p[0])), 0.0, 0.0
    for accuracy, parameters in front:
        if accuracy > best and parameters < reference[1]:
            volume += (accuracy - max(best, reference[0])) * (reference[1] - parameters)
            best = accuracy
    return volume

runs = {}
for rungs in ("true", "false"):
    folder = f".run-fidelity-{rungs}"
    front = json.load(open(f"{folder}/front.json"))
    status = json.load(open(f"{folder}/status.json"))
    runs[rungs] = {"front": [f["objectives"] for f in front], "status": status}
reference = [0.0, 1.1 * max(p[1] for run in runs.values() for p in run["front"])]
out = {"max_gpu_hours": float(sys.argv[1]), "reference": reference}
for rungs, run in runs.items():
    status = run["status"]
    out["with_rungs" if rungs == "true" else "without_rungs"] = {
        "evaluations": status["evaluations"], "training_seconds": status.get("trainingSeconds"),
        "rung_epochs": status.get("rungEpochs"), "scored_per_rung": status.get("scoredPerRung"), "front_size": len(run["front"]),
        "hypervolume": hypervolume(run["front"], reference), "stop_reason": status.get("stopReason"),
    }
print(json.dumps(out, indent=1))
PY
