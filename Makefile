# The commands the README gives. `make test` is what CI runs.
.PHONY: test build release bench run data

test:
	swift test

build:
	swift build

release:
	swift build -c release

bench: release
	python3 bench/compare_deap.py --gebench "$$(swift build -c release --show-bin-path)/gebench"

# One complete local evolution run on the CPU seed (see scripts/run-local.sh).
run:
	scripts/run-local.sh

# Unpack CIFAR-10 for sota/ExquisiteNetV2: make data CIFAR=/path/to/cifar-10-python.tar.gz
data:
	@test -n "$(CIFAR)" || { echo "usage: make data CIFAR=/path/to/cifar-10-python.tar.gz" >&2; exit 2; }
	python3 sota/ExquisiteNetV2/prepare_data.py "$(CIFAR)"
