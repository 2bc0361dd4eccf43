"""A power cut at any moment: the real CLI, killed with SIGKILL at named moments (KYVAT_CRASH_AT,
kyvat/crashpoints.py) of a build, of add-scan, of new object and of the commands that write records.
After each kill the site and the collection are whole, the next run succeeds, and it cleans up what
the killed run left (.OUT.new-*, .OUT.old-*, hidden copies, temporary files, journals)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

import pytest

from kyvat import crashpoints, media, output
from kyvat.catalogue import read_register
from kyvat.cli import main
from kyvat.validate import check_collection
from kyvat.yamlfile import make_yaml

TODAY = "2026-09-01"
OBJECT = "TT-2026-0004"  # one scan, 001.jpg
# What a killed run may leave, to be gone after the next one
LEFTOVER = re.compile(r"^\.(.+\.(\d+)-.*\.tmp|.+\.partial|new-\d+-.*|kyvat-new-object-\d+|kyvat-journal-.*)$")


def kyvat(*args, crash_at: str = "", fresh: bool = False) -> subprocess.CompletedProcess:
    """Run the CLI in a process of its own, to be killed at `crash_at`: a new Python (`fresh`), or,
    faster, a fork of this one with kyvat already imported (the same CLI, the same hook)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:  # not pipes: a killed build's
        # pool workers would hold them open until they notice and exit
        argv = [*map(str, args)]
        if fresh:
            env = {k: v for k, v in os.environ.items() if k != "KYVAT_CRASH_AT"}
            env |= {"KYVAT_TODAY": TODAY, "LANG": "C.UTF-8"} | ({"KYVAT_CRASH_AT": crash_at} if crash_at else {})
            code = subprocess.run([sys.executable, "-m", "kyvat", *argv], env=env, stdout=out, stderr=err,
                                  timeout=120).returncode
        else:
            code = _forked(argv, crash_at, out, err)
        out.seek(0), err.seek(0)
        return subprocess.CompletedProcess(argv, code, out.read().decode(), err.read().decode())


def _forked(argv: list[str], crash_at: str, out, err) -> int:
    sys.stdout.flush(), sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never back into pytest
        code = 70
        try:
            os.dup2(out.fileno(), 1), os.dup2(err.fileno(), 2)
            sys.stdout, sys.stderr = (open(fd, "w", encoding="utf-8", closefd=False) for fd in (1, 2))
            crashpoints._AT = crash_at
            main.main(["--today", TODAY, *argv], prog_name="kyvat")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # noqa: BLE001 - shown to the test as a Python would show it
            traceback.print_exc()
        finally:
            sys.stdout.flush(), sys.stderr.flush()
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def killed(*args, at: str, fresh: bool = False) -> None:
    result = kyvat(*args, crash_at=at, fresh=fresh)
    assert result.returncode == -signal.SIGKILL, f"not killed at {at}: {result.returncode} {result.stderr[-1500:]}"


def succeeds(*args) -> str:
    result = kyvat(*args)
    assert result.returncode == 0, result.stderr[-1500:]
    assert "Traceback" not in result.stderr
    return result.stdout


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def served(folder: Path) -> dict[str, bytes]:
    """Every file a web server serves from `folder`: symbolic links followed (the image services
    are reached through one for a moment after the exchange, output.swap)."""
    return {Path(top, name).relative_to(folder).as_posix(): Path(top, name).read_bytes()
            for top, _, names in os.walk(folder, followlinks=True) for name in sorted(names)}


def kept(folder: Path) -> dict[str, bytes]:
    """The files of `folder` but what killed runs leave (and the notes of a journal)."""
    return {rel: data for rel, data in files(folder).items()
            if not any(LEFTOVER.match(part) for part in rel.split("/"))}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob(".*") if LEFTOVER.match(p.name))


def assert_whole(root: Path) -> None:
    """Every record and person file parses, and no record has an error."""
    for path in [*root.glob("objects/*/record.yaml"), *root.glob("people/*.yaml")]:
        assert isinstance(make_yaml(path.read_text(encoding="utf-8")), dict), path
    errors = [p for p in check_collection(root, today=dt.date.fromisoformat(TODAY))[1] if p.is_error]
    assert errors == []


