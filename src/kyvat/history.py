"""A collection's history, when it is a git repository: each save a commit with a message a curator
can read ("Sửa AB-2026-0003: thêm trang 2"), an object's earlier versions, and putting one back.

GitPython is imported here and in no other module. A collection may be a folder of a larger
repository (paths are taken relative to the repository's top). Without git — no repository, or
no `git` program on the machine — `is_tracked` is False, `write_commit` does nothing and saves
still work. A commit carries only the paths the save names: what a curator changed or staged in
other files is left as it was, staged or not. The repository's own identity signs the commit; a
machine that has none (a fresh computer, CI) signs as kyvat, and no git configuration is written.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import N_, HistoryError, Value, make_params
from .layout import PARTIAL_PREFIX, PARTIAL_SUFFIX
from .recordedit import write_bytes, write_undo

try:
    import git
except ImportError:  # GitPython refuses to load when no `git` program is found: saves go on without
    git = None

# Who signs a commit when the repository and the machine name no one (never written to a config).
KYVAT_NAME, KYVAT_EMAIL = "kyvat", "kyvat@localhost"
FIRST_MESSAGE = "Tạo bộ sưu tập / collection created"
# Kept out of a new repository: the operating systems' folder files, editors' leftovers and the
# copies an interrupted add-scan leaves. (The cache lives beside the collection, never inside it.)
GITIGNORE = ("# kyvat init: files no one catalogued\n.DS_Store\nThumbs.db\ndesktop.ini\n*~\n*.swp\n"
             f"{PARTIAL_PREFIX}*{PARTIAL_SUFFIX}\n")
_FIELD, _RECORD = "\x1f", "\x1e"  # separators of `git log`'s fields and entries
_LITERAL = {"GIT_LITERAL_PATHSPECS": "1"}  # a file named with * or [ ] is that file, not a pattern


@dataclass(frozen=True)
class Change:
    """One commit that changed a file: who, when, and the message the save wrote."""

    sha: str
    short: str
    when: dt.datetime  # the author's time, with the author's offset
    author: str
    message: str
    path: str  # the file's name at that commit, relative to the collection (a rename changes it)


def _repository(root: Path):
    """The git repository whose work tree holds `root`, or None (no repository, no git, no GitPython)."""
    if git is None:
        return None
    try:
        repo = git.Repo(Path(root).resolve(), search_parent_directories=True)
        return None if repo.bare or repo.working_tree_dir is None else repo
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, git.GitCommandNotFound, OSError):
        return None


def is_tracked(root: Path) -> bool:
    """Whether the collection folder is inside a git work tree that kyvat can commit to."""
    repo = _repository(root)
    if repo is None:
        return False
    try:
        repo.git.rev_parse("--is-inside-work-tree")  # runs git: a missing program shows here
    except (git.GitCommandError, git.GitCommandNotFound, OSError):
        return False
    return True


def _rel(repo, root: Path, path: Path | str) -> str:
    """`path` (absolute, or relative to the collection) as git names it: relative to the top of the
    repository, POSIX. A path outside the repository is refused."""
    full = (Path(root) / path).resolve()
    top = Path(repo.working_tree_dir).resolve()
    if not full.is_relative_to(top):
        raise HistoryError(N_("{path} is outside the git repository {top}"),
                           params=make_params(path=Value(str(full)), top=Value(str(top))))
    return full.relative_to(top).as_posix() or "."


def _to_collection(repo, root: Path, rel: str) -> str:
    """A repository-relative name back as the collection names it."""
    full = Path(repo.working_tree_dir).resolve() / rel
    base = Path(root).resolve()
    return full.relative_to(base).as_posix() if full.is_relative_to(base) else full.as_posix()


def _identity(repo) -> dict[str, str]:
    """The environment a commit runs in: the curator's own names and addresses where the repository,
    the machine or the environment gives them, kyvat's where nothing does."""
    env: dict[str, str] = {}
    reader = repo.config_reader()  # every level: system, global, the repository's own
    for key, who, fallback in (("name", "NAME", KYVAT_NAME), ("email", "EMAIL", KYVAT_EMAIL)):
        if reader.get_value("user", key, default="") or os.environ.get(f"GIT_AUTHOR_{who}"):
            continue
        env[f"GIT_AUTHOR_{who}"] = env[f"GIT_COMMITTER_{who}"] = fallback
    return env


def _failed(exc: Exception) -> HistoryError:
    detail = getattr(exc, "stderr", "") or str(exc)
    detail = " ".join(str(detail).replace("stderr:", "").split()).strip(" '")
    return HistoryError(N_("git could not keep the history: {error}"), params=make_params(error=Value(detail)))


def _known(repo, rel: str) -> bool:
    """Whether git already knows `rel` (in the index or, as a folder, for some file in it)."""
    return bool(repo.git.ls_files("--", rel, env=_LITERAL))


def _has_head(repo) -> bool:
    try:
        repo.head.commit
    except ValueError:  # a repository with no commit yet
        return False
    return True


