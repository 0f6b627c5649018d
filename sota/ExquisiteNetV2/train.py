"""Trains a variant of ExquisiteNetV2 on CIFAR-10 and writes its scores.

The training recipe, in one place (docs/FIDELITY.md lists how it differs from the GE reference):
- data: images resized to the seed's input shape (seed.toml `input_shape`, 3x224x224), random
  horizontal flips, light colour jitter, and a translation of up to 3 pixels drawn per image;
- validation: 20 % of the training set, stratified (the same share of every class, seed 21);
  the weights of the best validation epoch are kept in model.pt;
- optimizer: get_optimizer(model) from the variant (the seed's: SGD, lr 0.1, momentum 0.9,
  Nesterov, weight decay 1e-4 on weights but not on biases and normalization parameters);
- schedule: a linear learning-rate warm-up over the first 40 steps; then the learning rate times
  0.7 when the training loss has not improved for 4 epochs; training stops when it falls below
  0.001 (or after --epochs);
- precision: batch 216, mixed precision on CUDA; a step whose loss is not finite is skipped (as
  GradScaler skips steps with non-finite gradients), and the job fails only after 20 such steps
  in a row.

The test set is not here: after training, predict.py labels the test images and
the worker grades the predictions against labels no job can read.

The data is the "python version" of CIFAR-10 (pickled batches, see
prepare_data.py), read directly: nothing is downloaded. --smoke trains on a few
synthetic batches on the CPU in seconds, for tests.
"""
import argparse
import json
import os
import pickle
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, ".")
import network  # noqa: E402  (the variant, written into the job folder)

MEAN = torch.tensor([0.4914, 0.4822, 0.4465]).view(1, 3, 1, 1)
STD = torch.tensor([0.2470, 0.2435, 0.2616]).view(1, 3, 1, 1)


