# The commands the README gives. `make test` is what CI runs.
.PHONY: test build release bench run

test:
	swift test

build:
	swift build

release:
	swift build -c release

bench: release
	python3 bench/compare_deap.py --gebench "$$(swift build -c release --show-bin-path)/gebench"

run:
	@echo "make run is not available yet: the local evolution run needs the daemon and seeds (issues #4 and #5)." >&2
	@exit 2
