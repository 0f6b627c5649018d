import argparse
import json
import os
import socket
import subprocess
import time

import model

parser = argparse.ArgumentParser()
parser.add_argument("--output", required=True)
parser.add_argument("--epochs", type=int, required=True)
parser.add_argument("--device", required=True)
args = parser.parse_args()

for epoch in range(args.epochs):
    print(f"GE-PROGRESS epoch {epoch + 1}/{args.epochs}", flush=True)

mode = model.MODE
if mode == "crash":
    raise ValueError("the optimizer exploded")
if mode == "shape":
    raise RuntimeError("mat1 and mat2 shapes cannot be multiplied (2x384 and 192x10)")
if mode == "hang":
    helper = subprocess.Popen(["sleep", "300"])
    with open("pids.txt", "w") as f:
        f.write(f"{os.getpid()} {os.getpgid(0)} {helper.pid}\n")
    time.sleep(300)
if mode == "odd" and model.Net.parameters % 2:
    raise ValueError(f"parameters must be even, got {model.Net.parameters}")
if mode == "slow":
    time.sleep(1.5)
if mode == "nan":
    json.dump({"test_accuracy": float("nan"), "parameters": 123}, open(args.output, "w"))
    raise SystemExit(0)
if mode == "noresult":
    raise SystemExit(0)
result = {"test_accuracy": 0.9, "parameters": model.Net.parameters, "epochs": args.epochs,
          "device": 1 if args.device == "cpu" else 0}
if mode == "escape":
    try:
        with open(os.environ["GE_TEST_OUTSIDE"], "w") as f:
            f.write("escaped")
        result["wrote_outside"] = 1
    except OSError:
        result["wrote_outside"] = 0
    try:
        socket.create_connection(("127.0.0.1", int(os.environ["GE_TEST_PORT"])), timeout=1).close()
        result["network"] = 1
    except OSError:
        result["network"] = 0
json.dump(result, open(args.output, "w"))
