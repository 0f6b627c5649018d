"""Unpacks the CIFAR-10 "python version" archive for this seed.

    python3 prepare_data.py /path/to/cifar-10-python.tar.gz

Writes data/cifar-10-batches-py/ next to this script. Nothing is downloaded:
get the archive from https://www.cs.toronto.edu/~kriz/cifar.html.
"""
import os
import sys
import tarfile

if len(sys.argv) != 2 or not os.path.isfile(sys.argv[1]):
    sys.exit("usage: python3 prepare_data.py /path/to/cifar-10-python.tar.gz (the archive was not found)")
target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
os.makedirs(target, exist_ok=True)
with tarfile.open(sys.argv[1], "r:gz") as archive:
    members = [m for m in archive.getmembers() if m.name.startswith("cifar-10-batches-py/") and m.isfile()]
    if not any(m.name.endswith("/test_batch") for m in members):
        sys.exit(f"{sys.argv[1]} is not the CIFAR-10 python archive (no cifar-10-batches-py/test_batch)")
    archive.extractall(target, members=members)
print(f"CIFAR-10 ready in {os.path.join(target, 'cifar-10-batches-py')}")