def parse():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="data/cifar-10-batches-py", help="folder of the pickled CIFAR-10 batches")
    parser.add_argument("--device", default="cuda", help="cuda or cpu")
    parser.add_argument("--epochs", type=int, default=200, help="upper limit on epochs")
    parser.add_argument("--output", default="result.json")
    parser.add_argument("--model", default="model.pt", help="where the best weights go")
    parser.add_argument("--batch", type=int, default=216)
    parser.add_argument("--input-shape", default="3,224,224", help="one input as C,H,W (seed.toml input_shape)")
    parser.add_argument("--val-ratio", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--end-lr", type=float, default=0.001)
    parser.add_argument("--warmup-steps", type=int, default=40)
    parser.add_argument("--max-nonfinite", type=int, default=20,
                        help="consecutive steps with a non-finite loss after which training fails")
    parser.add_argument("--smoke", action="store_true", help="a few synthetic batches on the CPU, for tests")
    args = parser.parse_args()
    args.image_size = int(args.input_shape.split(",")[-1])
    return args


def load_cifar(folder):
    if not os.path.isdir(folder):
        sys.exit(f"CIFAR-10 not found at {folder}: prepare it once with "
                 "`make data CIFAR=/path/to/cifar-10-python.tar.gz` (nothing is downloaded at run time)")

    def read(name):
        with open(os.path.join(folder, name), "rb") as f:
            batch = pickle.load(f, encoding="bytes")
        images = torch.tensor(batch[b"data"], dtype=torch.uint8).view(-1, 3, 32, 32)
        return images, torch.tensor(batch[b"labels"], dtype=torch.long)

    parts = [read(f"data_batch_{i}") for i in range(1, 6)]
    return torch.cat([p[0] for p in parts]), torch.cat([p[1] for p in parts])


def synthetic(count=64, seed=0):
    generator = torch.Generator().manual_seed(seed)
    images = torch.randint(0, 256, (count, 3, 32, 32), dtype=torch.uint8, generator=generator)
    return images, torch.randint(0, 10, (count,), generator=generator)


def prepare(images, size, device, augment, generator=None):
    """uint8 NCHW on the CPU -> normalized float on the device, resized, augmented."""
    x = images.to(device, non_blocking=True).float().div_(255)
    if augment:
        n = x.shape[0]
        flip = torch.rand(n, device=device) < 0.5
        x = torch.where(flip.view(-1, 1, 1, 1), x.flip(3), x)
        brightness = 1 + (torch.rand(n, 1, 1, 1, device=device) - 0.5) * 0.2
        contrast = 1 + (torch.rand(n, 1, 1, 1, device=device) - 0.5) * 0.2
        mean = x.mean(dim=(1, 2, 3), keepdim=True)
        x = ((x - mean) * contrast + mean) * brightness
        x = translate(x, 3).clamp_(0, 1)
    x = (x - MEAN.to(device)) / STD.to(device)
    if size != x.shape[-1]:
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    return x


def translate(x, limit):
    """Each image shifted by its own random offset of up to `limit` pixels, reflecting at the edges."""
    n, c, h, w = x.shape
    padded = F.pad(x, (limit, limit, limit, limit), mode="reflect")
    dy = torch.randint(0, 2 * limit + 1, (n,), device=x.device)
    dx = torch.randint(0, 2 * limit + 1, (n,), device=x.device)
    rows = (torch.arange(h, device=x.device).view(1, h) + dy.view(n, 1)).view(n, 1, h, 1)
    cols = (torch.arange(w, device=x.device).view(1, w) + dx.view(n, 1)).view(n, 1, 1, w)
    batch = torch.arange(n, device=x.device).view(n, 1, 1, 1)
    channel = torch.arange(c, device=x.device).view(1, c, 1, 1)
    return padded[batch, channel, rows, cols]


def stratified_split(labels, ratio, seed):
    """Indices (held out, kept): `ratio` of every class held out, chosen by a seeded permutation."""
    generator = torch.Generator().manual_seed(seed)
    held, kept = [], []
    for cls in labels.unique(sorted=True):
        members = (labels == cls).nonzero().flatten()
        members = members[torch.randperm(len(members), generator=generator)]
        count = int(round(len(members) * ratio))
        held.append(members[:count])
        kept.append(members[count:])
    return torch.cat(held), torch.cat(kept)


def predict(model, images, args, device):
    """The predicted class of each image (uint8 NCHW on the CPU), in order."""
    model.eval()
    classes = []
    with torch.no_grad(), torch.autocast(device_type=device.type, enabled=device.type == "cuda"):
        for start in range(0, len(images), args.batch):
            x = prepare(images[start:start + args.batch], args.image_size, device, augment=False)
            classes.append(model(x).argmax(1).cpu())
    return torch.cat(classes) if classes else torch.zeros(0, dtype=torch.long)


def evaluate(model, images, labels, args, device):
    return (predict(model, images, args, device) == labels).float().mean().item() if len(images) else 0.0


def main():
    args = parse()
    if args.smoke:
        args.device, args.batch, args.image_size, args.epochs = "cpu", 16, 32, min(args.epochs, 2)
        args.warmup_steps = 2
    device = torch.device(args.device if args.device == "cpu" or torch.cuda.is_available() else "cpu")
    torch.manual_seed(args.seed)
    train_x, train_y = synthetic() if args.smoke else load_cifar(args.data)
    held, kept = stratified_split(train_y, args.val_ratio, args.seed)
    val_x, val_y = train_x[held], train_y[held]
    train_x, train_y = train_x[kept], train_y[kept]

    model = network.ExquisiteNetV2(class_num=10).to(device)
    parameters = sum(p.numel() for p in model.parameters())
    optimizer = network.get_optimizer(model)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.7, patience=4)
    scaler = torch.amp.GradScaler("cuda", enabled=device.type == "cuda")
    base_lrs = [group["lr"] for group in optimizer.param_groups]
    best_val, best_state, epochs_run, epoch_times = -1.0, None, 0, []
    steps, nonfinite_run, skipped = 0, 0, 0
    started = time.time()
    for epoch in range(args.epochs):
        began = time.time()
        model.train()
        shuffle = torch.randperm(len(train_x))
        total_loss, batches = 0.0, 0
        for start in range(0, len(train_x), args.batch):
            index = shuffle[start:start + args.batch]
            x = prepare(train_x[index], args.image_size, device, augment=True)
            y = train_y[index].to(device, non_blocking=True)
            if steps < args.warmup_steps:
                for group, base in zip(optimizer.param_groups, base_lrs):
                    group["lr"] = base * (steps + 1) / args.warmup_steps
            optimizer.zero_grad(set_to_none=True)
            with torch.autocast(device_type=device.type, enabled=device.type == "cuda"):
                loss = F.cross_entropy(model(x), y)
            steps += 1
            if not torch.isfinite(loss):
                # Skipped like GradScaler skips a step with non-finite gradients (and, on CUDA, with
                # a lower scale); only a run of them means the variant cannot train.
                nonfinite_run += 1
                skipped += 1
                if nonfinite_run >= args.max_nonfinite:
                    raise FloatingPointError(
                        f"loss is nan: {nonfinite_run} steps in a row had a non-finite loss (epoch {epoch + 1})")
                if scaler.is_enabled():
                    scaler.update(scaler.get_scale() / 2)
                continue
            nonfinite_run = 0
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            total_loss += loss.item()
            batches += 1
        train_loss = total_loss / max(1, batches)
        scheduler.step(train_loss)
        val_accuracy = evaluate(model, val_x, val_y, args, device)
        if val_accuracy > best_val:
            best_val = val_accuracy
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        epochs_run += 1
        epoch_times.append(time.time() - began)
        lr = optimizer.param_groups[0]["lr"]
        print(f"GE-PROGRESS epoch {epoch + 1} loss {train_loss:.4f} val {val_accuracy:.4f} lr {lr:.4g} "
              f"{epoch_times[-1]:.1f}s", flush=True)
        if lr < args.end_lr:
            break
    torch.save(best_state, args.model)
    result = {
        "val_accuracy": best_val,
        "parameters": parameters,
        "train_seconds": time.time() - started,
        "epochs": epochs_run,
        "epoch_seconds": sum(epoch_times) / len(epoch_times),
        "skipped_steps": skipped,
    }
    with open(args.output, "w") as f:
        json.dump(result, f)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
