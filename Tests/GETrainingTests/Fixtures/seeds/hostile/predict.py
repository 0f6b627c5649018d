"""Predicts class 0 for each of the four test inputs: the worker grades 0.5 against the
labels it holds (unless the variant could read them, which attacks.py reports)."""
import argparse
import json

parser = argparse.ArgumentParser()
parser.add_argument("--output", required=True)
args = parser.parse_args()
json.dump([0, 0, 0, 0], open(args.output, "w"))
