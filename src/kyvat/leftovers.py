"""Files in an object's folder that its record does not account for: masters it does not list,
transcripts of no scan, and copies an interrupted `kyvat add-scan` left half-made.

None of them is published, so each is a warning; but each is likely a mistake the curator would
never notice otherwise (a page scanned and forgotten, a transcript named after the wrong page).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from . import layout
from .errors import Problem, make_params
from .messages import N_
from .model import Scan


def read_leftovers(where: layout.Layout, object_id: str, listed: Iterable[str], kept: Iterable[Scan],
                   line: int | None) -> list[Problem]:
    """The problems of the files in objects/ID/scans/ and transcripts/ beside the scans the record
    lists (`listed`: file names as written; a record without a list lists every file) and keeps
    (`kept`, a PDF's pages each a scan). `line` is the line of the record's `scans:`."""
    listed = set(listed)
    problems = []
    record = layout.record_rel(object_id)
    on_disk = []
    for path in _files(where.scans(object_id)):
        name = path.name
        scan = layout.partial_of(name)
        if scan:
            problems.append(Problem(
                where.relative(path), "", N_("no copy left half-made"),
                N_("a copy of {scan} that 'kyvat add-scan' did not finish (it was interrupted)"), severity="warning",
                hint=N_("delete it; if the record does not list {scan}, add that scan again with 'kyvat add-scan'"),
                params=make_params(scan=scan)))
        elif not name.startswith("."):
            on_disk.append(name)
            if name not in listed:
                problems.append(Problem(
                    record, "scans", N_("every file in {folder}/ listed in the record"),
                    N_("'{name}', which it does not list (it is not published)"), line, severity="warning",
                    hint=N_("add '- file: {name}' under scans:, or move it out of scans/; if an interrupted "
                            "'kyvat add-scan' left it, it may be incomplete: delete it and add the scan again"),
                    params=make_params(folder=layout.scans_rel(object_id), name=name)))
    # A transcript of a listed scan whose file is missing, or of a file the record does not list,
    # is a consequence of a mistake reported above, not a second one.
    transcribed = {layout.transcript_name(s.file, s.page) for s in kept}
    transcribed |= {layout.transcript_name(name) for name in listed | set(on_disk)}
    first = min(on_disk, default="001.jpg")  # the example the message gives
    example = where.transcript(object_id, first).relative_to(where.object_dir(object_id)).as_posix()
    for path in _files(where.transcripts(object_id)):
        if path.suffix == layout.TRANSCRIPT_SUFFIX and not path.name.startswith(".") \
                and path.name not in transcribed:
            problems.append(Problem(
                where.relative(path), "", N_("the transcript of a scan ({example} is the text of {scan})"),
                N_("no scan {name} in {folder}/ (it is not published)"), severity="warning",
                hint=N_("rename it after its scan, or add the scan with 'kyvat add-scan'"),
                params=make_params(example=example, scan=layout.scan_in_object(first), name=path.stem,
                                   folder=layout.scans_rel(object_id))))
    return problems


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
