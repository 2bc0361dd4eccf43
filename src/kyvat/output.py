"""The output folder of a build: written as a staging folder beside it, then put in its place whole.

Visitors see either yesterday's site or today's, never half of one: the new folder is exchanged with
the old in one step where the system can (Linux's renameat2), else by two renames. A folder is only
ever replaced when kyvat wrote it (it holds MARKER) or it is empty, so a mistyped `-o` cannot take a
curator's documents with it; and it can never be the folder that holds the collection or its cache.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import stat
import tempfile
from pathlib import Path

from .errors import N_, KyvatError, Words, make_params

MARKER = ".kyvat-output"  # in every output folder kyvat writes; its text says what the folder is
MARKER_TEXT = "Written by kyvat (kyvat build / kyvat iiif); replaced whole at each build.\n"
# Outputs of the time before MARKER: a site or an iiif folder holds this file.
_LEGACY = "collection.json"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def check_target(out: Path, keep_out_of: dict[str, Path], legacy: str = _LEGACY) -> None:
    """Refuse an output folder that holds (or is inside, or is) a folder kyvat must not touch
    (`keep_out_of`: what each is, for the message, and where), or an existing folder kyvat did not
    write. `legacy` is where an older output of this kind keeps its collection.json."""
    for what, folder in keep_out_of.items():
        folder = folder.resolve()
        # `what` is words (marked where the caller names it), translated with the message
        params = make_params(out=out, what=Words(what), folder=folder)
        if out == folder or folder in out.parents:
            raise KyvatError(N_("the output folder {out} is inside {what} ({folder}); choose a folder outside it"),
                             params=params)
        if out in folder.parents:
            raise KyvatError(N_("the output folder {out} holds {what} ({folder}), which a build would replace; "
                                "choose a folder of its own, such as {suggested}"),
                             params=(*params, ("suggested", str(out / "_site"))))
    if out.exists() and not out.is_dir():
        raise KyvatError(N_("the output folder {out} is a file; choose a folder"), params=make_params(out=out))
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file() and not (out / legacy).is_file():
        raise KyvatError(N_("the output folder {out} holds files kyvat did not write, and a build replaces "
                            "the whole folder; choose an empty or new folder"), params=make_params(out=out))


def make_staging(out: Path) -> Path:
    """A new empty folder beside `out`, named after this process, after removing any that builds
    killed before they could clean up left behind."""
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-{os.getpid()}-", dir=out.parent))
    (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    return staging


def remove_abandoned(out: Path) -> int:
    """Remove the staging and retired folders of builds of `out` whose process is gone."""
    removed = 0
    for path in out.parent.glob(f".{out.name}.*-*-*"):
        kind, _, rest = path.name[len(out.name) + 2:].partition("-")
        pid = rest.split("-", 1)[0]
        if kind in ("new", "old") and pid.isdigit() and path.is_dir() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def carry_over(old: Path, staging: Path, keep) -> None:
    """Hard-link into `staging` every file (and copy every link and empty folder) of `old` that
    `keep(relative path)` says a partial build keeps; nothing is read or copied whole."""
    if not old.is_dir():
        return
    for path in sorted(old.rglob("*")):
        relative = path.relative_to(old).as_posix()
        target = staging / relative
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()) and keep(relative + "/"):
                target.mkdir(parents=True, exist_ok=True)
            continue
        if relative == MARKER or not keep(relative) or target.exists() or target.is_symlink():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink():
            os.symlink(os.readlink(path), target)
            continue
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)


def keep_unchanged(old: Path, new: Path) -> None:
    """Give files whose bytes did not change their old modification time, so a sync sends nothing."""
    if not old.is_dir():
        return
    for path in new.rglob("*"):
        previous = old / path.relative_to(new)
        if path.is_symlink() or not (path.is_file() and previous.is_file()):
            continue
        if os.path.samefile(path, previous):  # tiles hard-linked from the cache: same file already
            continue
        if path.stat().st_size == previous.stat().st_size and path.read_bytes() == previous.read_bytes():
            found = previous.stat()
            os.utime(path, ns=(found.st_atime_ns, found.st_mtime_ns))


def swap(staging: Path, out: Path) -> None:
    """Put `staging` in the place of `out`, keeping `out`'s permissions (a new one gets the
    umask's), then remove the old folder."""
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(stat.S_IMODE(out.stat().st_mode) if out.is_dir() else 0o777 & ~umask)
    if not out.exists():
        staging.rename(out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # it holds the old site now
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-{os.getpid()}-", dir=out.parent))
    out.rename(retired / "site")
    staging.rename(out)
    shutil.rmtree(retired, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Exchange two folders in one step (Linux's renameat2 with RENAME_EXCHANGE); False where the
    system or its file system cannot, and nothing was changed."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return done == 0
