"""A rebuild costs what changed: the new site shares the old one's image services folder (new
services added, replaced or removed whole), a build with nothing changed keeps every file of the old site, an edited title changes only the files that
show it; and the old site stays whole when such a build fails or is killed."""

from __future__ import annotations

import json
import re
import os
import shutil
import signal
from pathlib import Path

import pytest

from kyvat import crashpoints, output
from kyvat.build import build
from kyvat import inputs

REPO = Path(__file__).resolve().parents[1]
FIXTURE_COLLECTION = REPO / "tests" / "fixtures" / "collection"
TODAY = __import__("datetime").date(2026, 9, 1)
RECORD = Path("objects") / "TT-2026-0002" / "record.yaml"
OLD_TITLE, NEW_TITLE = "Ảnh chân dung liệt sĩ", "Ảnh chân dung đã sửa liệt sĩ"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def published(folder: Path) -> dict[str, bytes]:
    """What a site shows: every file (the build keeps what it knows of it in the cache, not in it)."""
    return snapshot(folder)


def inodes(folder: Path) -> dict[str, int]:
    """Each file's inode, but the build's marker (written anew each time)."""
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*")
            if p.is_file() and p.name != output.MARKER}


@pytest.fixture
def built(tmp_path) -> tuple[Path, Path, Path]:
    """A copy of the test collection, built once: (collection, site, cache)."""
    root, out, cache = tmp_path / "collection", tmp_path / "site", tmp_path / "cache"
    shutil.copytree(FIXTURE_COLLECTION, root)
    build(root, out, cache=cache, jobs=1, today=TODAY)
    return root, out, cache


def rebuild(built):
    root, out, cache = built
    return build(root, out, cache=cache, jobs=1, today=TODAY)


def edit_title(root: Path) -> None:
    record = root / RECORD
    text = record.read_text(encoding="utf-8")
    assert text.count(OLD_TITLE) == 1
    record.write_text(text.replace(OLD_TITLE, NEW_TITLE), encoding="utf-8")


def services(out: Path) -> list[str]:
    return sorted(p.parent.relative_to(out).as_posix() for p in (out / "iiif" / "images").glob("*/info.json"))


def test_a_rebuild_with_nothing_changed_keeps_every_file_byte_for_byte(built):
    root, out, cache = built
    before, files, first = snapshot(out), inodes(out), inputs.read_record(cache, out, out / output.MARKER)
    report = rebuild(built)
    assert snapshot(out) == before
    assert inodes(out) == files, "every file is the old site's own, moved in, not made again"
    assert report.count("pages") == first["stages"]["site"]["pages"] > 0
    assert report.count("manifests") == first["stages"]["iiif"]["manifests"] > 0
    assert report.count("scans_processed") == 0 and report.count("services_kept") == len(services(out)) > 3
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".")) == []


def test_an_edited_title_changes_exactly_the_files_that_show_it(built):
    root, out, cache = built
    before, files = snapshot(out), inodes(out)
    edit_title(root)
    report = rebuild(built)
    after = snapshot(out)
    search = "pagefind/"  # the search index: files named by their content's hash, made by Pagefind
    assert {path for path in after if not path.startswith(search)} == {
        path for path in before if not path.startswith(search)}
    changed = {path for path in after if not path.startswith(search) and after[path] != before[path]}
    shows = {path for path, data in before.items() if not path.startswith(search)
             and (OLD_TITLE.encode() in data or json.dumps(OLD_TITLE).strip('"').encode() in data)}
    assert {"objects/TT-2026-0002/index.html", "iiif/TT-2026-0002/manifest.json"} <= changed
    assert changed == shows, "only the files that show the title, and every one of them"
    assert all(NEW_TITLE.encode() in after[path] or json.dumps(NEW_TITLE).strip('"').encode() in after[path]
               for path in shows if path.endswith((".html", ".json")) and OLD_TITLE.encode() in before[path])
    kept = [path for path in files if path.startswith("iiif/images/")]
    assert kept and all(inodes(out)[path] == files[path] for path in kept), "image services shared, untouched"
    linked = [path for path in files if path.endswith(".html") and inodes(out)[path] == files[path]]
    assert {"objects/TT-2026-0001/index.html", "en/objects/TT-2026-0001/index.html", "404.html"} <= set(linked)
    assert len(linked) > len([path for path in files if path.endswith(".html")]) / 2, "the others: linked, not made"
    assert {"iiif/TT-2026-0001/manifest.json", "iiif/TT-2026-0001/record.json"} <= {
        path for path in files if inodes(out).get(path) == files[path]}, "another object's documents: linked, not made"
    assert report.count("services_kept") == len(services(out)) and report.count("scans_processed") == 0
    fresh = out.parent / "fresh"
    build(root, fresh, cache=out.parent / "fresh-cache", jobs=1, today=TODAY)
    assert published(out) == published(fresh), "the site a build from nothing makes"


