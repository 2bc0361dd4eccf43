"""Each file in tests/broken/ is one curator's mistake planted in a copy of the test collection, with
the exact lines `kyvat validate` must print. To rewrite the expected lines after a deliberate change
of wording, run `KYVAT_REGENERATE=1 .venv/bin/python -m pytest tests/test_validate.py` and review the diff.
"""

from __future__ import annotations

import json
import os
import shutil
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus import time_limit, tree_digest
from kyvat.cli import main
from kyvat.yamlfile import make_yaml

BROKEN = Path(__file__).parent / "broken"
# The day loans are measured against, so "(295 days ago)" in 13-loan-past-due holds on any date.
TODAY = "2026-11-22"
CASES = sorted(BROKEN.glob("*.yaml"))


def apply_steps(root: Path, steps: list[dict]) -> None:
    for step in steps:
        if "copy" in step:
            source = root / step["copy"]
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / step["to"])
        elif "rename" in step:
            (root / step["rename"]).rename(root / unicodedata.normalize(step.get("form", "NFC"), step["to"]))
        elif "delete" in step:
            target = root / step["delete"]
            shutil.rmtree(target) if target.is_dir() else target.unlink()
        elif "append" in step:  # `times` repeats the text: a 20 MB record, brackets 10,000 deep
            with (root / step["file"]).open("a", encoding="utf-8") as out:
                out.write(step["append"] * step.get("times", 1))
        elif "bytes" in step:  # !!binary in the case
            (root / step["file"]).write_bytes(step["bytes"])
        elif "line_ends" in step:
            path = root / step["file"]
            path.write_bytes(path.read_bytes().replace(b"\n", step["line_ends"].encode()))
        elif "normalize" in step:  # NFD: each tone mark a character of its own, as macOS writes names
            path = root / step["file"]
            text = unicodedata.normalize(step["normalize"], path.read_text(encoding="utf-8"))
            path.write_text(text, encoding="utf-8")
        elif "bom" in step:
            path = root / step["bom"]
            path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        elif "encode" in step:
            path = root / step["file"]
            # cp1258 writes Vietnamese tones as separate marks, so decompose first
            text = unicodedata.normalize("NFD", path.read_text(encoding="utf-8"))
            path.write_bytes(text.encode(step["encode"], errors="replace"))
        elif "write" in step:
            (root / step["file"]).parent.mkdir(parents=True, exist_ok=True)
            (root / step["file"]).write_text(step["write"], encoding="utf-8")
        else:
            path = root / step["file"]
            text = path.read_text(encoding="utf-8")
            assert step["replace"] in text, f"{step['replace']!r} is not in {step['file']}: fix the case"
            path.write_text(text.replace(step["replace"], step["with"], 1), encoding="utf-8")


def validate(root: Path, *extra: str):
    result = CliRunner().invoke(main, ["--today", TODAY, "validate", "-c", str(root), *extra])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_the_test_collection_is_valid(collection_copy):
    result = validate(collection_copy)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_each_mistake_is_named_for_the_curator(case: Path, collection_copy: Path):
    spec = make_yaml(case.read_text(encoding="utf-8"))
    apply_steps(collection_copy, spec["steps"])
    before = tree_digest(collection_copy)
    with time_limit():
        result = validate(collection_copy)
    assert tree_digest(collection_copy) == before, "validate changed the collection"
    lines = [line for line in result.output.splitlines() if ": error: " in line or ": warning: " in line]
    if os.environ.get("KYVAT_REGENERATE"):
        _rewrite_expect(case, lines)
        return
    assert spec["expect"], f"{case.name} has no expected lines; regenerate and review them"
    assert lines == list(spec["expect"]), "\n".join(["got:"] + lines)
    if spec.get("warning_only"):
        assert result.exit_code == 0
        assert validate(collection_copy, "--strict").exit_code == 1
    else:
        assert result.exit_code == 1
    machine = json.loads(validate(collection_copy, "--format", "json").output)
    assert machine["valid"] is bool(spec.get("warning_only"))
    assert {p["path"] for p in machine["problems"]} == {line.split(":", 1)[0] for line in lines}


def _rewrite_expect(case: Path, lines: list[str]) -> None:
    text = case.read_text(encoding="utf-8")
    head = text[: text.index("expect:")]
    body = "".join(f"  - {json.dumps(line, ensure_ascii=False)}\n" for line in lines)
    case.write_text(head + "expect:\n" + body, encoding="utf-8")


# The same mistakes planted in the bundled sample: exit 1, the file and the field or value named.
SAMPLE_MISTAKES = [
    ("objects/AB-2026-0001/record.yaml", "object_type: letter", "object_type: [letter", "record.yaml:7"),
    ("objects/AB-2026-0001/record.yaml", "object_type: letter\n", "", "object_type"),
    ("objects/AB-2026-0001/record.yaml", "count: 1", "count: một", "'một'"),
    ("objects/AB-2026-0001/record.yaml", "\ntitle:", "\ntitel:", "did you mean 'title'"),
    ("objects/AB-2026-0007/record.yaml", "id: AB-2026-0007", "id: AB-2026-0001", "already used"),
    ("objects/AB-2026-0001/record.yaml", "{person: nguyen-van-duc, role: author}",
     "{person: nguyen-van-dux, role: author}", "'nguyen-van-dux'"),
    ("objects/AB-2026-0001/record.yaml", "donor: nguyen-thi-hoa", "donor: nobody", "'nobody'"),
    ("exhibitions/thu-tu-mat-tran.md", "{{object AB-2026-0013}}", "{{object AB-2026-0099}}", "'AB-2026-0099'"),
    ("objects/AB-2026-0001/record.yaml", "edtf: 1972-03-12", "edtf: 1972-02-31", "1972-02-31"),
    ("objects/AB-2026-0007/record.yaml", "  loan_until: 2027-03-31", "", "acquisition.loan_until"),
]


