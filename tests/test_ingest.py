"""add-scan never adds a master twice, and what an interrupted copy leaves is named by validate.
(Numbering, checksums and the record kept as written are in test_media.py.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from broken_scans import jpeg, write_kyvat_yaml, write_object
from kyvat import ingest
from kyvat.cli import main
from kyvat.errors import MediaError
from kyvat.validate import check_collection

TODAY = "2026-11-22"


def run(*args: str):
    result = CliRunner().invoke(main, ["--today", TODAY, *[str(a) for a in args]])
    assert "Traceback" not in result.output, result.output
    return result


def state(folder: Path) -> tuple[bytes, list[str]]:
    """The record's bytes and every name in scans/ (hidden ones too)."""
    return (folder / "record.yaml").read_bytes(), sorted(p.name for p in (folder / "scans").iterdir())


@pytest.mark.parametrize("listed", [True, False], ids=["listed", "every-file"])
def test_add_scan_refuses_a_master_the_object_already_has(tmp_path, listed):
    """By the record's checksum when it lists its scans; by hashing the files when it has no list
    (it is about to get one, with their checksums)."""
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    folder = write_object(root, "AB-2026-0001", {"001.jpg": jpeg()}, listed=["001.jpg"] if listed else None)
    before = state(folder)
    again, new = tmp_path / "scan again.jpg", tmp_path / "new.jpg"
    again.write_bytes(jpeg())
    new.write_bytes(jpeg((300, 200)))
    result = run("add-scan", "-c", root, "AB-2026-0001", new, again)
    assert result.exit_code == 1
    assert f"{again}: is the same file as objects/AB-2026-0001/scans/001.jpg (the same SHA-256)" in result.output
    assert state(folder) == before, "nothing is added, not even the new page given before it"


def test_add_scan_refuses_the_same_file_given_twice(tmp_path):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    folder = write_object(root, "AB-2026-0001", {"001.jpg": jpeg()}, listed=["001.jpg"])
    before = state(folder)
    first, copy = tmp_path / "a.jpg", tmp_path / "b.jpg"
    first.write_bytes(jpeg((300, 200)))
    copy.write_bytes(first.read_bytes())
    result = run("add-scan", "-c", root, "AB-2026-0001", first, copy)
    assert result.exit_code == 1 and f"{copy}: is the same file as {first}" in result.output
    assert state(folder) == before


def test_a_copy_that_fails_leaves_no_hidden_file(tmp_path, monkeypatch):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    folder = write_object(root, "AB-2026-0001", {"001.jpg": jpeg()}, listed=["001.jpg"])
    before = state(folder)
    new = tmp_path / "new.jpg"
    new.write_bytes(jpeg((300, 200)))

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ingest.os, "fsync", full_disk)
    with pytest.raises(OSError):
        ingest.write_scans(root, "AB-2026-0001", [new])
    assert state(folder) == before


def test_an_add_scan_killed_while_copying_leaves_a_copy_validate_names(tmp_path):
    """A killed process runs no clean-up: its copy stays under the hidden name, is never taken for
    a scan, and validate names it with what to do."""
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    folder = write_object(root, "AB-2026-0001", {"001.jpg": jpeg()}, listed=["001.jpg"])
    record = (folder / "record.yaml").read_bytes()
    new = tmp_path / "new.jpg"
    new.write_bytes(jpeg((300, 200)))
    killed_before_naming = (
        "import os, sys\nfrom pathlib import Path\nfrom kyvat import ingest\n"
        "ingest._link_new = lambda partial, target: os._exit(9)\n"
        "ingest.write_scans(Path(sys.argv[1]), 'AB-2026-0001', [Path(sys.argv[2])])\n")
    assert subprocess.run([sys.executable, "-c", killed_before_naming, root, new]).returncode == 9
    assert state(folder) == (record, [".002.jpg.partial", "001.jpg"])
    collection, problems = check_collection(root)
    assert [s.file for s in collection.objects[0].scans] == ["001.jpg"]
    assert [(p.path, p.severity) for p in problems] == [("objects/AB-2026-0001/scans/.002.jpg.partial", "warning")]
    assert "'kyvat add-scan' did not finish" in problems[0].found and "delete it" in problems[0].hint
    assert run("add-scan", "-c", root, "AB-2026-0001", new).exit_code == 0, "the next add-scan is not hindered"
    assert state(folder)[1] == ["001.jpg", "002.jpg"], "its copy of 002.jpg took the stale copy's place"
    assert check_collection(root)[1] == []


def test_a_master_is_never_overwritten_even_by_a_file_that_appeared_meanwhile(tmp_path):
    folder = tmp_path / "scans"
    folder.mkdir()
    source, target = tmp_path / "new.jpg", folder / "002.jpg"
    source.write_bytes(jpeg((300, 200)))
    target.write_bytes(b"a master someone else just wrote")
    with pytest.raises(MediaError, match="already exists; a master is never overwritten"):
        ingest._copy_new(source, folder / ".002.jpg.partial", target, {})
    assert target.read_bytes() == b"a master someone else just wrote"
    assert sorted(p.name for p in folder.iterdir()) == ["002.jpg"]