def write_commit(root: Path, paths: list[Path], message: str) -> str | None:
    """Commit exactly `paths` (files or folders, absolute or relative to the collection) as they are
    on disk — added, changed, deleted or moved (both ends of a move must be named, or a folder
    holding both) — with `message`. Returns the commit's sha, or None when the collection is not
    in a repository or none of the paths changed. Other files' changes, staged or not, stay out."""
    repo = _repository(root)
    if repo is None:
        return None
    try:
        rels = sorted({_rel(repo, root, path) for path in paths})
        rels = [rel for rel in rels if (Path(repo.working_tree_dir) / rel).exists() or _known(repo, rel)]
        if not rels:
            return None
        repo.git.add("--all", "--", *rels, env=_LITERAL)
        against = ["HEAD"] if _has_head(repo) else []  # before the first commit: against nothing
        if not repo.git.diff("--cached", "--name-only", *against, "--", *rels, env=_LITERAL):
            return None
        repo.git.commit("--only", "--no-verify", "--quiet", "-m", message, "--", *rels,
                        env={**_identity(repo), **_LITERAL})
        return repo.head.commit.hexsha
    except (git.GitCommandError, git.GitCommandNotFound, OSError) as exc:
        raise _failed(exc) from None


def write_repository(root: Path, message: str = FIRST_MESSAGE) -> str | None:
    """Make the collection a git repository with a first commit of everything in it (and a
    .gitignore). A collection already inside a repository is not made a second one: its folder is
    committed there. Returns the commit's sha (None when there was nothing to commit)."""
    if git is None:
        raise HistoryError(N_("git is not installed on this computer; the collection works without it"))
    root = Path(root)
    try:
        if not is_tracked(root):
            git.Repo.init(root)
        ignore = root / ".gitignore"
        if not ignore.exists():
            write_bytes(ignore, GITIGNORE.encode("utf-8"))
    except (git.GitCommandError, git.GitCommandNotFound, OSError) as exc:
        raise _failed(exc) from None
    return write_commit(root, [Path(".")], message)


def read_history(root: Path, path: Path | str, limit: int = 50) -> list[Change]:
    """The commits that changed `path`, newest first (at most `limit`), following a file through
    its renames; [] when the collection is not in a repository or nothing was committed yet."""
    repo = _repository(root)
    if repo is None or not _has_head(repo):
        return []
    rel = _rel(repo, root, path)
    follow = ["--follow"] if not (Path(repo.working_tree_dir) / rel).is_dir() else []
    layout = _RECORD + _FIELD.join(("%H", "%h", "%aI", "%an", "%B", ""))  # the file's name follows
    try:
        out = repo.git.log(*follow, f"-n{limit}", f"--format={layout}", "--name-only", "--", rel,
                           strip_newline_in_stdout=False, env=_LITERAL)
    except (git.GitCommandError, git.GitCommandNotFound, OSError) as exc:
        raise _failed(exc) from None
    changes = []
    for entry in out.split(_RECORD)[1:]:
        sha, short, when, author, text, names = entry.split(_FIELD)
        name = next((line for line in names.splitlines() if line.strip()), "") if follow else ""
        changes.append(Change(sha, short, dt.datetime.fromisoformat(when), author, text.strip(),
                              _to_collection(repo, root, name or rel)))
    return changes


def read_version(root: Path, path: Path | str, sha: str) -> bytes:
    """The bytes `path` had at commit `sha` (under the name it had then, if it was renamed since)."""
    repo = _repository(root)
    if repo is None:
        raise HistoryError(N_("{path}: the collection is not a git repository, so it has no history"),
                           params=make_params(path=Value(str(path))))
    rel = _rel(repo, root, path)
    try:
        commit = repo.commit(repo.git.rev_parse("--verify", "--quiet", f"{sha}^{{commit}}"))
    except (git.BadName, ValueError, git.GitCommandError):
        raise HistoryError(N_("{path}: no version {sha} in the history"),
                           params=make_params(path=Value(rel), sha=Value(sha))) from None
    for name in _names_at(repo, root, path, rel, commit.hexsha):
        try:
            blob = commit.tree / name
        except KeyError:
            continue
        if blob.type == "blob":
            return blob.data_stream.read()
    raise HistoryError(N_("{path} did not exist at version {sha}"),
                       params=make_params(path=Value(rel), sha=Value(commit.hexsha[:7])))


def _names_at(repo, root: Path, path: Path | str, rel: str, sha: str):
    """The names to look for a file under at commit `sha`: its own, then the one it had then."""
    yield rel
    yield from (_rel(repo, root, change.path) for change in read_history(root, path, limit=100_000)
                if change.sha == sha and _rel(repo, root, change.path) != rel)


def write_restored(root: Path, path: Path | str, sha: str, message: str) -> str | None:
    """Put back the bytes `path` had at commit `sha` (atomically) and commit them with `message`.
    Returns the new commit's sha, or None when the file already was that version."""
    data = read_version(root, path, sha)
    target = Path(root) / path
    if target.is_dir():
        raise HistoryError(N_("{path} is a folder; only a file can be put back"),
                           params=make_params(path=Value(str(path))))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        current = target.read_bytes() if target.is_file() else None
        if current is None:
            write_bytes(target, data)
        elif current != data and not write_undo(target, data, current):  # the same atomic swap as an undo
            raise HistoryError(N_("{path} changed while it was being put back; nothing was written, try again"),
                               params=make_params(path=Value(str(path))))
    except OSError as exc:
        raise HistoryError(N_("{path}: {error}; the file is unchanged"),
                           params=make_params(path=Value(str(path)), error=exc.strerror or exc)) from None
    return write_commit(root, [target], message)
