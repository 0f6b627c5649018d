"""Labels the CIFAR-10 test images (data/cifar-10-batches-py/test_inputs, written by
prepare_data.py without their labels) with the trained variant (model.pt), preprocessed
as train.py evaluates, and writes the predicted classes, in order, as a JSON list. The
worker grades them. --smoke labels a few synthetic images on the CPU, for tests.
"""
import argparse
import json
import os
import pickle
import sys

import torch

sys.path.insert(0, ".")
import network  # noqa: E402  (the variant)
import train  # noqa: E402  (its preprocessing)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="data/cifar-10-batches-py", help="folder holding test_inputs")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--model", default="model.pt")
    parser.add_argument("--output", default="predictions.json")
    parser.add_argument("--batch", type=int, default=216)
    parser.add_argument("--input-shape", default="3,224,224", help="one input as C,H,W (seed.toml input_shape)")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    args.image_size = int(args.input_shape.split(",")[-1])
    if args.smoke:
        args.device, args.batch, args.image_size = "cpu", 16, 32
        images, _ = train.synthetic(count=32, seed=1)
    else:
        path = os.path.join(args.data, "test_inputs")
        if not os.path.isfile(path):
            sys.exit(f"{path} not found: prepare the data once with `make data CIFAR=/path/to/cifar-10-python.tar.gz`")
        with open(path, "rb") as f:
            images = torch.tensor(pickle.load(f, encoding="bytes")[b"data"], dtype=torch.uint8).view(-1, 3, 32, 32)
    device = torch.device(args.device if args.device == "cpu" or torch.cuda.is_available() else "cpu")
    model = network.ExquisiteNetV2(class_num=10).to(device)
    model.load_state_dict(torch.load(args.model, map_location=device))
    with open(args.output, "w") as f:
        json.dump(train.predict(model, images, args, device).tolist(), f)


if __name__ == "__main__":
    main()