PERSON = Path("people") / "pham-van-duc.yaml"
OLD_CIRCUMSTANCE, NEW_CIRCUMSTANCE = "Hy sinh khi giữ Thành cổ.", "Hy sinh khi giữ Thành cổ Quảng Trị."


def _texts(out: Path) -> dict[str, str]:
    """Each search record's text (sitesearch.make_text_json), by its key."""
    from kyvat.urls import Urls

    return {json.loads(text)["key"]: text for text in (
        p.read_text(encoding="utf-8") for p in (out / Urls.search_texts()).iterdir())}


@pytest.mark.parametrize("edit", ["object title", "person"])
def test_an_edit_indexes_again_only_the_search_parts_whose_records_it_changed(built, monkeypatch, edit):
    """A large site search index comes in parts (sitesearch.count_parts; two records a part here):
    a part whose records did not change is the old site's, hard-linked with its records' texts;
    only the parts holding a record whose text the edit changed are indexed again. A person's
    record is one of them: an edit of it does not make every part again."""
    from kyvat import sitesearch
    from kyvat.urls import Urls

    root, out, cache = built
    monkeypatch.setattr(sitesearch, "PART_RECORDS", 2)
    edit_title(root)  # the first build's index was in one part: now in parts, every one made
    first = rebuild(built)
    parts = first.count("search_parts")
    assert parts >= 4 and first.count("search_parts_made") == parts
    before, files = _texts(out), inodes(out / Urls.pagefind())
    record, old, new = (RECORD, NEW_TITLE, OLD_TITLE) if edit == "object title" else (
        PERSON, OLD_CIRCUMSTANCE, NEW_CIRCUMSTANCE)
    text = root.joinpath(record).read_text(encoding="utf-8")
    assert text.count(old) == 1
    root.joinpath(record).write_text(text.replace(old, new), encoding="utf-8")
    report = rebuild(built)
    after = _texts(out)
    changed = {sitesearch.part_of(key, parts) for key in before.keys() | after.keys()
               if before.get(key) != after.get(key)}
    assert changed and report.count("search_parts") == parts
    assert report.count("search_parts_made") == len(changed) < parts
    now = inodes(out / Urls.pagefind())
    for n in range(parts):
        part = Urls.pagefind_part(n).removeprefix(Urls.pagefind())
        metas = [path for path in now if re.fullmatch(re.escape(part) + r"pagefind\.[^/]+\.pf_meta", path)]
        assert len(metas) == 1, (n, sorted(now))
        assert (now[metas[0]] == files.get(metas[0])) == (n not in changed), f"part {n}"
    folder = Urls.search_texts().removeprefix(Urls.pagefind())
    for path in (path for path in now if path.startswith(folder)):
        key = json.loads((out / Urls.pagefind() / path).read_text(encoding="utf-8"))["key"]
        assert (now[path] == files.get(path)) == (sitesearch.part_of(key, parts) not in changed), f"the text of {key}"
    fresh = out.parent / "fresh"
    build(root, fresh, cache=out.parent / "fresh-cache", jobs=1, today=TODAY)
    assert published(out / Urls.pagefind()) == published(fresh / Urls.pagefind()), "the index made from nothing"


def test_the_site_being_built_holds_no_link_while_the_stages_write_it(built, monkeypatch):
    """The old site's image services are shared only at the swap (output.share_folder): while the
    stages run, the staging folder holds no symbolic link, so a page path says where it leads
    (site._inside follows none)."""
    from kyvat import site

    write_site, links, seen = site.write_site, [], []

    def spy(collection, site_dir, *args, **kwargs):
        seen.append(site_dir)
        links.extend(p for p in Path(site_dir).rglob("*") if p.is_symlink())
        written = write_site(collection, site_dir, *args, **kwargs)
        links.extend(p for p in Path(site_dir).rglob("*") if p.is_symlink())
        return written

    monkeypatch.setattr(site, "write_site", spy)
    edit_title(built[0])
    report = rebuild(built)
    assert report.count("pages") > 0 and len(seen) == 1 and links == []
    assert not (built[1] / "iiif" / "images").is_symlink()


def test_a_build_that_fails_at_the_swap_leaves_the_old_site_as_it_was(built, monkeypatch):
    root, out, cache = built
    before = snapshot(out)
    edit_title(root)

    exchange = output._exchange

    def refuse(first, second):
        if first.name.startswith(".exchange-"):  # the swap's test of the file system, in the staging folder
            return exchange(first, second)
        shared = first / "iiif" / "images"  # the new site shares the old one's services: a link to them
        assert shared.is_symlink() and not (first / services(out)[0]).exists()
        assert os.path.normpath(shared.parent / os.readlink(shared)) == str(first / "iiif" / "images")
        raise OSError(28, "No space left on device", str(second))

    monkeypatch.setattr(output, "_exchange", refuse)
    with pytest.raises(Exception, match="disk is full"):
        rebuild(built)
    assert snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".")) == []


def _killed_build(built, at: str) -> int:
    """Run the build in a fork of this process that kills itself at the crash point `at`."""
    root, out, cache = built
    pid = os.fork()
    if pid == 0:  # the child: never back into pytest
        try:
            crashpoints._AT = at
            build(root, out, cache=cache, jobs=1, today=TODAY)
        finally:
            os._exit(70)
    _, status = os.waitpid(pid, 0)
    return os.WTERMSIG(status) if os.WIFSIGNALED(status) else -os.WEXITSTATUS(status)


def test_a_build_killed_while_linking_the_kept_services_leaves_the_old_site_whole(built):
    root, out, cache = built
    before = snapshot(out)
    edit_title(root)
    assert _killed_build(built, "swap.fallback.linking") == signal.SIGKILL
    assert snapshot(out) == before  # nothing was taken out of the live site
    assert output.remove_abandoned(out) == 1  # what the next build does first
    assert snapshot(out) == before and list(out.parent.glob(".site.*")) == []
    rebuild(built)
    assert NEW_TITLE in (out / "objects" / "TT-2026-0002" / "index.html").read_text(encoding="utf-8")


def test_the_old_site_is_removed_after_the_build_returns(built):
    root, out, cache = built
    edit_title(root)
    rebuild(built)
    trash = cache / "trash"
    for worker in __import__("threading").enumerate():
        if worker.name == "kyvat-trash":
            worker.join(timeout=60)
    assert trash.is_dir() and list(trash.iterdir()) == []
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".")) == []


def test_an_edit_within_the_same_clock_tick_as_the_last_build_is_seen(built):
    root, out, cache = built
    record = root / RECORD
    record.touch()  # written just now: the build reads it within the clock tick of its writing
    rebuild(built)
    stamp = record.stat().st_mtime_ns
    text = record.read_text(encoding="utf-8")
    same_size = text.replace("Ảnh chân dung", "Ảnh chân dunG", 1)
    assert len(same_size.encode()) == len(text.encode()) and same_size != text
    record.write_text(same_size, encoding="utf-8")
    os.utime(record, ns=(stamp, stamp))  # the same size and time: only its bytes tell
    rebuild(built)
    assert "Ảnh chân dunG" in (out / "objects" / "TT-2026-0002" / "index.html").read_text(encoding="utf-8")


def test_a_site_rebuilt_after_an_added_scan_is_the_site_built_from_nothing(built, tmp_path):
    root, out, cache = built
    folder = root / RECORD.parent
    (folder / "scans" / "003.jpg").write_bytes((folder / "scans" / "001.jpg").read_bytes() + b"another master")
    record = folder / "record.yaml"
    text = record.read_text(encoding="utf-8")
    last = text.index("\n", text.index("  - file: 002.tif\n") + 18) + 1  # after its sha256: the third scan
    record.write_text(text[:last] + "  - file: 003.jpg\n" + text[last:], encoding="utf-8")
    old = inodes(out)
    report = rebuild(built)
    assert report.count("scans_processed") == 1 and report.count("services_kept") == len(services(out)) - 1
    assert all(inodes(out)[path] == old[path] for path in old if path.startswith("iiif/images/TT-2026-0001-"))
    fresh = tmp_path / "fresh"
    build(root, fresh, cache=tmp_path / "fresh-cache", jobs=1, today=TODAY)
    assert published(out) == published(fresh)


@pytest.mark.parametrize("edit", [False, True])
def test_where_folders_cannot_be_exchanged_kept_files_are_linked_and_the_old_site_left_whole(built, monkeypatch,
                                                                                             edit):
    root, out, cache = built
    monkeypatch.setattr(output, "_can_exchange", lambda: False)  # as on a system without renameat2
    if edit:
        edit_title(root)
    old = out.stat().st_ino
    before = inodes(out)
    rebuild(built)
    assert (out.stat().st_ino != old) == edit  # nothing changed: the old site is the new one, left in place
    kept = [path for path in before if path.startswith("iiif/images/") or not edit]
    assert kept and all(inodes(out)[path] == before[path] for path in kept), "linked, not made again"
    fresh = out.parent / "fresh"
    build(root, fresh, cache=out.parent / "fresh-cache", jobs=1, today=TODAY)
    assert published(out) == published(fresh)
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".")) == []


def test_recordings_are_kept_too(tmp_path, ffmpeg):
    root, out, cache = tmp_path / "collection", tmp_path / "site", tmp_path / "cache"
    shutil.copytree(REPO / "collection", root)
    build(root, out, cache=cache, jobs=2, today=TODAY)
    recordings = sorted(p.relative_to(out).as_posix() for p in (out / "media").iterdir())
    assert recordings
    before = inodes(out)
    record = root / "objects" / "AB-2026-0011" / "record.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("title:", "title:  ", 1), encoding="utf-8")
    report = build(root, out, cache=cache, jobs=2, today=TODAY)
    assert report.count("scans_processed") == 0 and report.count("services_kept") == report.count("scans")
    assert all(inodes(out)[path] == before[path] for path in recordings)


def test_a_renamed_person_changes_the_pages_of_their_objects_too(built):
    root, out, cache = built
    person = root / "people" / "pham-van-duc.yaml"
    text = person.read_text(encoding="utf-8")
    person.write_text(text.replace("name: Phạm Văn Đức", "name: Phạm Văn Đứcc"), encoding="utf-8")
    rebuild(built)
    assert "Phạm Văn Đứcc" in (out / "objects" / "TT-2026-0002" / "index.html").read_text(encoding="utf-8")
    fresh = out.parent / "fresh"
    build(root, fresh, cache=out.parent / "fresh-cache", jobs=1, today=TODAY)
    assert published(out) == published(fresh)


def test_a_template_that_reads_the_collection_beyond_a_page_makes_its_pages_depend_on_every_object(tmp_path):
    from kyvat import pagekeys

    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "x.html").write_text("{{ collection.objects }}", encoding="utf-8")  # not a template
    (tmp_path / "object.html").write_text("{{ collection.person(id).name }} {{ collection.pages }}", encoding="utf-8")
    assert pagekeys._readers([tmp_path], {"object.html", "list.html"}) == (False, set())
    (tmp_path / "list.html").write_text("{% for o in collection.objects %}{% endfor %}", encoding="utf-8")
    assert pagekeys._readers([tmp_path], {"object.html", "list.html"}) == (False, {"list.html"})
    (tmp_path / "_shared.html").write_text("{% set c = collection %}{{ c.objects|length }}", encoding="utf-8")
    assert pagekeys._readers([tmp_path], {"object.html", "list.html"}) == (True, {"list.html"})


def test_a_site_put_back_from_a_copy_is_not_taken_for_the_one_the_cache_remembers(built):
    root, out, cache = built
    copy = out.parent / "copy"
    shutil.copytree(out, copy)  # yesterday's site, kept aside
    edit_title(root)
    rebuild(built)
    shutil.rmtree(out)
    copy.rename(out)  # ... put back by hand: the cache remembers today's inputs, not this site's
    rebuild(built)
    assert NEW_TITLE in (out / "objects" / "TT-2026-0002" / "index.html").read_text(encoding="utf-8")
    fresh = out.parent / "fresh"
    build(root, fresh, cache=out.parent / "fresh-cache", jobs=1, today=TODAY)
    assert published(out) == published(fresh)


def change_services(root: Path) -> None:
    """A new scan of TT-2026-0002 (a service added), TT-2026-0001's first two scans in each other's
    place (two services replaced, same names), TT-2026-0003 restricted (its service removed)."""
    data = (root / "objects" / "TT-2026-0001" / "scans" / "003.jpg").read_bytes()
    (root / "objects" / "TT-2026-0002" / "scans" / "003.jpg").write_bytes(data)
    record = root / RECORD
    text = record.read_text(encoding="utf-8")
    entry = f"  - file: 003.jpg\n    sha256: {__import__('hashlib').sha256(data).hexdigest()}\n"
    assert text.rstrip().endswith(".tif\n    sha256: e2263a96160c674878756a85ab72bedeadf17461a3493f011ada13df9637c21b")
    record.write_text(text.rstrip("\n") + "\n" + entry, encoding="utf-8")  # the scans are its last key
    record = root / "objects" / "TT-2026-0001" / "record.yaml"
    text = record.read_text(encoding="utf-8")
    first, second = (re.search(rf"file: {name}\n(?:.*\n)*?    sha256: \w+", text).group(0) for name in ("001.jpg", "002.jpg"))
    record.write_text(text.replace(first, "\0").replace(second, first).replace("\0", second), encoding="utf-8")
    record = root / "objects" / "TT-2026-0003" / "record.yaml"
    record.write_text(record.read_text(encoding="utf-8") + "visibility: restricted\n", encoding="utf-8")


def served(folder: Path) -> dict[str, bytes]:
    """What a web server serves from `folder` (symbolic links followed)."""
    return {Path(top, name).relative_to(folder).as_posix(): Path(top, name).read_bytes()
            for top, _, names in os.walk(folder, followlinks=True) for name in names}


def test_a_rebuild_shares_the_old_sites_image_services_and_adds_replaces_or_removes_whole_ones(built):
    root, out, cache = built
    folder = out / "iiif" / "images"
    before, files, identity = snapshot(out), inodes(out), folder.stat().st_ino
    change_services(root)
    report = rebuild(built)
    assert folder.stat().st_ino == identity and not folder.is_symlink(), "the same folder: nothing copied or linked"
    names = sorted(path.name for path in folder.iterdir())
    assert "TT-2026-0002-3" in names and not [name for name in names if name.startswith("TT-2026-0003")]
    now = inodes(out)
    unchanged = [path for path in files if path.startswith(("iiif/images/TT-2026-0001-3/", "iiif/images/TT-2026-0002-1/"))]
    assert unchanged and all(now[path] == files[path] for path in unchanged)
    witness = "full/max/0/default.jpg"
    assert snapshot(out)[f"iiif/images/TT-2026-0001-1/{witness}"] == before[f"iiif/images/TT-2026-0001-2/{witness}"]
    assert report.count("services_kept") >= 3
    fresh = out.parent / "fresh"
    build(root, fresh, cache=out.parent / "fresh-cache", jobs=1, today=TODAY)
    assert published(out) == published(fresh), "the site a build from nothing makes"
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".")) == []


def test_builds_killed_while_sharing_the_image_services_leave_a_whole_site_and_the_next_build_finishes(built):
    """Killed after adding the new services to the live folder (the old site, which shows none of
    them), after the exchange (the new site, its services reached through a link), after the folder
    came back, after one service was replaced: every page is the old site's or the new one's, every
    image it shows is there; the next build cleans up and makes the site a build from nothing makes."""
    root, out, cache = built
    old = snapshot(out)
    change_services(root)
    fresh = out.parent / "fresh"
    build(root, fresh, cache=out.parent / "fresh-cache", jobs=1, today=TODAY)
    new = published(fresh)

    def split(site):
        images = {path for path in site if path.startswith("iiif/images/")}
        return {path: data for path, data in site.items() if path not in images}, images

    for moment, which in (("swap.shared-added", "old"), ("swap.exchanged", "new"),
                          ("swap.shared-returned", "new"), ("swap.shared-replaced", "new")):
        assert _killed_build(built, moment) == signal.SIGKILL, moment
        site = served(out)
        pages, images = split(site)
        assert (out / "iiif" / "images").is_symlink() == (moment == "swap.exchanged"), moment
        if which == "old":
            assert {path: site.get(path) for path in old} == old, moment
            assert {path.split("/")[2] for path in images - set(old)} == {"TT-2026-0002-3"}, moment
        else:
            assert {k: v for k, v in pages.items() if k != output.MARKER} == {
                k: v for k, v in split(new)[0].items() if k != output.MARKER}, moment
            assert split(new)[1] <= images, f"{moment}: an image the new site shows is missing"
    rebuild(built)
    assert published(out) == new and not (out / "iiif" / "images").is_symlink()
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".")) == []


def test_a_collection_named_by_a_relative_path_is_the_one_built_before(built, monkeypatch):
    """`kyvat build -c collection` from its parent folder after a build by its whole path (the desk's):
    nothing changed, so nothing is made again and the old site stays in place."""
    root, out, cache = built
    marker, files = (out / output.MARKER).stat().st_ino, inodes(out)
    monkeypatch.chdir(root.parent)
    build(Path(root.name), out, cache=cache, jobs=1, today=TODAY)
    assert (out / output.MARKER).stat().st_ino == marker and inodes(out) == files, "the old site, untouched"


def test_a_file_written_again_with_the_same_bytes_keeps_its_old_time(built):
    """What a rebuild writes anew but with the bytes it had (Pagefind's script, made at every run)
    keeps the old file's modification time, so a sync to the host sends nothing for it."""
    root, out, cache = built
    script = out / "pagefind" / "pagefind.js"
    before, inode = script.stat().st_mtime_ns, script.stat().st_ino
    os.utime(script, ns=(before - 3_600_000_000_000, before - 3_600_000_000_000))  # an hour older
    before -= 3_600_000_000_000
    edit_title(root)
    rebuild(built)
    assert script.stat().st_ino != inode, "(written anew: this test no longer tests anything)"
    assert script.stat().st_mtime_ns == before


def test_the_build_after_a_first_build_reads_no_record_again(tmp_path, monkeypatch):
    """A first build makes its cache folder before reading the records, so the next build finds
    them in the read cache (before, it read every record again: the folder came after them)."""
    root, out, cache = tmp_path / "collection", tmp_path / "site", tmp_path / "cache"
    shutil.copytree(FIXTURE_COLLECTION, root)
    old = 10**18  # written long ago: no record is "racy" (readcache keeps nothing written in the last seconds)
    for path in root.rglob("*"):
        os.utime(path, ns=(old, old), follow_symlinks=False)
    build(root, out, cache=cache, jobs=1, today=TODAY)
    from kyvat import records
    read, reader = [], records.read_object_text
    monkeypatch.setattr(records, "read_object_text", lambda *args, **kwargs: read.append(args) or reader(*args, **kwargs))
    build(root, out, cache=cache, jobs=1, today=TODAY)
    assert read == []
    (root / RECORD).write_text((root / RECORD).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build(root, out, cache=cache, jobs=1, today=TODAY)
    assert len(read) == 1, "(the reader counted is the one a changed record goes through)"


def test_a_build_right_after_an_edit_is_kept_by_the_next_one_and_a_later_edit_in_its_tick_is_seen(built, monkeypatch):
    """A file changed in the last seconds is known by its bytes (a clock tick is coarse): the build
    remembers them beside the fingerprint, so the next build, once the file is older, finds the same
    fingerprint and keeps the site as it is; yet an edit of the same size in the same tick (the
    same time) is seen by those bytes and built."""
    root, out, cache = built
    person = root / "people" / "pham-van-duc.yaml"
    text = person.read_text(encoding="utf-8")
    person.write_text(text.replace("rank: {vi: Hạ sĩ,", "rank: {vi: Hạ sĩ ,", 1), encoding="utf-8")
    now = __import__("time").time_ns()
    os.utime(person, ns=(now, now))  # young by the clock the build reads (faketime included)
    rebuild(built)
    marker, files = (out / output.MARKER).stat().st_ino, inodes(out)
    monkeypatch.setattr(inputs.time, "time_ns", lambda: now + 60 * 10**9)  # a minute later
    rebuild(built)
    assert (out / output.MARKER).stat().st_ino == marker and inodes(out) == files, "kept as it is"
    person.write_text(text.replace("rank: {vi: Hạ sĩ,", "rank: {vi: Hạ sĩX,", 1), encoding="utf-8")  # same size
    os.utime(person, ns=(now, now))
    rebuild(built)
    page = (out / "people" / "pham-van-duc" / "index.html").read_text(encoding="utf-8")
    assert "Hạ sĩX" in page and (out / output.MARKER).stat().st_ino != marker


def test_a_persons_iiif_collection_is_made_again_only_when_an_object_it_lists_changed(built):
    """A person's IIIF collection is made of its objects' documents: an edited title makes again
    the collections that list that object, and the others are the old site's files, linked."""
    root, out, cache = built
    before = {path: (path.read_bytes(), path.stat().st_ino) for path in sorted((out / "iiif" / "people").glob("*.json"))}
    edit_title(root)
    rebuild(built)
    listing = [path for path, (data, _) in before.items() if OLD_TITLE.encode() in data]
    others = [path for path in before if path not in listing]
    assert listing and others, "(the test collection no longer has both kinds: this test tests nothing)"
    assert all(NEW_TITLE.encode() in path.read_bytes() for path in listing)
    assert all(path.stat().st_ino == before[path][1] for path in others), "linked from the old site, not made"
