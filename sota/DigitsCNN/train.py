"""Trains a variant of DigitsCNN on scikit-learn's bundled 8x8 digits and
writes its scores: 60 % training, 20 % validation, 20 % test (seed 21); the
weights of the best validation epoch are scored on the test set.
"""
import argparse
import json
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, ".")
import network  # noqa: E402  (the variant, written into the job folder)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--output", default="result.json")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
    labels = torch.tensor(digits.target, dtype=torch.long)
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(args.seed))
    cut_val, cut_test = int(0.6 * len(order)), int(0.8 * len(order))
    train, val, test = order[:cut_val], order[cut_val:cut_test], order[cut_test:]
    device = torch.device(args.device if args.device == "cpu" or torch.cuda.is_available() else "cpu")
    images, labels = images.to(device), labels.to(device)

    model = network.DigitsNet(class_num=10).to(device)
    optimizer = network.get_optimizer(model)
    parameters = sum(p.numel() for p in model.parameters())

    def accuracy(index):
        model.eval()
        with torch.no_grad():
            return (model(images[index]).argmax(1) == labels[index]).float().mean().item()

    best_val, best_state, started = -1.0, None, time.time()
    for epoch in range(args.epochs):
        model.train()
        shuffled = train[torch.randperm(len(train))]
        for start in range(0, len(shuffled), args.batch):
            batch = shuffled[start:start + args.batch]
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(images[batch]), labels[batch])
            if not torch.isfinite(loss):
                raise FloatingPointError(f"loss is nan at epoch {epoch + 1}")
            loss.backward()
            optimizer.step()
        val_accuracy = accuracy(val)
        if val_accuracy > best_val:
            best_val = val_accuracy
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        print(f"GE-PROGRESS epoch {epoch + 1}/{args.epochs} val {val_accuracy:.4f}", flush=True)
    model.load_state_dict(best_state)
    result = {"test_accuracy": accuracy(test), "val_accuracy": best_val, "parameters": parameters,
              "train_seconds": time.time() - started, "epochs": args.epochs}
    with open(args.output, "w") as f:
        json.dump(result, f)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