def killed_beside_a_reference(root: Path, tmp_path: Path, args: tuple, moment: str) -> dict[str, bytes]:
    """Run `args` ("{root}" in them is the collection) whole on a copy of `root`, then killed at
    `moment` on `root`; each file is left as before or as after. Returns the reference's files."""
    reference = tmp_path / "reference"
    shutil.copytree(root, reference)
    succeeds(*[str(a).format(root=reference) for a in args])
    before, after = files(root), files(reference)
    killed(*[str(a).format(root=root) for a in args], at=moment)
    for rel, data in kept(root).items():
        assert data in (before.get(rel), after.get(rel)), f"{rel} is neither as before nor as after"
    return after


# -- the build -------------------------------------------------------------------------------------

# In order; each run is killed at its moment, after the earlier ones' leftovers were cleaned up.
# The site each leaves: the old one, or the new one.
BUILD_MOMENTS = (
    ("build.staging-made", "old"),
    ("derivatives.after-scan-2", "old"),  # mid-derivatives, two scans published
    ("build.after-stage.iiif", "old"),
    ("build.after-stage.site", "old"),
    ("build.after-stage.sitesearch", "old"),
    ("build.before-swap", "old"),
    ("swap.fallback.between-renames", None),  # the two-rename swap (forced): no site, the old one hidden
    ("build.staging-made", "old"),  # ... which the next build put back first
    ("swap.fallback.renamed", "new"),  # the new site in place, the old one not yet removed
    ("swap.exchanged", "new"),  # renameat2: the new site in place, the old one in the staging folder,
    # the image services still in it, reached through a link
    ("swap.shared-returned", "new"),  # the image services' folder back in the new site
    ("build.swapped", "new"),
)


def test_a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one(collection_copy, tmp_path):
    out = tmp_path / "site"
    args = ("build", "-c", collection_copy, "-o", out)
    succeeds(*args)
    old = files(out)
    record = collection_copy / "objects" / "TT-2026-0002" / "record.yaml"  # a public object
    record.write_text(record.read_text(encoding="utf-8").replace("vi: ", "vi: Sửa ", 1), encoding="utf-8")
    seen: list[tuple[str, str, dict[str, bytes]]] = []
    for number, (moment, which) in enumerate(BUILD_MOMENTS):
        killed(*args, at=moment, fresh=number == 0)  # the first in a new Python: KYVAT_CRASH_AT as a user sets it
        left = [p.name for p in tmp_path.glob(".site.*")]
        pids = {re.match(r"\.site\.(new|old)-(\d+)-", name).group(2) for name in left}
        assert len(pids) <= 1, f"{moment}: the leftovers of earlier killed builds were not removed: {left}"
        if moment == "swap.fallback.between-renames":
            assert not out.exists()
            (retired,) = tmp_path.glob(".site.old-*")
            assert files(retired / output.RETIRED) == old, "the old site is whole, hidden"
        else:
            assert (out / "iiif" / "images").is_symlink() == (moment == "swap.exchanged"), moment
            seen.append((moment, which, served(out)))
    succeeds(*args)
    new = files(out)
    assert not (out / "iiif" / "images").is_symlink(), "the next build put the services' folder back"
    assert new != old and sorted(p.name for p in tmp_path.glob(".site*")) == []
    for moment, which, site in seen:
        assert site == {"old": old, "new": new}[which], f"killed at {moment}, the site is not the {which} one"


def test_a_build_killed_while_linking_the_old_sites_unchanged_folders_leaves_the_old_site_whole(
        collection_copy, tmp_path):
    """A rebuild keeps the old site's unchanged image services by hard-linking their files into the
    new one: killed then, the old site is whole (nothing was moved out of it) and the next build
    finishes the job."""
    out = tmp_path / "site"
    args = ("build", "-c", collection_copy, "-o", out)
    succeeds(*args)
    old = files(out)
    record = collection_copy / "objects" / "TT-2026-0002" / "record.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("vi: ", "vi: Sửa ", 1), encoding="utf-8")
    killed(*args, at="swap.fallback.linking")
    assert files(out) == old
    (staging,) = tmp_path.glob(".site.new-*")
    assert any(staging.rglob("info.json")), "(nothing was linked: this test no longer tests anything)"
    succeeds(*args)
    assert files(out) != old and [p.name for p in tmp_path.glob(".site.*")] == []