@pytest.mark.parametrize("file, old, new, named", SAMPLE_MISTAKES, ids=[m[3] for m in SAMPLE_MISTAKES])
def test_mistakes_in_the_sample_are_named(sample_copy: Path, file, old, new, named):
    assert validate(sample_copy).exit_code == 0
    apply_steps(sample_copy, [{"file": file, "replace": old, "with": new}])
    result = validate(sample_copy)
    assert result.exit_code == 1
    assert file in result.output and named in result.output, result.output


def test_a_missing_scan_and_a_bad_encoding_in_the_sample_are_named(sample_copy: Path):
    apply_steps(sample_copy, [{"delete": "objects/AB-2026-0002/scans/003.jpg"},
                              {"file": "people/hoang-thi-mai.yaml", "encode": "cp1258"}])
    result = validate(sample_copy)
    assert result.exit_code == 1
    assert "objects/AB-2026-0002/record.yaml" in result.output and "'003.jpg' is not there" in result.output
    assert "people/hoang-thi-mai.yaml" in result.output and "UTF-8" in result.output


def test_the_sample_has_no_warning(sample_copy: Path):
    """The checks for silent mistakes find none in the bundled sample: it has none of them."""
    result = validate(sample_copy, "--strict")
    assert result.exit_code == 0 and "0 error(s), 0 warning(s)" in result.output, result.output


EMBED_MISTAKES = [
    ("{{Object TT-2026-0001}}", "expected an embed {{object ID}}", "did you mean 'object'?"),
    ("{{object}}", "expected an embed {{object ID}}", "the only embed is {{object ID}}"),
    ("{{object TT-2026-0001 TT-2026-0002}}", "expected an embed {{object ID}}", "the only embed is"),
    ("{{video TT-2026-0001}}", "expected an embed {{object ID}}", "the only embed is"),
    ("Xem {{object TT-2026-0001}} nhé.", "expected an embed on a line of its own", "on a line by itself"),
]


@pytest.mark.parametrize("written, expected, hint", EMBED_MISTAKES, ids=[m[0] for m in EMBED_MISTAKES])
def test_every_embed_the_site_would_print_as_it_is_is_an_error(collection_copy: Path, written, expected, hint):
    apply_steps(collection_copy, [{"file": "exhibitions/thu-gui-me.md", "replace": "{{object TT-2026-0001}}",
                                   "with": f"{{{{object TT-2026-0001}}}}\n\n{written}"}])
    result = validate(collection_copy)
    assert result.exit_code == 1
    (line,) = [line for line in result.output.splitlines() if ": error: " in line]
    assert line.startswith("exhibitions/thu-gui-me.md:12: error: body: " + expected)
    assert f"found '{written[written.index('{{'):written.index('}}') + 2]}'" in line and hint in line


def test_the_same_master_in_two_objects_is_named(collection_copy: Path):
    apply_steps(collection_copy, [
        {"copy": "objects/TT-2026-0001/scans/002.jpg", "to": "objects/TT-2026-0004/scans/002.jpg"},
        {"file": "objects/TT-2026-0004/record.yaml", "replace": "scans:\n",
         "with": "scans:\n  - file: 002.jpg\n    sha256: "
                 "a75029c03b08d12d1541dc4dcdaf801927a54cdbb1051bd3a4cee7e76de4a07b\n"}])
    result = validate(collection_copy)
    assert result.exit_code == 0
    assert "objects/TT-2026-0004/record.yaml" in result.output
    assert "found '002.jpg', the same file as objects/TT-2026-0001/scans/002.jpg (the same sha256)" in result.output


@pytest.mark.parametrize("name, birth, same", [
    ("Phạm Văn Đức", "1950", True), ("PHẠM  VĂN ĐỨC", "1950~", True), ("Phạm Văn Đức", "1951", False),
    ("Phạm Văn Đức", None, False), ("Phạm Văn Được", "1950", False)])
def test_two_people_with_one_folded_name_and_birth_year_are_a_likely_duplicate(collection_copy: Path, name,
                                                                              birth, same):
    text = f"kind: martyr\nname: {name}\n" + (f"birth: {{text: '{birth}', edtf: '{birth}'}}\n" if birth else "")
    apply_steps(collection_copy, [{"file": "people/pham-van-duc-2.yaml", "write": text}])
    result = validate(collection_copy)
    assert result.exit_code == 0
    assert ("kyvat merge person pham-van-duc pham-van-duc-2" in result.output) is same, result.output
