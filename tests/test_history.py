"""A collection that is a git repository keeps its history: each save a commit of exactly the files
it touched, an object's earlier versions read back and put back; without git, saves still work.
Real git, in temporary folders, with no global identity (HOME is a fresh folder)."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from kyvat import catalogue, history
from kyvat.cli import main
from kyvat.cli import records as records_cli
from kyvat.errors import HistoryError

RECORD = "objects/AB-2026-0003/record.yaml"


pytestmark = pytest.mark.usefixtures("no_identity")  # conftest: a machine with no git identity, as CI


def run_git(where: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=where, capture_output=True, text=True, check=True).stdout


def make_collection(where: Path, *, git: bool = True) -> Path:
    catalogue.write_new_collection(where, name_vi="Nhà", name_en="House", base_url="http://localhost:8000/",
                                   prefix="AB", git=git)
    return where


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_init_with_git_makes_a_repository_with_one_commit(tmp_path, no_identity):
    result = CliRunner().invoke(main, ["init", str(tmp_path / "house"), "--git"])
    assert result.exit_code == 0, result.output
    root = tmp_path / "house"
    assert run_git(root, "log", "--format=%an|%s").splitlines() == [f"kyvat|{history.FIRST_MESSAGE}"]
    assert "kyvat.yaml" in run_git(root, "ls-files").split()
    assert run_git(root, "status", "--porcelain") == ""
    assert history.is_tracked(root)
    assert not (no_identity / ".gitconfig").exists()  # nobody's configuration was written


def test_init_without_a_terminal_or_with_no_git_makes_a_plain_folder(tmp_path):
    for args in ([], ["--no-git"]):
        root = tmp_path / f"house{len(args)}"
        assert CliRunner().invoke(main, ["init", str(root), *args]).exit_code == 0
        assert (root / "kyvat.yaml").is_file() and not (root / ".git").exists()
        assert not history.is_tracked(root)


@pytest.mark.parametrize("answer, made", [("\n", True), ("n\n", False)])
def test_init_at_a_terminal_asks_and_says_yes_by_default(tmp_path, monkeypatch, answer, made):
    monkeypatch.setattr(records_cli, "sys", types.SimpleNamespace(stdin=types.SimpleNamespace(isatty=lambda: True),
                                                                  exit=sys.exit))
    result = CliRunner().invoke(main, ["init", str(tmp_path / "house")], input=answer)
    assert result.exit_code == 0, result.output
    assert "git" in result.output
    assert (tmp_path / "house" / ".git").is_dir() is made


def test_a_commit_holds_only_the_paths_given(tmp_path):
    root = make_collection(tmp_path / "house")
    write(root, RECORD, "title: một\n")
    write(root, "pages/about.md", "before\n")
    history.write_commit(root, [Path(RECORD), Path("pages/about.md")], "Thêm AB-2026-0003")
    write(root, "pages/about.md", "the curator's own edit\n")  # changed, not saved through kyvat
    write(root, "pages/staged.md", "staged by hand\n")
    run_git(root, "add", "pages/staged.md")
    write(root, RECORD, "title: hai\n")

    sha = history.write_commit(root, [root / RECORD], "Sửa AB-2026-0003: thêm trang 2")

    assert sha == run_git(root, "rev-parse", "HEAD").strip()
    assert run_git(root, "show", "--name-only", "--format=%s", sha).split("\n", 1) == [
        "Sửa AB-2026-0003: thêm trang 2", f"\n{RECORD}\n"]
    status = run_git(root, "status", "--porcelain").splitlines()
    assert " M pages/about.md" in status and "A  pages/staged.md" in status  # left as they were
    assert not any(RECORD in line for line in status)


def test_a_name_with_brackets_is_that_file_not_a_pattern(tmp_path):
    root = make_collection(tmp_path / "house")
    write(root, "pages/[a].md", "brackets\n")
    history.write_commit(root, [Path("pages/[a].md")], "Thêm trang")
    (root / "pages" / "[a].md").unlink()
    write(root, "pages/a.md", "plain\n")  # what the pattern [a].md matches once the file is gone

    assert history.write_commit(root, [Path("pages/[a].md")], "Xoá trang")

    assert run_git(root, "ls-files", "pages").split() == []
    assert run_git(root, "status", "--porcelain", "--untracked-files=all").split() == ["??", "pages/a.md"]


def test_nothing_changed_or_no_repository_gives_none(tmp_path):
    root = make_collection(tmp_path / "house")
    assert history.write_commit(root, [Path("kyvat.yaml")], "nothing") is None
    assert history.write_commit(root, [Path("never/there.yaml")], "nothing") is None
    plain = make_collection(tmp_path / "plain", git=False)
    write(plain, RECORD, "title: một\n")
    assert not history.is_tracked(plain)
    assert history.write_commit(plain, [Path(RECORD)], "Sửa") is None
    assert history.read_history(plain, RECORD) == []
    with pytest.raises(HistoryError, match="not a git repository"):
        history.read_version(plain, RECORD, "HEAD")


def test_deletions_and_moves_into_removed_are_committed(tmp_path):
    root = make_collection(tmp_path / "house")
    scans = "objects/AB-2026-0003/scans"
    write(root, f"{scans}/p1.jpg", "page one")
    write(root, f"{scans}/p2.jpg", "page two")
    history.write_commit(root, [Path(scans)], "Thêm trang")
    (root / scans / ".removed").mkdir()
    (root / scans / "p1.jpg").rename(root / scans / ".removed" / "p1.jpg")
    (root / scans / "p2.jpg").unlink()

    sha = history.write_commit(root, [Path(scans)], "Bỏ trang 1")

    assert sha
    assert run_git(root, "ls-files", scans).split() == [f"{scans}/.removed/p1.jpg"]
    assert run_git(root, "status", "--porcelain") == ""


def test_history_newest_first_and_earlier_versions(tmp_path):
    root = make_collection(tmp_path / "house")
    for n, text in enumerate(("title: một\n", "title: hai\n", "title: ba\n"), start=1):
        write(root, RECORD, text)
        history.write_commit(root, [Path(RECORD)], f"Sửa AB-2026-0003: lần {n}")

    changes = history.read_history(root, RECORD)

    assert [c.message for c in changes] == [f"Sửa AB-2026-0003: lần {n}" for n in (3, 2, 1)]
    assert [c.author for c in changes] == ["kyvat"] * 3
    assert all(c.sha.startswith(c.short) and c.path == RECORD and c.when.tzinfo for c in changes)
    assert history.read_version(root, RECORD, changes[2].sha) == "title: một\n".encode()
    assert history.read_version(root, RECORD, changes[2].short) == "title: một\n".encode()
    assert len(history.read_history(root, RECORD, limit=2)) == 2
    with pytest.raises(HistoryError, match="did not exist"):
        history.read_version(root, RECORD, run_git(root, "rev-list", "--max-parents=0", "HEAD").strip())
    with pytest.raises(HistoryError, match="no version"):
        history.read_version(root, RECORD, "0" * 40)


def test_a_renamed_file_keeps_its_history(tmp_path):
    root = make_collection(tmp_path / "house")
    write(root, "people/nguyen-van-a.yaml", "name: Nguyễn Văn A\n")
    history.write_commit(root, [Path("people")], "Thêm Nguyễn Văn A")
    (root / "people" / "nguyen-van-a.yaml").rename(root / "people" / "nguyen-van-an.yaml")
    history.write_commit(root, [Path("people")], "Đổi tên")

    changes = history.read_history(root, "people/nguyen-van-an.yaml")

    assert [(c.message, c.path) for c in changes] == [("Đổi tên", "people/nguyen-van-an.yaml"),
                                                      ("Thêm Nguyễn Văn A", "people/nguyen-van-a.yaml")]
    assert history.read_version(root, "people/nguyen-van-an.yaml", changes[1].sha) == "name: Nguyễn Văn A\n".encode()


def test_an_earlier_version_is_put_back_and_committed(tmp_path):
    root = make_collection(tmp_path / "house")
    write(root, RECORD, "title: một\n")
    first = history.write_commit(root, [Path(RECORD)], "Thêm")
    write(root, RECORD, "title: hai\n")
    history.write_commit(root, [Path(RECORD)], "Sửa")

    sha = history.write_restored(root, RECORD, first, "Khôi phục AB-2026-0003")

    assert (root / RECORD).read_text(encoding="utf-8") == "title: một\n"
    assert history.read_history(root, RECORD)[0].sha == sha
    assert history.read_history(root, RECORD)[0].message == "Khôi phục AB-2026-0003"
    assert run_git(root, "status", "--porcelain") == ""
    assert history.write_restored(root, RECORD, first, "again") is None  # already that version
    (root / RECORD).unlink()  # a deleted file comes back too
    assert history.write_commit(root, [Path(RECORD)], "Xoá")
    assert history.write_restored(root, RECORD, first, "Khôi phục") and (root / RECORD).is_file()


def test_a_collection_inside_a_bigger_repository(tmp_path):
    big = tmp_path / "project"
    write(big, "README.md", "code\n")
    run_git(big, "init", "-q")
    run_git(big, "config", "user.name", "Chị Lan")
    run_git(big, "config", "user.email", "lan@example.org")
    run_git(big, "add", "README.md")
    run_git(big, "commit", "-q", "-m", "code")
    root = make_collection(big / "collection")  # committed into the project, not a repository of its own
    assert not (root / ".git").exists()
    write(big, "README.md", "code changed\n")
    write(root, RECORD, "title: một\n")

    sha = history.write_commit(root, [Path(RECORD)], "Thêm AB-2026-0003")

    assert run_git(big, "show", "--name-only", "--format=%an", sha).split() == [
        "Chị", "Lan", f"collection/{RECORD}"]  # the repository's own identity signs
    assert run_git(big, "status", "--porcelain").strip() == "M README.md"
    assert history.read_history(root, RECORD)[0].path == RECORD
    assert history.read_version(root, RECORD, sha) == "title: một\n".encode()
    assert history.read_history(root, Path("objects"))[0].message == "Thêm AB-2026-0003"


def test_without_a_git_program_saves_still_work(tmp_path):
    root = make_collection(tmp_path / "house")
    write(root, RECORD, "title: một\n")
    script = ("from pathlib import Path; from kyvat import history; "
              f"r = Path({str(root)!r}); print(history.is_tracked(r), history.write_commit(r, [Path({RECORD!r})], 'x'))")
    env = {**os.environ, "PATH": str(tmp_path / "no-programs")}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "None"]
    assert history.is_tracked(root)  # with git found, the same folder is a repository
