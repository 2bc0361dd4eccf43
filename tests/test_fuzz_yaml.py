"""Fuzzing the YAML a curator can write: texts made of YAML's own signs (brackets, quotes, anchors,
aliases, tags, tabs, control characters, line ends) and records of every key with values of every
shape, each also cut or spliced. Whatever the text, the loader returns data or raises its own
YamlSyntaxError, and `kyvat validate` and `kyvat show` end with a message (exit 0 or 1, never a
traceback), each within a time bound.

This is the short run of `make test`: KYVAT_FUZZ_EXAMPLES sets how many examples each property
tries (a long run: KYVAT_FUZZ_EXAMPLES=5000).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURE_COLLECTION
from corpus import time_limit
from kyvat.cli import main
from kyvat.records import ARTIFACT_KEYS
from kyvat.validate import check_collection
from kyvat.yamlfile import YamlSyntaxError, make_front_matter, make_yaml, to_yaml

EXAMPLES = int(os.environ.get("KYVAT_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SECONDS = 5  # one example: a record read, checked or shown

# YAML's signs, and what a curator's keyboard (or a broken program) adds to them
PIECES = ["\n", "\r\n", " ", "  ", "\t", ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "'", '"', "#", "&a", "*a",
          "&b", "*b", "!!binary ", "!!set ", "!!python/object ", "!!str ", "<<: ", "? ", "|", ">", "%YAML 1.1\n",
          "---\n", "...\n", "\\", "\x00", "\x07", "\ufeff", "\u2028", "1972-02-30", "9" * 5000, "1e999", ".nan",
          "id", "title", "vi", "en", "scans", "file", "Thư gửi mẹ", "Đức", "ư", "TT-2026-0001", "null", "~",
          "yes"]
texts = st.one_of(st.lists(st.sampled_from(PIECES), max_size=60).map("".join), st.text(max_size=300))

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=40),
                    st.dates().map(str), st.sampled_from(["letter", "gift", "public", "TT-2026-0001", "1972~"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.sampled_from(ARTIFACT_KEYS + ("vi", "en")),
                                                                       inner, max_size=4)),
                      max_leaves=20)
records = st.dictionaries(st.sampled_from(ARTIFACT_KEYS), values, max_size=12).map(to_yaml)


@st.composite
def spliced(draw, base):
    """A text cut at one place and another text put in."""
    text = draw(base)
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(texts) + text[at + draw(st.integers(0, 20)):]


@st.composite
def laughs(draw):
    """Anchors and aliases of aliases (a "billion laughs" when wide and deep), under a record's key."""
    width, depth = draw(st.integers(1, 10)), draw(st.integers(1, 9))
    key = draw(st.sampled_from(ARTIFACT_KEYS + ("family_phone",)))
    lines = [f"{key}:", "  l0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"  l{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, depth)]
    return draw(records) + "\n".join(lines) + "\n"


any_text = st.one_of(texts, records, spliced(records), laughs())
RECORD = "objects/TT-2026-0002/record.yaml"
EXHIBITION = "exhibitions/thu-gui-me.md"


