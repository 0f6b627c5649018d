import argparse
import json

import attacks
import model

parser = argparse.ArgumentParser()
parser.add_argument("--output", required=True)
args = parser.parse_args()
report = attacks.run(model.ATTACKS)
json.dump({"test_accuracy": 0.5, "parameters": model.Net.parameters,
           **{"attack." + name: value for name, value in report.items()}}, open(args.output, "w"))
print("GE-PROGRESS attacks: " + json.dumps(report), flush=True)
