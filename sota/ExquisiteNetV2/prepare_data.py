"""Unpacks the CIFAR-10 "python version" archive for this seed, with the test labels apart.

    python3 prepare_data.py /path/to/cifar-10-python.tar.gz

Writes, next to this script:
  data/cifar-10-batches-py/data_batch_1..5   the training set (jobs read it)
  data/cifar-10-batches-py/test_inputs       the 10,000 test images without their labels
  grading/test_labels.json                   the test labels: only the worker reads them, no job
                                             ever sees the grading/ folder
Nothing is downloaded: get the archive from https://www.cs.toronto.edu/~kriz/cifar.html.
"""
import json
import os
import pickle
import sys
import tarfile

if len(sys.argv) != 2 or not os.path.isfile(sys.argv[1]):
    sys.exit("usage: python3 prepare_data.py /path/to/cifar-10-python.tar.gz (the archive was not found)")
here = os.path.dirname(os.path.abspath(__file__))
target = os.path.join(here, "data", "cifar-10-batches-py")
grading = os.path.join(here, "grading")
os.makedirs(target, exist_ok=True)
os.makedirs(grading, exist_ok=True)
with tarfile.open(sys.argv[1], "r:gz") as archive:
    members = {m.name: m for m in archive.getmembers() if m.name.startswith("cifar-10-batches-py/") and m.isfile()}
    if "cifar-10-batches-py/test_batch" not in members:
        sys.exit(f"{sys.argv[1]} is not the CIFAR-10 python archive (no cifar-10-batches-py/test_batch)")
    for index in range(1, 6):
        name = f"data_batch_{index}"
        with archive.extractfile(members["cifar-10-batches-py/" + name]) as source, open(os.path.join(target, name), "wb") as f:
            f.write(source.read())
    with archive.extractfile(members["cifar-10-batches-py/test_batch"]) as source:
        test = pickle.load(source, encoding="bytes")
with open(os.path.join(target, "test_inputs"), "wb") as f:
    pickle.dump({b"data": test[b"data"]}, f)
with open(os.path.join(grading, "test_labels.json"), "w") as f:
    json.dump([int(label) for label in test[b"labels"]], f)
print(f"CIFAR-10 ready in {target}; test labels in {grading}")
