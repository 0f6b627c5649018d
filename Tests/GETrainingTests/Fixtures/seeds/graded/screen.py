import argparse
import json

import model

parser = argparse.ArgumentParser()
parser.add_argument("--output", required=True)
args = parser.parse_args()
net = model.Net()
json.dump({"parameters": net.parameters}, open(args.output, "w"))
print("screen ok")
