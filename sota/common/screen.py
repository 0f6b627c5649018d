"""Screens a variant before training: import it, build the model, run one
forward pass on a tiny batch, check the output shape, count parameters.

Seeds call it from their seed.toml; it writes a JSON result and exits
non-zero with a Python error on any problem, which the GPU worker classifies.
"""
import argparse
import importlib
import json
import os
import sys

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--module", default="network", help="the variant's module (its genome file without .py)")
parser.add_argument("--model", required=True, help="the class that builds the network")
parser.add_argument("--input", required=True, help="input shape, e.g. 2,3,32,32")
parser.add_argument("--classes", type=int, required=True, help="expected size of the output's last dimension")
parser.add_argument("--require", default="", help="comma-separated names the module must define")
parser.add_argument("--output", required=True, help="where to write the JSON result")
args = parser.parse_args()

sys.path.insert(0, ".")
# The result file is opened before the variant is imported, and the script
# leaves with os._exit: a variant cannot redirect the file or rewrite it from
# an exit hook, so the parameter count it reports is the screen's own.
output = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
import torch  # noqa: E402

module = importlib.import_module(args.module)
missing = [name for name in [args.model] + [n for n in args.require.split(",") if n] if not hasattr(module, name)]
if missing:
    raise NameError(f"the variant does not define {', '.join(missing)}")
model = getattr(module, args.model)()
model.eval()
shape = tuple(int(n) for n in args.input.split(","))
with torch.no_grad():
    result = model(torch.randn(*shape))
expected = (shape[0], args.classes)
if tuple(result.shape) != expected:
    raise RuntimeError(f"output shape {tuple(result.shape)} does not match the expected {expected}")
if not torch.isfinite(result).all():
    raise FloatingPointError("the forward pass produced NaN or infinity")
parameters = sum(p.numel() for p in model.parameters())
os.write(output, json.dumps({"parameters": parameters}).encode())
os.close(output)
print(f"screen passed: output {tuple(result.shape)}, {parameters} parameters", flush=True)
os._exit(0)