# -- add-scan --------------------------------------------------------------------------------------

@pytest.mark.parametrize("moment", ["add-scan.copying", "add-scan.copied-1", "replace.before",
                                    "add-scan.recorded"])
def test_an_add_scan_killed_leaves_no_unlisted_or_cut_master(collection_copy, moment):
    scans = collection_copy / "objects" / OBJECT / "scans"
    new = [collection_copy / "objects" / "TT-2026-0001" / "scans" / f"00{n}.jpg" for n in (1, 2, 3)]
    record = scans.parent / "record.yaml"
    before = record.read_bytes()
    killed("add-scan", "-c", collection_copy, OBJECT, new[0], new[1], at=moment)
    assert_whole(collection_copy)
    listed = media.make_listed_scans(record.read_text(encoding="utf-8"))
    assert (record.read_bytes() == before) == (moment != "add-scan.recorded")
    for name, sha in listed.items():
        assert media.read_sha256(scans / name) == sha, f"{name} is listed but not whole"
    succeeds("add-scan", "-c", collection_copy, OBJECT, new[2])  # the next run
    assert leftovers(collection_copy) == []
    listed = media.make_listed_scans(record.read_text(encoding="utf-8"))
    assert sorted(p.name for p in scans.iterdir()) == sorted(listed), "every master is listed"
    assert len(listed) == (4 if moment == "add-scan.recorded" else 2)
    assert all(r.status == "ok" for r in media.read_fixity(collection_copy).results)
    assert_whole(collection_copy)


# -- new object ------------------------------------------------------------------------------------

@pytest.mark.parametrize("moment", ["new-object.staged", "new-object.placed", "new-object.registered"])
def test_a_new_object_killed_leaves_no_folder_without_record_and_no_number_unregistered(collection_copy, moment):
    args = ("new", "object", "-c", collection_copy, "--type", "letter", "--title", "Thư", "--date", TODAY)
    objects = collection_copy / "objects"
    before = sorted(p.name for p in objects.iterdir())
    killed(*args, at=moment)
    placed = moment != "new-object.staged"
    for folder in objects.iterdir():
        assert folder.name.startswith(".") or (folder / "record.yaml").is_file(), f"{folder.name} has no record"
    assert sorted(p.name for p in objects.iterdir() if not p.name.startswith(".")) == \
        sorted(before + ["TT-2026-0005"] * placed)
    assert_whole(collection_copy)
    made = succeeds(*args).split("\t")[0]
    assert made == ("TT-2026-0006" if placed else "TT-2026-0005")
    assert leftovers(collection_copy) == []
    register = read_register(collection_copy)
    assert len(register) == len(set(register)) and {"TT-2026-0005", made} <= set(register)
    assert_whole(collection_copy)


# -- commands that write records -------------------------------------------------------------------

LIFECYCLE = {
    "condition": ("condition", OBJECT, "--grade", "fair", "--note", "Giấy ố", "--date", "2026-08-01"),
    "withdraw": ("withdraw", "TT-2026-0003", "--reason", "Trả lại gia đình", "--date", "2026-08-01"),
}


@pytest.mark.parametrize("moment", ["replace.before", "replace.after"])
@pytest.mark.parametrize("command", sorted(LIFECYCLE))
def test_a_record_edit_killed_leaves_the_record_before_or_after(collection_copy, tmp_path, command, moment):
    args = LIFECYCLE[command]
    after = killed_beside_a_reference(collection_copy, tmp_path, (args[0], "-c", "{root}", *args[1:]), moment)
    assert_whole(collection_copy)
    assert (moment == "replace.before") == (len(leftovers(collection_copy)) == 1), "the temporary file"
    if moment == "replace.before":
        succeeds(args[0], "-c", collection_copy, *args[1:])  # the next run: the edit, made whole
        assert files(collection_copy) == after
    else:
        succeeds("condition", "-c", collection_copy, OBJECT, "--grade", "good", "--date", "2026-08-02")
    assert leftovers(collection_copy) == []


