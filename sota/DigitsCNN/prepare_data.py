"""Writes this seed's data from scikit-learn's bundled digits (UCI, 1,797 images of 8x8 pixels
with values 0-16): the split train.py always used (seed 21: 60 % training, 20 % validation,
20 % test), with the test labels apart from the test images.

    python3 prepare_data.py

data/train.json        training and validation images with their labels (jobs read it)
data/test_inputs.json  the test images, no labels (the grading step predicts them)
grading/test_labels.json  the test labels: only the worker reads them; no job ever sees
                       the grading/ folder

The files are committed, so the seed needs neither scikit-learn nor this script to run;
it documents where they came from and rebuilds them.
"""
import json
import os

import torch
from sklearn.datasets import load_digits

# One character per pixel value 0..16: an image is a 64-character string.
ALPHABET = "0123456789abcdefg"


def encode(image):
    return "".join(ALPHABET[int(v)] for v in image.reshape(-1))


def main():
    digits = load_digits()
    order = torch.randperm(len(digits.images), generator=torch.Generator().manual_seed(21)).tolist()
    cut_val, cut_test = int(0.6 * len(order)), int(0.8 * len(order))
    parts = {"train": order[:cut_val], "val": order[cut_val:cut_test]}
    test = order[cut_test:]
    here = os.path.dirname(os.path.abspath(__file__))

    def write(path, value):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            json.dump(value, f, separators=(",", ":"))
            f.write("\n")

    write(os.path.join(here, "data", "train.json"), {
        name: {"images": [encode(digits.images[i]) for i in index], "labels": [int(digits.target[i]) for i in index]}
        for name, index in parts.items()})
    write(os.path.join(here, "data", "test_inputs.json"), {"images": [encode(digits.images[i]) for i in test]})
    write(os.path.join(here, "grading", "test_labels.json"), [int(digits.target[i]) for i in test])
    print(f"wrote {len(parts['train'])} training, {len(parts['val'])} validation and {len(test)} test images")


if __name__ == "__main__":
    main()
