"""The stage contract: a new output is one Stage plus one line in the list; `build(only=…)` runs a
subset and keeps the rest of the previous output; every build is swapped in whole or not at all."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kyvat.build import STAGES, build
from kyvat.cli import main
from kyvat.errors import KyvatError
from kyvat.stages import BuildContext, Stage, StageReport, make_owner
from kyvat.validate import load_collection

from conftest import FIXTURE_COLLECTION


class RecordsCsv(Stage):
    """The toy output: every public object as a row of a CSV file at the site's root."""

    name = "records-csv"
    outputs = ("records.csv",)

    def run(self, context: BuildContext) -> StageReport:
        rows = io.StringIO()
        writer = csv.writer(rows)
        writer.writerow(["id", "title", "url"])
        for obj in context.public.objects:
            writer.writerow([obj.id, obj.title.vi, obj.id + "/"])
        context.path("records.csv").write_text(rows.getvalue(), encoding="utf-8")
        return StageReport(self.name, counts={"csv_rows": len(context.public.objects)})


class Crash(Stage):
    name = "crash"
    outputs = ("crash.txt",)

    def run(self, context: BuildContext) -> StageReport:
        context.path("crash.txt").write_text("half", encoding="utf-8")
        raise KeyboardInterrupt  # as a Ctrl-C would, after the other stages wrote everything


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_new_output_is_one_stage_and_one_line(tmp_path):
    out = tmp_path / "site"
    report = build(FIXTURE_COLLECTION, out, cache=tmp_path / "cache", jobs=1, stages=(*STAGES, RecordsCsv()))
    public_ids = [o.id for o in load_collection(FIXTURE_COLLECTION).objects if o.is_public]
    rows = list(csv.reader((out / "records.csv").read_text(encoding="utf-8").splitlines()))
    assert [row[0] for row in rows[1:]] == public_ids
    assert report.count("csv_rows") == len(public_ids) and report.stages["records-csv"].seconds >= 0
    assert list(report.stages) == [s.name for s in STAGES] + ["records-csv"]
    assert (out / "index.html").is_file()  # the built-in stages ran too
    figures = report.as_dict()
    assert figures["csv_rows"] == len(public_ids) and figures["stages"]["records-csv"]["counts"] == {
        "csv_rows": len(public_ids)}


def test_a_stage_that_fails_leaves_the_previous_output_whole(tmp_path):
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(FIXTURE_COLLECTION, out, cache=cache, jobs=1, stages=(*STAGES, RecordsCsv()))
    before = snapshot(out)
    with pytest.raises(KeyboardInterrupt):
        build(FIXTURE_COLLECTION, out, cache=cache, jobs=1, stages=(*STAGES, Crash()))
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_only_runs_the_named_stages_and_keeps_the_other_files(tmp_path):
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(FIXTURE_COLLECTION, out, cache=cache, jobs=1)
    before = snapshot(out)
    home = (out / "index.html").stat().st_ino
    (out / "iiif" / "collection.json").write_text("{}", encoding="utf-8")  # damaged: the iiif stage remakes it
    report = build(FIXTURE_COLLECTION, out, cache=cache, only=("iiif",))
    assert list(report.stages) == ["iiif"]
    assert snapshot(out) == before
    assert (out / "index.html").stat().st_ino == home  # kept as it was, not rewritten


def test_an_unknown_stage_is_named(tmp_path):
    with pytest.raises(KyvatError, match="no build stage named pages.*derivatives, iiif"):
        build(FIXTURE_COLLECTION, tmp_path / "site", cache=tmp_path / "cache", only=("pages",))


def test_each_site_file_has_one_owner():
    owner = lambda path: make_owner(STAGES, path).name  # noqa: E731
    assert owner("iiif/images/AB-1-1/info.json") == "derivatives"
    assert owner("iiif/AB-1/manifest.json") == "iiif"
    assert owner("iiif/exhibitions/thu.json") == "iiif"
    assert owner("pagefind/pagefind.js") == "sitesearch"
    assert owner("objects/AB-1/index.html") == "site"
    assert owner("iiif/README.md") == "site"  # nobody's output: a partial build keeps it


def test_a_stage_cannot_write_outside_its_folder(tmp_path):
    context = BuildContext(root=tmp_path, public=None, staging=tmp_path / "out", cache=tmp_path, mount="iiif/")
    assert context.path("iiif/collection.json") == tmp_path / "out" / "collection.json"
    assert context.path("iiif/") == tmp_path / "out"
    for bad in ("../x", "iiif/../../x", "objects/AB/index.html"):
        with pytest.raises(KyvatError, match="refusing to write"):
            context.path(bad)


