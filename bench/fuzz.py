"""The long fuzzing run (issue 14): the properties of tests/test_fuzz_yaml.py — YAML texts, records,
spliced and alias-bombed records, whole small collections — with many more examples than `make
test` tries, and the time each property took.

    .venv/bin/python bench/fuzz.py [--examples 5000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=5000)
    arguments = parser.parse_args()
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--durations=0",
                           str(REPO / "tests" / "test_fuzz_yaml.py")], cwd=REPO,
                          env=dict(os.environ, KYVAT_FUZZ_EXAMPLES=str(arguments.examples)))
    print(f"{arguments.examples} examples per property: {time.perf_counter() - start:.0f} s, "
          f"{'nothing found' if done.returncode == 0 else 'FOUND A FAILURE (above)'}")
    sys.exit(done.returncode)


if __name__ == "__main__":
    main()
