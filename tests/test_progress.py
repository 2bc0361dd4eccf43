"""Progress on long work: the library tells a callback how far it is (every stage's start and end,
each scan as it is made, each master added), and the CLI draws a bar from it only on a terminal."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from broken_scans import jpeg, write_kyvat_yaml, write_object
from kyvat import layout
from kyvat.build import STAGES, build
from kyvat.ingest import write_scans
from kyvat.privacy import to_public
from kyvat.progressbar import Bars, shorten
from kyvat.validate import load_collection


class Recorder:
    """A Progress callback that keeps every call."""

    def __init__(self):
        self.calls: list[tuple[str, int, int, str]] = []

    def __call__(self, task: str, done: int, total: int, current: str = "") -> None:
        self.calls.append((task, done, total, current))

    def of(self, task: str) -> list[tuple[int, int, str]]:
        return [(done, total, current) for name, done, total, current in self.calls if name == task]


def test_a_build_reports_every_stage_and_each_scan_as_it_is_made(collection_copy, tmp_path):
    progress = Recorder()
    report = build(collection_copy, tmp_path / "out", cache=tmp_path / "cache", jobs=2, progress=progress)
    tasks = list(dict.fromkeys(task for task, *_ in progress.calls))
    assert tasks == [stage.name for stage in STAGES]
    for task in tasks:
        calls = progress.of(task)
        assert calls[0][0] == 0, f"{task} starts at 0: {calls}"
        assert calls[-1][0] == calls[-1][1] >= 1, f"{task} ends done == total: {calls}"
        assert [done for done, *_ in calls] == sorted(done for done, *_ in calls), f"{task} never goes back"
    assert progress.of("iiif") == [(0, 1, ""), (1, 1, "")]  # nothing to count: its start and end
    scans = progress.of("derivatives")
    public = to_public(load_collection(collection_copy))
    expected = sorted(layout.scan_rel(obj.id, scan.file) for obj in public.objects for scan in obj.scans)
    assert report.count("scans") == len(expected) > 1
    assert scans[-1][:2] == (len(expected), len(expected))
    assert sorted(current for *_, current in scans if current) == expected  # each master once, as it finished


def test_add_scan_reports_each_master_checked_and_copied(tmp_path):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    write_object(root, "AB-2026-0001", {"001.jpg": jpeg()}, listed=["001.jpg"])
    new = [tmp_path / "a.jpg", tmp_path / "b.jpg"]
    for size, path in enumerate(new, start=30):
        path.write_bytes(jpeg((40, size)))  # two masters, not one twice
    progress = Recorder()
    write_scans(root, "AB-2026-0001", new, progress=progress)
    assert progress.of("check") == [(0, 2, ""), (1, 2, str(new[0])), (2, 2, str(new[1]))]
    assert progress.of("copy") == [(0, 2, ""), (1, 2, "objects/AB-2026-0001/scans/002.jpg"),
                                   (2, 2, "objects/AB-2026-0001/scans/003.jpg")]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bars_draw_the_task_its_share_and_the_current_file_on_a_terminal_only():
    calls = [("derivatives", 0, 1, ""), ("derivatives", 0, 4, ""),
             ("derivatives", 1, 4, "objects/AB-2026-0001/scans/001.jpg"), ("derivatives", 4, 4, "")]
    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        with Bars(stream, mininterval=0) as progress:
            for call in calls:
                progress(*call)
        assert progress.bars == {}  # every bar closed once its task ended
    drawn = terminal.getvalue()
    assert "derivatives:" in drawn and " 25%|" in drawn and "1/4" in drawn
    assert "objects/AB-2026-0001/scans/001.jpg" in drawn
    assert pipe.getvalue() == ""


def test_leaving_clears_the_bar_of_a_task_that_never_ended():
    terminal = Terminal()
    with pytest.raises(RuntimeError), Bars(terminal, mininterval=0) as progress:
        progress("site", 0, 1)
        raise RuntimeError("a template failed")
    assert progress.bars == {}
    assert terminal.getvalue().endswith("\r")  # tqdm rubbed the line out: the error starts clean


def test_a_long_current_file_keeps_its_end():
    path = "objects/AB-2026-0001/scans/" + "x" * 60 + ".tif"
    assert shorten(path).endswith("x.tif") and len(shorten(path)) == 48 and shorten(path).startswith("…")
    assert shorten("objects/AB-2026-0001/scans/001.jpg") == "objects/AB-2026-0001/scans/001.jpg"


def _kyvat_build(collection: Path, tmp_path: Path, **streams) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kyvat", "--today", "2026-06-01", "build", "-c", str(collection),
                             "-o", str(tmp_path / "out"), "--cache", str(tmp_path / "cache"), "--jobs", "2"],
                            **streams)


def test_kyvat_build_draws_a_bar_on_a_terminal_and_nothing_in_a_pipe(collection_copy, tmp_path):
    pty = pytest.importorskip("pty")  # a POSIX terminal; Windows consoles are drawn by the same tqdm
    import fcntl
    import struct
    import termios

    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # 100 columns
    process = _kyvat_build(collection_copy, tmp_path, stdin=secondary, stdout=secondary, stderr=secondary)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # EIO: the build has ended and closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert process.wait(timeout=120) == 0
    on_terminal = b"".join(chunks).decode("utf-8")
    assert "derivatives:" in on_terminal and "%|" in on_terminal and "\r" in on_terminal

    piped = _kyvat_build(collection_copy, tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stdout, stderr = piped.communicate(timeout=120)
    assert piped.returncode == 0, stderr
    assert "object(s)" in stdout  # the summary a script reads
    assert "\r" not in stdout + stderr and "%|" not in stdout + stderr and "derivatives" not in stderr
