"""Labels the test images of data/test_inputs.json with the trained variant (model.pt) and
writes the predicted classes, in order, as a JSON list. The worker grades them."""
import argparse
import json
import sys

import torch

sys.path.insert(0, ".")
import digits_data  # noqa: E402
import network  # noqa: E402  (the variant)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--inputs", default="data/test_inputs.json")
    parser.add_argument("--model", default="model.pt")
    parser.add_argument("--output", default="predictions.json")
    args = parser.parse_args()
    torch.set_num_threads(1)
    device = torch.device(args.device if args.device == "cpu" or torch.cuda.is_available() else "cpu")
    model = network.DigitsNet(class_num=10).to(device)
    model.load_state_dict(torch.load(args.model, map_location=device))
    model.eval()
    with torch.no_grad():
        images = digits_data.images(digits_data.load(args.inputs)["images"]).to(device)
        predictions = model(images).argmax(1).tolist()
    with open(args.output, "w") as f:
        json.dump(predictions, f)


if __name__ == "__main__":
    main()
