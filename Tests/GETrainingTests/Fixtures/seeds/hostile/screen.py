"""The trusted screen: counts parameters and leaves before any exit hook of the variant runs."""
import argparse
import json
import os

parser = argparse.ArgumentParser()
parser.add_argument("--output", required=True)
args = parser.parse_args()
# Opened before the variant is imported: a variant that replaces open() cannot redirect it.
output = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
import model  # noqa: E402

os.write(output, json.dumps({"parameters": model.Net.parameters}).encode())
os.close(output)
print("screen ok", flush=True)
os._exit(0)
