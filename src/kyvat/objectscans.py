"""An object's scans: the list its record.yaml holds, checked against the files in its folder, each
named, paged (a PDF is a scan per page) and given its transcript; what the list leaves out is noted.
"""

from __future__ import annotations

import difflib
from typing import Any

from . import i18n, layout, leftovers, pdf
from .errors import make_params
from .fields import FieldReader, describe, is_refused, read_text_file
from .messages import N_
from .model import TRANSCRIPTIONS, Scan
from .yamlfile import LineDict


def _scan_entry(r: FieldReader, value: Any, field: str, line: int | None) -> Scan | None:
    if isinstance(value, str):
        return Scan(file=value.strip(), line=line)
    data = r.mapping(value, field, line, ("file", "label", "sha256"), ("file",))
    if data is None or not data.get("file"):
        return None
    return Scan(file=r.string(data["file"], f"{field}.file", r.line_of(data, "file", line)),
                label=r.text(data.get("label"), f"{field}.label", r.line_of(data, "label", line)),
                sha256=r.string(data.get("sha256"), f"{field}.sha256", r.line_of(data, "sha256", line)).lower(),
                line=r.line_of(data, "file", line))


def read_scans(r: FieldReader, data: LineDict, where: layout.Layout, object_id: str, object_type: str,
               words: i18n.Words) -> tuple[Scan, ...]:
    """The scans of the object in folder `object_id` whose record is `data` (without a `scans` list,
    every file in its scans/ folder); `words` names the ones the curator did not."""
    scan_dir = where.scans(object_id)
    on_disk = sorted(p.name for p in scan_dir.iterdir() if not p.name.startswith(".")) if scan_dir.is_dir() else []
    listed = r.each(data, "scans", "scans", lambda v, f, ln: _scan_entry(r, v, f, ln))
    scans = listed if "scans" in data else tuple(Scan(file=name) for name in on_disk)
    source = r.string(data.get("transcription"), "transcription", r.line_of(data, "transcription")) or "manual"
    if source not in TRANSCRIPTIONS:
        r.problem("transcription", N_("manual or ocr"), describe(source), r.line_of(data, "transcription"))
    out, listed_at = [], {}
    for index, scan in enumerate(scans):
        name = scan.file
        if "/" in name or "\\" in name or name in ("", ".", ".."):
            r.problem(f"scans[{index}].file", N_("a file name inside scans/ (no folders, no '..')"),
                      describe(name), scan.line, scope="scan")
            continue
        if name not in on_disk:
            unlisted = [f for f in on_disk if f not in {s.file for s in scans}]
            close = difflib.get_close_matches(name, unlisted, n=1, cutoff=0.6)
            r.problem(f"scans[{index}].file", N_("a file in {folder}/"), N_("'{name}' is not there"),
                      scan.line, hint=N_("did you mean '{close}'?") if close else "", scope="scan",
                      params=make_params(folder=layout.scans_rel(object_id), name=name,
                                         close=close[0] if close else ""))
            continue
        if name in listed_at:  # the site and IIIF find a scan's service by its file name
            r.problem(f"scans[{index}].file", N_("each file listed once"), N_("'{name}', already scans[{index}]"),
                      scan.line, scope="scan", params=make_params(name=name, index=listed_at[name]))
            continue
        listed_at[name] = index
        pages = pdf.read_scan_pages(where.scan(object_id, name))  # a PDF is a scan per page
        for page in pages:
            transcript_path, transcript_rel = where.transcript(object_id, name, page), \
                layout.transcript_rel(object_id, name, page)
            transcript = ""
            if not is_refused(where.root, transcript_path, transcript_rel, r.problems, scope="scan") \
                    and transcript_path.is_file():
                transcript = read_text_file(transcript_path, transcript_rel, r.problems) or ""
            # Named here, once, so the site, IIIF, the search indexes and `kyvat show` call it the same;
            # numbered among the scans kept, as its canvas and its #pN anchor are.
            label = scan.label or i18n.make_scan_label(words, Scan(file=name).kind, object_type, len(out) + 1)
            if scan.label and len(pages) > 1:
                label = i18n.make_file_page_label(words, scan.label, page)
            out.append(Scan(file=name, label=label, sha256=scan.sha256, transcript=transcript.strip(),
                            transcript_source=source if transcript.strip() else "", line=scan.line, page=page))
    r.problems += leftovers.read_leftovers(where, object_id, [s.file for s in scans], out, r.line_of(data, "scans"))
    return tuple(out)
