"""Reads this seed's data files (see prepare_data.py): each image is a 64-character string,
one character per pixel value 0..16."""
import json

import torch

ALPHABET = "0123456789abcdefg"


def images(encoded):
    values = [[ALPHABET.index(c) for c in image] for image in encoded]
    return torch.tensor(values, dtype=torch.float32).view(-1, 1, 8, 8) / 16.0


def load(path):
    with open(path) as f:
        return json.load(f)
