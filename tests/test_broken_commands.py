"""The broken inputs of tests/broken/commands/: each a mistake planted in a collection (a copy of the
test collection, or a fresh `kyvat init` one), then one command run on it (`kyvat show`, `kyvat build`,
…), as a curator would. Each case must answer within corpus.SECONDS with the exit code and words it
expects, never a traceback, and leave every file of the collection as it was.

A `fault` makes the system refuse writes under the output folder's parent as a full disk
(ENOSPC) or a read-only disk (EROFS) would, after `after` files were written: the tests run as
root in CI, where a folder's permissions refuse nothing, and a small full disk cannot be mounted.
"""

from __future__ import annotations

import builtins
import errno
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURE_COLLECTION
from corpus import SLOWEST, time_limit, tree_digest
from kyvat.cli import main
from kyvat.yamlfile import make_yaml
from test_validate import TODAY, apply_steps

CASES = sorted((Path(__file__).parent / "broken" / "commands").glob("*.yaml"))


def make_collection(kind: str, root: Path) -> None:
    if kind == "init":
        result = CliRunner().invoke(main, ["init", str(root)])
        assert result.exit_code == 0, result.output
    else:
        shutil.copytree(FIXTURE_COLLECTION, root)


def refuse_writes(monkeypatch, under: Path, code: int, after: int) -> None:
    """From the `after`+1-th, every file opened for writing, folder made or link made under `under`
    fails with `code`."""
    made = [0]
    real_open, real_mkdir, real_link = builtins.open, os.mkdir, os.link

    def refused(path) -> bool:
        inside = str(os.path.abspath(os.fsdecode(path))).startswith(str(under) + os.sep)
        if inside:
            made[0] += 1
        return inside and made[0] > after

    def fail(path):
        raise OSError(code, os.strerror(code), os.fsdecode(path))

    def fake_open(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)) and any(m in mode for m in "wax+") and refused(file):
            fail(file)
        return real_open(file, mode, *args, **kwargs)

    def fake_mkdir(path, *args, **kwargs):
        if refused(path):
            fail(path)
        return real_mkdir(path, *args, **kwargs)

    def fake_link(source, target, *args, **kwargs):
        if refused(target):
            fail(target)
        return real_link(source, target, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(io, "open", fake_open)
    monkeypatch.setattr(os, "mkdir", fake_mkdir)
    monkeypatch.setattr(os, "link", fake_link)


def run(root: Path, out: Path, spec: dict):
    words = spec["command"].split()
    given = [arg.replace("{root}", str(root)) for arg in spec.get("args", [])]
    args = ["--today", TODAY, *words, "-c", str(root), *given]
    if words[0] == "build":
        args += ["--jobs", "1"] + ([] if "-o" in given else ["-o", str(out)])
    return CliRunner().invoke(main, args)


def assert_site_whole(site: Path) -> None:
    """The pages of both languages, the IIIF collection and the search index, and every relative
    link of every page reaching a file."""
    for needed in ("index.html", "en/index.html", "iiif/collection.json", "pagefind/pagefind.js", "search/index.html"):
        assert (site / needed).is_file(), needed
    json.loads((site / "iiif/collection.json").read_text(encoding="utf-8"))
    for page in site.rglob("*.html"):
        if "pagefind" in page.parts or page.name == "404.html":
            continue
        for ref in re.findall(r'(?:href|src)="([^"#?]*)', page.read_text(encoding="utf-8")):
            if ref and "://" not in ref and not ref.startswith(("mailto:", "tel:", "/")):
                target = (page.parent / ref).resolve()
                assert target.exists(), f"{page.relative_to(site)} links to {ref}, which is not there"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_each_broken_input_ends_in_a_message_fast(case: Path, tmp_path: Path, monkeypatch):
    spec = make_yaml(case.read_text(encoding="utf-8"))
    root, out = tmp_path / "collection", tmp_path / "out" / "site"
    make_collection(spec.get("collection", "fixture"), root)
    apply_steps(root, spec.get("steps", []))
    if spec.get("built_before"):  # `true`, or the options of that earlier build (a site the next must remake)
        earlier = spec["built_before"] if isinstance(spec["built_before"], list) else []
        assert run(root, out, {"command": "build", "args": earlier}).exit_code == 0
    before, site_before = tree_digest(root), tree_digest(out) if out.exists() else None
    if spec.get("fault"):
        refuse_writes(monkeypatch, out.parent, getattr(errno, spec["fault"]["errno"]), spec["fault"].get("after", 0))
    with time_limit():
        result = run(root, out, spec)
    monkeypatch.undo()
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code == spec["exit"], result.output
    for words in spec.get("output", []):
        assert words in result.output, f"{words!r} is not in:\n{result.output}"
    assert tree_digest(root) == before, "the command changed the collection"
    if spec.get("site"):
        assert_site_whole(out)
    elif spec["command"] == "build":  # nothing written: yesterday's site as it was, or none, and no leftover
        assert (tree_digest(out) if out.exists() else None) == site_before
        leftovers = [p.name for p in out.parent.iterdir() if p.name != "site"] if out.parent.exists() else []
        assert leftovers == [], "a staging folder was left behind"


def test_the_corpus_holds_seventy_cases_and_reports_its_slowest():
    validate_cases = list((Path(__file__).parent / "broken").glob("*.yaml"))
    assert len(validate_cases) + len(CASES) >= 70
    print(f"slowest case so far: {SLOWEST[0]:.1f} s")
