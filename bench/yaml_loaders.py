"""Reading records at scale: the time to read and parse 10,000 record.yaml files with each YAML
loader kyvat could use for the build, all keeping the line of every key (or, for ruamel.yaml,
its own position data).

    .venv/bin/python bench/yaml_loaders.py [--records 10000] [--repeat 3]

The records are the sample collection's, copied round-robin under new ids into a temporary folder.
Loaders: PyYAML's pure-Python SafeLoader with kyvat's line-keeping constructors (what yamlfile
used before), the same constructors on PyYAML's libyaml-based CSafeLoader (what it uses now), and
ruamel.yaml's round-trip loader (what recordedit uses to edit one record).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import yaml
from ruamel.yaml import YAML

from kyvat import yamlfile

SAMPLE = Path(__file__).resolve().parents[1] / "collection" / "objects"


class PureLoader(yaml.SafeLoader):
    pass


PureLoader.add_constructor("tag:yaml.org,2002:timestamp", yamlfile._timestamp)
PureLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, yamlfile._mapping)
PureLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, yamlfile._sequence)


def write_records(folder: Path, count: int) -> list[Path]:
    samples = sorted(SAMPLE.glob("*/record.yaml"))
    texts = [(p.parent.name, p.read_text(encoding="utf-8")) for p in samples]
    paths = []
    for i in range(count):
        old_id, text = texts[i % len(texts)]
        new_id = f"AB-2026-{i + 1:05d}"
        path = folder / new_id / "record.yaml"
        path.parent.mkdir(parents=True)
        path.write_text(text.replace(old_id, new_id), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ruamel_rt = YAML(typ="rt")
    loaders = {
        "PyYAML pure SafeLoader + lines": lambda text: yaml.load(text, Loader=PureLoader),  # noqa: S506
        "PyYAML CSafeLoader + lines (yamlfile)": yamlfile.make_yaml,
        "ruamel.yaml round-trip": ruamel_rt.load,
    }
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_records(Path(tmp), args.records)
        size = sum(p.stat().st_size for p in paths)
        print(f"{len(paths)} records, {size / 1e6:.1f} MB, PyYAML {yaml.__version__} "
              f"(libyaml: {yaml.__with_libyaml__})")
        reference = [yamlfile.make_yaml(p.read_text(encoding="utf-8")) for p in paths[:50]]
        for name, load in loaders.items():
            assert [load(p.read_text(encoding="utf-8")) for p in paths[:50]] == reference, name
            best = float("inf")
            for _ in range(args.repeat):
                start = time.perf_counter()
                for path in paths:
                    load(path.read_text(encoding="utf-8"))
                best = min(best, time.perf_counter() - start)
            print(f"{name:40s} {best:6.2f} s  ({best / len(paths) * 1e3:.2f} ms a record)")


if __name__ == "__main__":
    main()
