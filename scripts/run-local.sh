#!/usr/bin/env bash
# One complete local evolution run: installs what is missing, builds, starts ged with one LLM
# worker and two CPU workers on the CPU seed (sota/DigitsCNN), runs BUDGET evaluations (60),
# prints the Pareto front and writes its plot. Ctrl-C stops everything.
#
# The LLM: GE_LLM_URL (an OpenAI-compatible base URL, e.g. http://localhost:8000/v1),
# GE_LLM_MODEL and GE_LLM_API_KEY when set; otherwise the offline `baseline` provider.
# Also: SEED (a seed folder; its parent holds the seeds the workers see), BUDGET, RUN_DIR, PORT,
# GED_BIN (a folder of built binaries to use instead of building), GED_EVOLUTION (more lines for
# the [evolution] table of ged.toml, e.g. "max_gpu_hours = 0.1"). Exits non-zero when the run
# stops before its budget (a broken seed, an LLM that refuses every request), saying why.
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET="${BUDGET:-60}"
SEED="${SEED:-sota/DigitsCNN}"
[ -f "$SEED/seed.toml" ] || { echo "no seed.toml in $SEED (SEED names a seed folder)" >&2; exit 2; }
SEED="$(cd "$SEED" && pwd)"
SEEDS="$(dirname "$SEED")"
RUN="${RUN_DIR:-$PWD/.run}"

say() { printf '\033[1m%s\033[0m\n' "$*" >&2; }

missing=()
for package in libzmq3-dev libcurl4-openssl-dev libsqlite3-dev bubblewrap; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! python3 -c "import torch" 2>/dev/null; then
    say "installing PyTorch (CPU)"
    python3 -m pip install -q torch==2.13.0+cpu 2>/dev/null \
        || python3 -m pip install -q torch --extra-index-url https://download.pytorch.org/whl/cpu
fi

if [ -n "${GED_BIN:-}" ]; then
    BIN="$GED_BIN"   # binaries built elsewhere (the tests use their own)
else
    say "building (release)"
    # The compiler's own words when the build fails, not a bare exit status.
    if ! build_log="$(swift build -c release 2>&1)"; then
        printf '%s\n' "$build_log" | grep -E "error:|warning: unable|note:" -A3 | head -40 >&2
        say "the build failed (above); the whole log: swift build -c release"
        exit 1
    fi
    BIN="$(swift build -c release --show-bin-path)"
fi

rm -rf "$RUN" && mkdir -p "$RUN"
PORT="${PORT:-$((20000 + RANDOM % 20000))}"
cat > "$RUN/ged.toml" <<TOML
[paths]
state_directory = "$RUN/state"
seed = "$SEED"
prompts = "$PWD/prompts"
[evolution]
evaluation_budget = $BUDGET
initial_population = 8
population_size = 12
elites = 12
${GED_EVOLUTION:-}
[bus]
work = "tcp://127.0.0.1:$PORT"
control = "ipc://$RUN/control.sock"
events = "ipc://$RUN/events.sock"
TOML
export GED_CONTROL="ipc://$RUN/control.sock"

if [ -n "${GE_LLM_URL:-}" ]; then
    provider=(--provider openai --base-url "$GE_LLM_URL" --model "${GE_LLM_MODEL:?set GE_LLM_MODEL too}")
    say "LLM: ${GE_LLM_MODEL} at ${GE_LLM_URL}"
else
    provider=(--provider baseline)
    say "LLM: none (GE_LLM_URL is not set): the baseline provider makes random edits instead"
fi

pids=()
stop_all() {
    trap - INT TERM EXIT
    "$BIN/gectl" stop >/dev/null 2>&1 || true
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap 'say "stopping"; stop_all; exit 130' INT TERM
trap stop_all EXIT

"$BIN/ged" --config "$RUN/ged.toml" 2>"$RUN/ged.log" & pids+=($!)
for _ in $(seq 50); do [ -S "$RUN/control.sock" ] && break; sleep 0.2; done
"$BIN/ge-llm-worker" --connect "tcp://127.0.0.1:$PORT" "${provider[@]}" 2>"$RUN/llm.log" & pids+=($!)
for gpu in 0 1; do
    "$BIN/ge-gpu-worker" --connect "tcp://127.0.0.1:$PORT" --device cpu --seeds "$SEEDS" --name "cpu$gpu" \
        --work-dir "$RUN/jobs$gpu" 2>"$RUN/cpu$gpu.log" & pids+=($!)
done
say "run of $BUDGET evaluations on $SEED; logs in $RUN"

while true; do
    status="$("$BIN/gectl" status --json 2>/dev/null || true)"
    state="$(python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["state"], s["evaluations"], s["budget"])' <<<"$status" 2>/dev/null || echo "starting 0 $BUDGET")"
    read -r phase done total <<<"$state"
    printf '\r  %s/%s evaluations' "$done" "$total" >&2
    [ "$phase" = "finished" ] && break
    if [ "$phase" = "stopped" ]; then
        echo >&2
        say "the run stopped before its budget:"
        "$BIN/gectl" status >&2
        say "logs in $RUN; the first failure: $BIN/gectl show ID (ids in $BIN/gectl export)"
        exit 1
    fi
    if ! kill -0 "${pids[0]}" 2>/dev/null; then echo >&2; say "ged stopped unexpectedly:"; tail -5 "$RUN/ged.log" >&2; exit 1; fi
    sleep 2
done
echo >&2
say "Pareto front (accuracy up, parameters down):"
"$BIN/gectl" front
"$BIN/gectl" status
"$BIN/gectl" plot --output "$RUN/front.svg" >/dev/null
say "plot: $RUN/front.svg. To look around later: $BIN/ged --config $RUN/ged.toml & then GED_CONTROL=ipc://$RUN/control.sock $BIN/gectl show ID"