@pytest.fixture(scope="module")
def collection(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "collection"
    shutil.copytree(FIXTURE_COLLECTION, root)
    return root


@FUZZ
@given(any_text)
def test_the_loader_returns_data_or_its_own_error(text):
    with time_limit(SECONDS):
        for parse in (make_yaml, make_front_matter):
            try:
                parse(text if parse is make_yaml else f"---\n{text}\n---\nBody\n")
            except YamlSyntaxError as exc:
                assert exc.message and (exc.line is None or exc.line >= 1)


@FUZZ
@given(text=any_text, where=st.sampled_from([RECORD, EXHIBITION]))
def test_validate_and_show_end_in_a_message(collection, text, where):
    path = collection / where
    kept = path.read_bytes()
    path.write_text(f"---\n{text}\n---\n{{{{object TT-2026-0001}}}}\n" if where.endswith(".md") else text,
                    encoding="utf-8", errors="surrogatepass")
    try:
        with time_limit(SECONDS):
            check_collection(collection)  # returns problems; raises nothing
            for args in (["validate"], ["show", "TT-2026-0002"]):
                result = CliRunner().invoke(main, ["--today", "2026-11-22", args[0], "-c", str(collection), *args[1:]])
                assert result.exit_code in (0, 1), (result.output, result.exception)
                assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
                assert "Traceback" not in result.output
    finally:
        path.write_bytes(kept)


# Whole small collections: a few people and objects whose fields and links are drawn, so links
# point at people who exist, who do not, at the object itself, at an exhibition that embeds any of them.
ids = st.sampled_from(["p-an", "p-binh", "p-chi", "p-missing", "", "../kyvat", "P AN"])
people_records = st.fixed_dictionaries({"kind": st.sampled_from(["martyr", "donor", "relative", "ghost", ""]),
                                        "name": st.one_of(st.text(max_size=20), st.sampled_from(["Nguyễn Văn Đức"]))},
                                       optional={"birth": st.one_of(scalars, st.sampled_from(["1950", "30/02/1950"])),
                                                 "relationships": st.lists(st.fixed_dictionaries(
                                                     {"person": ids, "relation": st.text(max_size=8)}), max_size=2),
                                                 "publish_name": scalars, "draft": scalars})
object_records = st.fixed_dictionaries(
    {"title": st.one_of(st.text(max_size=20), st.fixed_dictionaries({"vi": st.text(max_size=10)})),
     "object_type": st.sampled_from(["letter", "photograph", "audio", "spaceship"]),
     "acquisition": st.fixed_dictionaries({"method": st.sampled_from(["gift", "loan", "copy", "theft"]),
                                           "date": st.sampled_from(["2026-01-02", "2026-13-01", "hôm qua"])},
                                          optional={"donor": ids, "loan_until": st.sampled_from(["2026-02-01", "x"])})},
    optional={"people": st.lists(st.fixed_dictionaries({"person": ids, "role": st.sampled_from(["author", "x"])}),
                                 max_size=3),
              "date": st.one_of(scalars, st.sampled_from(["khoảng 1968", "5/13/1972", "196X"])),
              "visibility": st.sampled_from(["public", "restricted", "secret"]), "draft": scalars,
              "scans": st.lists(st.fixed_dictionaries({"file": st.sampled_from(["001.jpg", "../x.jpg", ""])}),
                                max_size=2)})
collections = st.fixed_dictionaries({
    "people": st.dictionaries(st.sampled_from(["p-an", "p-binh", "p-chi"]), people_records, max_size=3),
    "objects": st.lists(object_records, max_size=4),
    "embeds": st.lists(st.sampled_from(["TT-2026-0001", "TT-2026-0003", "TT-2026-0009", "x"]), max_size=3)})


@FUZZ
@given(drawn=collections)
def test_whole_small_collections_end_in_a_message(tmp_path_factory, drawn):
    root = tmp_path_factory.mktemp("fuzz-collection") / "collection"
    (root / "people").mkdir(parents=True)
    (root / "exhibitions").mkdir()
    (root / "kyvat.yaml").write_text("name: {vi: Thử, en: Test}\nbase_url: https://t.test/\n"
                                     "accession_pattern: 'TT-{year}-{seq:04d}'\n", encoding="utf-8")
    for person_id, record in drawn["people"].items():
        (root / "people" / f"{person_id}.yaml").write_text(to_yaml(record), encoding="utf-8")
    for number, record in enumerate(drawn["objects"], start=1):
        folder = root / "objects" / f"TT-2026-{number:04d}"
        folder.mkdir(parents=True)
        (folder / "record.yaml").write_text(to_yaml({"id": folder.name, **record}), encoding="utf-8")
    body = "\n\n".join(f"{{{{object {embed}}}}}" for embed in drawn["embeds"])
    (root / "exhibitions" / "thu.md").write_text(f"---\ntitle: Thư\n---\n{body}\n", encoding="utf-8")
    with time_limit(SECONDS * 2):
        check_collection(root)
        for args in (["validate"], ["show", "TT-2026-0001"], ["list"]):
            result = CliRunner().invoke(main, ["--today", "2026-11-22", args[0], "-c", str(root), *args[1:]])
            assert result.exit_code in (0, 1), (result.output, result.exception)
            assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
