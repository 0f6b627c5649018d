"""Trains a variant of DigitsCNN on the digits of data/train.json (1,078 training and 359
validation images; see prepare_data.py) and keeps the weights of the best validation epoch in
model.pt. The test set is not here: after training, predict.py labels the test images and the
worker grades the predictions against labels no job can read.
"""
import argparse
import json
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, ".")
import digits_data  # noqa: E402
import network  # noqa: E402  (the variant, written into the job folder)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--data", default="data/train.json")
    parser.add_argument("--model", default="model.pt", help="where the best weights go")
    parser.add_argument("--output", default="result.json")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    data = digits_data.load(args.data)
    device = torch.device(args.device if args.device == "cpu" or torch.cuda.is_available() else "cpu")
    train_x, train_y = digits_data.images(data["train"]["images"]).to(device), torch.tensor(data["train"]["labels"]).to(device)
    val_x, val_y = digits_data.images(data["val"]["images"]).to(device), torch.tensor(data["val"]["labels"]).to(device)

    model = network.DigitsNet(class_num=10).to(device)
    optimizer = network.get_optimizer(model)
    parameters = sum(p.numel() for p in model.parameters())

    def accuracy(x, y):
        model.eval()
        with torch.no_grad():
            return (model(x).argmax(1) == y).float().mean().item()

    best_val, best_state, started = -1.0, None, time.time()
    for epoch in range(args.epochs):
        model.train()
        shuffled = torch.randperm(len(train_x))
        for start in range(0, len(shuffled), args.batch):
            batch = shuffled[start:start + args.batch]
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(train_x[batch]), train_y[batch])
            if not torch.isfinite(loss):
                raise FloatingPointError(f"loss is nan at epoch {epoch + 1}")
            loss.backward()
            optimizer.step()
        val_accuracy = accuracy(val_x, val_y)
        if val_accuracy > best_val:
            best_val = val_accuracy
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        print(f"GE-PROGRESS epoch {epoch + 1}/{args.epochs} val {val_accuracy:.4f}", flush=True)
    torch.save(best_state, args.model)
    result = {"val_accuracy": best_val, "parameters": parameters, "train_seconds": time.time() - started,
              "epochs": args.epochs}
    with open(args.output, "w") as f:
        json.dump(result, f)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