def test_kyvat_iiif_is_the_iiif_stage_and_keeps_other_files(collection_copy, tmp_path):
    out = tmp_path / "manifests"
    run = lambda: CliRunner().invoke(main, ["iiif", "-c", str(collection_copy), "--out", str(out)])  # noqa: E731
    assert run().exit_code == 0
    (out / "README.md").write_text("kept", encoding="utf-8")
    (out / "notes").mkdir()  # an empty folder of the curator's, and a link: kept as they are
    (out / "latest").symlink_to("collection.json")
    (out / "GONE-1").mkdir()
    (out / "GONE-1" / "manifest.json").write_text("{}", encoding="utf-8")  # an object no longer public
    (out / "docs" / "old").mkdir(parents=True)
    (out / "docs" / "old" / "manifest.json").write_text("mine", encoding="utf-8")  # deeper: not the stage's
    out.chmod(0o700)
    result = run()
    assert result.exit_code == 0, result.output
    assert (out / "README.md").read_text(encoding="utf-8") == "kept"
    assert (out / "notes").is_dir() and (out / "latest").is_symlink()
    assert (out / "docs" / "old" / "manifest.json").read_text(encoding="utf-8") == "mine"
    assert not (out / "GONE-1").exists()
    assert out.stat().st_mode & 0o777 == 0o700
    manifests = sorted(out.glob("*/manifest.json"))
    assert manifests and "manifest(s)" in result.output
    assert json.loads(manifests[0].read_text(encoding="utf-8"))["type"] == "Manifest"
    assert not (tmp_path / ".kyvat-cache").exists()  # the IIIF stage needs no cache


def test_each_stage_writes_only_what_it_claims(tmp_path):
    for stage in STAGES:
        out = tmp_path / stage.name
        build(FIXTURE_COLLECTION, out, cache=tmp_path / "cache", jobs=1, only=(stage.name,))
        written = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()]
        strays = [p for p in written if p != ".kyvat-output" and make_owner(STAGES, p) is not stage]
        assert strays == [], stage.name
        assert bool(stage.outputs) == out.exists(), stage.name  # the research index alone leaves no output


def test_an_output_folder_that_holds_the_collection_or_other_files_is_refused(tmp_path):
    collection = tmp_path / "house" / "collection"
    shutil.copytree(FIXTURE_COLLECTION, collection)
    (tmp_path / "house" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(KyvatError, match="holds .*collection"):
        build(collection, tmp_path / "house", cache=tmp_path / "cache", jobs=1)
    with pytest.raises(KyvatError, match="inside"):
        build(collection, collection / "site", cache=tmp_path / "cache", jobs=1)
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "letter.docx").write_text("mine", encoding="utf-8")
    with pytest.raises(KyvatError, match="holds files kyvat did not write"):
        build(collection, documents, cache=tmp_path / "cache", jobs=1)
    assert (documents / "letter.docx").read_text(encoding="utf-8") == "mine"
    assert (tmp_path / "house" / "notes.txt").is_file() and (collection / "kyvat.yaml").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_rebuild_replaces_the_site_in_one_step_and_cleans_up_after_killed_builds(tmp_path):
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(FIXTURE_COLLECTION, out, cache=cache, jobs=1)
    dead = _dead_pid()
    for kind in ("new", "old"):  # what a build killed before its clean-up leaves
        (tmp_path / f".site.{kind}-{dead}-x1y2").mkdir()
    (tmp_path / f".site.new-{os.getpid()}-live").mkdir()  # this process is alive: not touched
    before = out.stat().st_ino
    build(FIXTURE_COLLECTION, out, cache=cache, jobs=1, base_url="https://other.test/")  # a change: a new site
    assert out.stat().st_ino != before and (out / "index.html").is_file() and (out / ".kyvat-output").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [f".site.new-{os.getpid()}-live"]
    (tmp_path / f".site.old-{dead}-x3y4").mkdir()
    replaced = out.stat().st_ino
    build(FIXTURE_COLLECTION, out, cache=cache, jobs=1, base_url="https://other.test/")  # nothing changed
    assert out.stat().st_ino == replaced, "the site made from the same inputs is left in place, not remade"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [f".site.new-{os.getpid()}-live"]


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid
