"""Builds that cost what changed: records read again only when their files changed, a date parsed
once, masters hashed again only when their size or time changed (never by `kyvat verify`), and
`kyvat serve` told of changes by the system instead of looking at every file again and again."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import os
import pickle
import time
from pathlib import Path

import pytest
from broken_scans import jpeg, write_kyvat_yaml, write_object

from kyvat import dates, derivatives, layout, media, readcache, records
from kyvat.privacy import to_public
from kyvat.records import read_collection
from kyvat.validate import check_record_text, load_collection
from kyvat.watcher import Watcher

TODAY = dt.date(2026, 9, 1)
AN_HOUR_NS = 3600 * 10**9


def age(root: Path) -> None:
    """Every file and folder under `root` made an hour older than it is: kept by the caches, which
    keep nothing written in the last few seconds."""
    age_only(root, *root.rglob("*"))


def age_only(*paths: Path) -> None:
    for path in paths:
        st = os.lstat(path)
        os.utime(path, ns=(st.st_atime_ns - AN_HOUR_NS, st.st_mtime_ns - AN_HOUR_NS), follow_symlinks=False)


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """The records parsed (their text made into YAML), by file."""
    parsed: list[str] = []
    real = records.to_yaml_data

    def count(text, rel, problems):
        parsed.append(rel)
        return real(text, rel, problems)

    monkeypatch.setattr(records, "to_yaml_data", count)
    return parsed


def made(folder: Path) -> Path:
    """A cache folder, as the first build makes it (reading a collection makes none)."""
    folder.mkdir(parents=True)
    return folder


def record(root: Path, object_id: str = "TT-2026-0001") -> Path:
    return layout.Layout.of(root).record(object_id)


def test_a_warm_read_is_a_cold_read_and_parses_only_what_changed(collection_copy, tmp_path, counted):
    cache = made(tmp_path / "cache")
    age(collection_copy)
    first = read_collection(collection_copy, cache=cache)
    assert first == read_collection(collection_copy, cache=False)
    n_records = len(counted) // 2
    assert n_records >= 5 and layout.read_cache_file(cache).is_file()
    counted.clear()
    assert read_collection(collection_copy, cache=cache) == first and counted == []  # nothing parsed

    path = record(collection_copy)
    path.write_text(path.read_text("utf-8").replace("vi: Thư gửi mẹ", "vi: Thư mẹ còn giữ"), "utf-8")
    transcript = layout.Layout.of(collection_copy).transcript("TT-2026-0002", "001.jpg")
    transcript.parent.mkdir(exist_ok=True)
    transcript.write_text("một trang chép tay mới\n", "utf-8")  # an object whose record did not change
    age_only(path, transcript, transcript.parent, transcript.parent.parent)
    counted.clear()
    warm = read_collection(collection_copy, cache=cache)
    assert counted == ["objects/TT-2026-0001/record.yaml", "objects/TT-2026-0002/record.yaml"]
    assert warm == read_collection(collection_copy, cache=False) and warm != first
    assert warm[0].objects[0].title.vi == "Thư mẹ còn giữ"
    assert "một trang chép tay mới" in warm[0].objects[1].scans[0].transcript


def test_problems_and_a_removed_record_come_back_as_a_cold_read_gives_them(collection_copy, tmp_path):
    cache = made(tmp_path / "cache")
    path = record(collection_copy)
    path.write_text(path.read_text("utf-8") + "colour: red\n", "utf-8")  # an unknown key: a problem
    (collection_copy / "people" / "pham-van-duc.yaml").unlink()
    age(collection_copy)
    cold = read_collection(collection_copy, cache=False)
    assert any(p.field == "colour" for p in cold[1])
    assert read_collection(collection_copy, cache=cache) == cold
    assert read_collection(collection_copy, cache=cache) == cold  # recalled, problems included


def test_a_record_changed_in_the_same_tick_at_another_size_is_read_again(collection_copy, tmp_path):
    cache = made(tmp_path / "cache")
    age(collection_copy)
    path = record(collection_copy)
    before = os.stat(path)
    read_collection(collection_copy, cache=cache)
    path.write_text(path.read_text("utf-8").replace("vi: Thư gửi mẹ", "vi: Thư gửi mẹ hiền"), "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the same time to the nanosecond
    assert os.stat(path).st_mtime_ns == before.st_mtime_ns and os.stat(path).st_ino == before.st_ino
    assert read_collection(collection_copy, cache=cache)[0].objects[0].title.vi == "Thư gửi mẹ hiền"


def test_a_record_saved_a_moment_ago_is_not_kept(collection_copy, tmp_path, counted):
    """Written again within the clock's tick at the same size, it would look unchanged: it is read
    every time until it is a few seconds old."""
    cache = made(tmp_path / "cache")
    age(collection_copy)
    path = record(collection_copy)
    path.write_text(path.read_text("utf-8").replace("vi: Thư gửi mẹ", "vi: Thư gửi mẹ!"), "utf-8")
    written = os.stat(path)
    read_collection(collection_copy, cache=cache)
    counted.clear()
    path.write_text(path.read_text("utf-8").replace("vi: Thư gửi mẹ!", "vi: Thư gửi mẹ?"), "utf-8")
    os.utime(path, ns=(written.st_atime_ns, written.st_mtime_ns))  # in the same tick: size and time the same
    assert read_collection(collection_copy, cache=cache)[0].objects[0].title.vi == "Thư gửi mẹ?"
    assert counted == ["objects/TT-2026-0001/record.yaml"]


@pytest.mark.parametrize("damage", [b"", b"not a pickle at all", pickle.dumps(("another stamp", {})),
                                    pickle.dumps([1, 2, 3]), b"\x80\x05garbage"])
def test_a_damaged_cache_is_ignored_and_written_anew(collection_copy, tmp_path, damage):
    cache = made(tmp_path / "cache")
    age(collection_copy)
    cold = read_collection(collection_copy, cache=False)
    read_collection(collection_copy, cache=cache)
    layout.read_cache_file(cache).write_bytes(damage)
    assert read_collection(collection_copy, cache=cache) == cold
    assert read_collection(collection_copy, cache=cache) == cold


def test_a_damaged_entry_is_read_again(collection_copy, tmp_path):
    cache = made(tmp_path / "cache")
    age(collection_copy)
    cold = read_collection(collection_copy, cache=False)
    read_collection(collection_copy, cache=cache)
    file = layout.read_cache_file(cache)
    stamp, entries = pickle.loads(file.read_bytes())
    file.write_bytes(pickle.dumps((stamp, {name: (key, b"junk") for name, (key, _) in entries.items()})))
    assert read_collection(collection_copy, cache=cache) == cold


def test_reading_makes_no_cache_folder_and_a_cache_that_cannot_be_written_is_done_without(collection_copy, tmp_path):
    age(collection_copy)
    cold = read_collection(collection_copy)
    assert read_collection(collection_copy, cache=tmp_path / "cache") == cold
    assert not (tmp_path / "cache").exists() and not (tmp_path / layout.CACHE_DIR).exists()
    blocked = made(tmp_path / "cache")
    layout.read_cache_file(blocked).mkdir()  # the file cannot be replaced
    assert read_collection(collection_copy, cache=blocked) == cold
    assert read_collection(collection_copy, cache=blocked) == cold
    assert [p.name for p in blocked.iterdir()] == [layout.READ_CACHE_FILE]  # no work file left behind


def test_the_settings_are_part_of_what_a_record_gave(collection_copy, tmp_path):
    """`private_fields` decides which keys a record may hold: a change of kyvat.yaml reads every record again."""
    cache = made(tmp_path / "cache")
    path = record(collection_copy)
    path.write_text(path.read_text("utf-8") + "ward_note: riêng\n", "utf-8")
    age(collection_copy)
    assert any(p.field == "ward_note" for p in read_collection(collection_copy, cache=cache)[1])
    config = collection_copy / layout.CONFIG_FILE
    config.write_text(config.read_text("utf-8") + "private_fields: [ward_note]\n", "utf-8")
    warm = read_collection(collection_copy, cache=cache)
    assert not any(p.field == "ward_note" for p in warm[1])
    assert warm == read_collection(collection_copy, cache=False)


def test_the_desk_check_parses_the_record_checked_only(collection_copy, counted):
    cache = made(layout.cache_dir(collection_copy))  # the collection's own, where the desk's previews are built
    age(collection_copy)
    read_collection(collection_copy, cache=cache)  # a build, or a preview
    text = record(collection_copy).read_text("utf-8")
    assert check_record_text(collection_copy, layout.record_rel("TT-2026-0001"), text, TODAY) == []
    counted.clear()
    broken = text.replace("object_type: letter", "object_type: lettre")
    kept = readcache.stat_key(layout.read_cache_file(cache))
    problems = check_record_text(collection_copy, layout.record_rel("TT-2026-0001"), broken, TODAY)
    assert [p.field for p in problems] == ["object_type"]
    assert counted == ["objects/TT-2026-0001/record.yaml"]
    # the record checked keeps its place in the cache, which is not written again
    assert readcache.stat_key(layout.read_cache_file(cache)) == kept
    counted.clear()
    read_collection(collection_copy, cache=cache)
    assert counted == []


def test_a_date_is_parsed_once_a_process(monkeypatch):
    calls = []
    real = dates.parse_edtf
    monkeypatch.setattr(dates, "parse_edtf", lambda text: calls.append(text) or real(text))
    dates._bounds.cache_clear()
    dates._to_edtf.cache_clear()
    for _ in range(3):
        assert dates.to_edtf("khoảng  năm 1972") == ("1972~", None)
        assert dates.make_bounds("1972~")[0].year == 1972
    assert calls == ["1972~"]


# -- masters -------------------------------------------------------------------------------------

def _build_services(root: Path, tmp_path: Path):
    site = tmp_path / f"site{len(list(tmp_path.glob('site*')))}"  # each build writes a new one, as `kyvat build` does
    return derivatives.write_image_services(to_public(load_collection(root, today=TODAY)), site,
                                            tmp_path / "cache", jobs=2,
                                            executor_factory=concurrent.futures.ThreadPoolExecutor)


def test_a_build_hashes_only_the_masters_that_changed(tmp_path, monkeypatch):
    root = tmp_path / "c"
    write_kyvat_yaml(root)
    write_object(root, "AB-2026-0001", {"001.jpg": jpeg(), "002.jpg": jpeg((300, 900))})
    age(root)
    hashed: list[str] = []
    real = media.read_sha256
    monkeypatch.setattr(media, "read_sha256", lambda path: hashed.append(Path(path).name) or real(path))
    first = _build_services(root, tmp_path)
    assert sorted(hashed) == ["001.jpg", "002.jpg"]
    hashed.clear()
    again = _build_services(root, tmp_path)
    assert hashed == [] and [s.sha256 for s in again.services] == [s.sha256 for s in first.services]

    master = layout.Layout.of(root).scan("AB-2026-0001", "002.jpg")
    master.write_bytes(jpeg((310, 900)))
    age_only(master)
    changed = _build_services(root, tmp_path)
    assert hashed == ["002.jpg"] and changed.services[1].sha256 == real(master) != first.services[1].sha256


def test_verify_hashes_every_master_whatever_a_build_kept(sample_copy, tmp_path, monkeypatch):
    """A master whose bytes changed behind the same size and time: a build cannot tell (git's index
    cannot either), the fixity check of `kyvat verify` does, for it hashes every master."""
    age(sample_copy)
    master = next(p for p in sorted(sample_copy.glob("objects/*/scans/*.jpg")))
    kept = readcache.MasterHashes(tmp_path / "cache")  # as a build keeps it
    assert kept.known(str(master)) == ""
    kept.learn(str(master), media.read_sha256(master))
    kept.save()
    before = os.stat(master)
    data = bytearray(master.read_bytes())
    data[len(data) // 2] ^= 0xFF
    master.write_bytes(bytes(data))
    os.utime(master, ns=(before.st_atime_ns, before.st_mtime_ns))
    hashed: list[Path] = []
    real = media.read_sha256
    monkeypatch.setattr(media, "read_sha256", lambda path: hashed.append(Path(path)) or real(path))
    report = media.read_fixity(sample_copy)
    checked = [r for r in report.results if r.status in ("ok", "changed")]
    assert len(checked) >= 5 and len(hashed) == len(checked)
    assert [r.path for r in report.failures] == [layout.Layout.of(sample_copy).relative(master)]
    # what a build would use: the checksum of the bytes as they were
    assert readcache.MasterHashes(tmp_path / "cache").known(str(master)) == report.failures[0].expected
    assert report.failures[0].found == real(master) != report.failures[0].expected


# -- kyvat serve ---------------------------------------------------------------------------------

@pytest.mark.realtime
def test_the_watcher_hears_a_change_and_nothing_hidden(tmp_path):
    folder = tmp_path / "collection"
    (folder / "objects" / ".git").mkdir(parents=True)
    watching = Watcher([folder], quiet=0.1)
    try:
        assert not watching.wait(0.5)  # nothing changed: nothing heard
        (folder / "objects" / ".git" / "index").write_text("x")
        (folder / "objects" / ".record.yaml.swp").write_text("x")
        assert not watching.wait(1.0)
        (folder / "objects" / "record.yaml").write_text("id: x\n")
        assert watching.wait(10)
        assert not watching.wait(0.5)  # heard once
    finally:
        watching.close()
    assert not watching._thread.is_alive()


@pytest.mark.realtime
def test_a_change_made_while_the_caller_is_busy_is_kept_for_its_next_wait(tmp_path):
    watching = Watcher([tmp_path], quiet=0.1)
    try:
        (tmp_path / "record.yaml").write_text("id: x\n")
        time.sleep(1.0)  # building meanwhile
        assert watching.wait(0)
    finally:
        watching.close()