PERSON_EDITS = {
    "rename": ("rename", "-c", "{root}", "person", "pham-van-duc", "pham-van-duc-liet-si"),
    "merge": ("merge", "-c", "{root}", "person", "nguyen-thi-hanh", "le-thi-thuan"),
}


@pytest.mark.parametrize(("command", "moment"), [
    ("rename", "journal.noted"), ("rename", "personedit.step-2"), ("rename", "personedit.step-5"),
    ("rename", "personedit.before-close"), ("merge", "personedit.step-1"), ("merge", "create.before"),
])
def test_a_person_edit_killed_half_way_is_undone_by_the_next_run(collection_copy, tmp_path, command, moment):
    args = PERSON_EDITS[command]
    after = killed_beside_a_reference(collection_copy, tmp_path, args, moment)
    assert leftovers(collection_copy), "the journal of the killed run"
    succeeds(*[a.format(root=collection_copy) for a in args])
    assert leftovers(collection_copy) == []
    assert files(collection_copy) == after
    assert_whole(collection_copy)


def test_a_new_person_killed_leaves_no_empty_file(collection_copy):
    args = ("new", "person", "-c", collection_copy, "--kind", "witness", "--name", "Đỗ Văn Nam")
    before = files(collection_copy)
    killed(*args, at="create.before")
    assert kept(collection_copy) == before and leftovers(collection_copy)
    assert succeeds(*args).startswith("do-van-nam\t")
    assert leftovers(collection_copy) == []
    assert_whole(collection_copy)


def test_an_init_killed_leaves_no_half_config_and_can_be_run_again(tmp_path):
    args = ("init", tmp_path / "house", "--no-git", "--prefix", "NT")
    killed(*args, at="create.before")
    assert not (tmp_path / "house" / "kyvat.yaml").exists()
    succeeds(*args)
    assert leftovers(tmp_path / "house") == []
    assert_whole(tmp_path / "house")


@pytest.mark.parametrize("moment", ["remove-scan.linked", "remove-scan.recorded"])
def test_a_remove_scan_killed_leaves_every_master_listed_once(collection_copy, tmp_path, moment):
    args = ("remove-scan", "-c", "{root}", "TT-2026-0001", "2", "--reason", "Trùng với trang 1")
    killed_beside_a_reference(collection_copy, tmp_path, args, moment)
    assert_whole(collection_copy)
    succeeds("remove-scan", "-c", collection_copy, "TT-2026-0001", "1", "--reason", "Mờ")  # the next run
    folder = collection_copy / "objects" / "TT-2026-0001"
    text = (folder / "record.yaml").read_text(encoding="utf-8")
    assert sorted(p.name for p in (folder / "scans").iterdir() if p.is_file()) == sorted(media.make_listed_scans(text))
    removed = sorted(media.make_listed_scans(text, media.REMOVED_SCANS))
    assert sorted(p.name for p in (folder / "scans" / ".removed").glob("*.jpg")) == removed
    assert len(removed) == (2 if moment == "remove-scan.recorded" else 1)
    assert len(list(folder.rglob("*.txt"))) == 3, "each transcript once"
    assert all(r.status == "ok" for r in media.read_fixity(collection_copy).results)
    assert_whole(collection_copy)


# -- verify ----------------------------------------------------------------------------------------

def test_verify_names_a_changed_master_of_a_record_yaml_cannot_read(collection_copy):
    record = collection_copy / "objects" / "TT-2026-0002" / "record.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("title:\n", "title: [\n", 1), encoding="utf-8")
    master = record.parent / "scans" / "002.tif"
    master.write_bytes(master.read_bytes() + b"bit rot")
    result = kyvat("verify", "-c", collection_copy, "--quiet")
    assert result.returncode != 0
    assert "objects/TT-2026-0002/scans/002.tif" in result.stderr and "001.jpg" not in result.stderr
    statuses = {r.path: r.status for r in media.read_fixity(collection_copy).results}
    assert statuses["objects/TT-2026-0002/scans/002.tif"] == "changed"
    assert statuses["objects/TT-2026-0002/scans/001.jpg"] == "ok"
