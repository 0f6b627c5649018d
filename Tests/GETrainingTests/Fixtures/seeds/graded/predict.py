"""Predicts 0 for every test input (accuracy 0.3), unless it can read the labels: then it
copies them (accuracy 1.0). MODE "short" writes too few predictions, "garbage" no list."""
import argparse
import json
import os

import model

parser = argparse.ArgumentParser()
parser.add_argument("--seed-dir", required=True)
parser.add_argument("--output", required=True)
args = parser.parse_args()
predictions = [0] * 10
for path in [os.path.join(args.seed_dir, "grading", "labels.json"), "grading/labels.json"]:
    try:
        with open(path) as f:
            predictions = json.load(f)
        print(f"read the labels at {path}")
    except OSError as error:
        print(f"cannot read {path}: {error.strerror}")
if model.MODE == "short":
    predictions = predictions[:5]
if model.MODE == "garbage":
    predictions = {"accuracy": 1.0}
with open(args.output, "w") as f:
    json.dump(predictions, f)
