"""The output folder of a build: written as a staging folder beside it, then put in its place whole.

Visitors see either yesterday's site or today's, never half of one: the new folder is exchanged with
the old in one step where the system can (Linux's renameat2), else by two renames. A folder is only
ever replaced when kyvat wrote it (it holds MARKER) or it is empty, so a mistyped `-o` cannot take a
curator's documents with it; and it can never be the folder that holds the collection or its cache.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import stat
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from . import crashpoints
from .abandoned import alive
from .crashpoints import crash_point
from .errors import N_, KyvatError, Words, make_params
from .urls import Urls

MARKER = ".kyvat-output"  # in every output folder kyvat writes; its text says what the folder is
MARKER_TEXT = "Written by kyvat (kyvat build / kyvat iiif); replaced whole at each build.\n"
# Outputs of the time before MARKER: a site or an iiif folder holds this file.
_LEGACY = "collection.json"
_RENAME_EXCHANGE = 2
RETIRED = "site"  # the old site's name inside a retired folder (.OUT.old-PID-…/site) during a swap
_OWN = (MARKER,)  # what the build writes in an output folder, besides the stages


def holds_nothing(staging: Path | None) -> bool:
    """Whether the stages wrote nothing into `staging` so far."""
    return staging is not None and all(name in _OWN for name in os.listdir(staging))


def read_top_level(out: Path) -> list[str]:
    """The names in an output folder that its stages wrote (every one but the build's own files)."""
    return sorted(name for name in os.listdir(out) if name not in _OWN) if out.is_dir() else []
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


_WHY = {  # what a person can do about the errors of writing a site
    errno.ENOSPC: N_("the disk is full (free some space, or build onto another disk with -o)"),
    errno.EDQUOT: N_("the disk is full (free some space, or build onto another disk with -o)"),
    errno.EROFS: N_("the disk is read-only (choose a folder on another disk with -o)"),
    errno.EACCES: N_("the computer does not allow kyvat to use it (check the folder's permissions, or choose "
                     "another folder with -o)"),
    errno.EPERM: N_("the computer does not allow kyvat to use it (check the folder's permissions, or choose "
                    "another folder with -o)"),
}


def make_write_error(out: Path, exc: OSError) -> KyvatError:
    """The error of a build stopped by the system (a full disk, a read-only folder), naming the file
    and the output folder, which is left as it was."""
    why = Words(_WHY[exc.errno]) if exc.errno in _WHY else (exc.strerror or str(exc))
    return KyvatError(N_("the build stopped at {file}: {why}; the site in {out} is left as it was"),
                      params=make_params(file=exc.filename or out, why=why, out=out))


def _beside(out: Path, kind: str) -> str:
    """The start of the name of a folder a build makes beside `out`: `.OUT.new-` (a staging folder,
    or what waits beside it) or `.OUT.old-` (the old site, retired); then the process id
    (remove_abandoned tells the folders of builds that are gone by it)."""
    return f".{out.name}.{kind}-"


def _make_beside(out: Path, kind: str, what: str = "") -> Path:
    """A new empty folder beside `out`, of this process (_beside)."""
    return Path(tempfile.mkdtemp(prefix=f"{_beside(out, kind)}{os.getpid()}-{what}", dir=out.parent))


def make_staging(out: Path, shared: str = "") -> Path:
    """A new empty folder beside `out`, named after this process, after removing any that builds
    killed before they could clean up left behind (and putting back `out`'s `shared` folder)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(out, shared)
    staging = _make_beside(out, "new")
    try:
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def remove_abandoned(out: Path, shared: str = "") -> int:
    """Remove the staging and retired folders of builds of `out` whose process is gone; a build
    killed between the two renames of a swap left no `out`: its old site is put back first, and
    one killed between the exchange and the return of the `shared` folder (swap) has it returned."""
    _return_shared(out, shared)
    removed = 0
    for path in sorted(out.parent.glob(_beside(out, "*") + "*-*"),
                       key=lambda p: not p.name.startswith(_beside(out, "old"))):
        kind, _, rest = path.name[len(out.name) + 2:].partition("-")
        pid = rest.split("-", 1)[0]
        if kind in ("new", "old") and pid.isdigit() and path.is_dir() and not alive(int(pid)):
            if kind == "old" and (path / RETIRED).is_dir() and not out.exists() and not out.is_symlink():
                (path / RETIRED).rename(out)
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


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
        if relative in _OWN or not keep(relative) or target.exists() or target.is_symlink():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        _link(path, target)


def _link(path: Path, target: Path) -> None:
    """A hard link of a file at `target` (a copy across disks), or a copy of a symbolic link."""
    if path.is_symlink():
        os.symlink(os.readlink(path), target)
        return
    try:
        os.link(path, target)
    except OSError:
        shutil.copy2(path, target)


def same_file(path: Path, other: Path) -> bool:
    """Whether two paths are one file (hard links of it); False when either is missing."""
    try:
        return os.path.samefile(path, other)
    except OSError:
        return False


def keep_unchanged(old: Path, new: Path) -> None:
    """Give files whose bytes did not change their old modification time, so a sync sends nothing.
    A file the new site links from the old one is the same inode, told by the folders' listings
    (no stat); only the files written anew are compared, and only folders the new site has are read."""
    if not old.is_dir():
        return
    folders = [""]
    while folders:
        rel = folders.pop()
        try:
            before = {entry.name: entry for entry in os.scandir(old / rel)}
        except OSError:  # a folder the old site did not have
            before = {}
        for entry in os.scandir(new / rel):
            if entry.is_dir(follow_symlinks=False):
                folders.append(f"{rel}/{entry.name}" if rel else entry.name)
                continue
            previous = before.get(entry.name)
            if previous is None or not entry.is_file(follow_symlinks=False) \
                    or not previous.is_file(follow_symlinks=False) or previous.inode() == entry.inode():
                continue  # new, not a file, or the same file (the two sites are on one disk)
            found = previous.stat(follow_symlinks=False)
            if entry.stat(follow_symlinks=False).st_size == found.st_size \
                    and Path(entry.path).read_bytes() == Path(previous.path).read_bytes():
                os.utime(entry.path, ns=(found.st_atime_ns, found.st_mtime_ns))


def link_borrowed(out: Path, staging: Path, folders: list[str]) -> None:
    """Hard-link the files of the old output's `folders` (or files) into `staging`, leaving them in
    place: the old site stays whole until the exchange, whenever the build fails or is killed
    (moving the folders instead would cost less, and leave the live site without them meanwhile)."""
    for folder in folders:
        if (out / folder).is_dir() and not (out / folder).is_symlink():
            carry_over(out / folder, staging / folder, lambda _path: True)
        elif os.path.lexists(out / folder):  # a recording, or a top-level file when all of it is kept
            (staging / folder).parent.mkdir(parents=True, exist_ok=True)
            _link(out / folder, staging / folder)
        crash_point("swap.fallback.linking")


def remove_staging(staging: Path, out: Path) -> None:
    """Remove a staging folder that will not be put in place (the old output was never touched)."""
    shutil.rmtree(staging, ignore_errors=True)


def retire(folder: Path, trash: Path | None) -> None:
    """Remove an old site: moved into `trash` (one rename) and deleted there in the background, so
    the build does not wait for it; deleted at once where it cannot be moved (another disk)."""
    if trash is not None:
        try:
            trash.mkdir(parents=True, exist_ok=True)
            folder.rename(Path(tempfile.mkdtemp(prefix="site-", dir=trash)))
            empty_trash(trash)
            return
        except OSError:
            pass
    shutil.rmtree(folder, ignore_errors=True)


def empty_trash(trash: Path) -> threading.Thread:
    """Delete what `trash` holds in a background thread (with whatever a process killed before its
    end left there); the process waits for it only at its end, after the build has returned."""
    def empty() -> None:
        try:
            for path in list(trash.iterdir()):
                shutil.rmtree(path, ignore_errors=True)
        except OSError:  # the trash itself removed meanwhile: nothing left to do
            pass

    worker = threading.Thread(target=empty, name="kyvat-trash")  # not a daemon: the process ends once it is done
    worker.start()
    return worker


def swap(staging: Path, out: Path, borrowed: list[str] | tuple[str, ...] = (), trash: Path | None = None,
         shared: str = "") -> None:
    """Put `staging` in the place of `out`, keeping `out`'s permissions (a new one gets the
    umask's), then remove the old folder (into `trash`, see retire). `borrowed` are folders of `out`
    the new site keeps as they are: those in `shared` stay where they are (share_folder), the
    others are hard-linked file by file into `staging` (link_borrowed)."""
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(stat.S_IMODE(out.stat().st_mode) if out.is_dir() else 0o777 & ~umask)
    if not out.exists():
        staging.rename(out)
        return
    exchange = not crashpoints.armed("swap.fallback") and _can_exchange() and _exchanges_in(staging)
    share = exchange and shared and (out / shared).is_dir() and not (out / shared).is_symlink()
    changes = share_folder(out, staging, shared, borrowed) if share else None
    borrowed = [path for path in borrowed if changes is None or Urls.inside(path, shared) is None]
    if borrowed:
        link_borrowed(out, staging, list(borrowed))
    try:
        exchanged = exchange and _exchange(staging, out)
    except BaseException:
        if changes is not None:
            changes.undo(out / shared, trash)
        raise
    if changes is not None and not exchanged:  # the probe said it could
        changes.undo(out / shared, trash)
        raise OSError(errno.EIO, "the folders cannot be exchanged", str(out))
    if exchanged:
        crash_point("swap.exchanged")
        if changes is not None:
            _return_shared(out, shared)
            crash_point("swap.shared-returned")
            changes.apply(out / shared, trash)
        retire(staging, trash)  # it holds the old site now
        return
    # Two renames: a crash between them leaves no `out`, and the old site in `retired`, which the
    # next build puts back (remove_abandoned) before anything else.
    retired = _make_beside(out, "old")
    crash_point("swap.fallback.retired-made")
    out.rename(retired / RETIRED)
    crash_point("swap.fallback.between-renames")
    staging.rename(out)
    crash_point("swap.fallback.renamed")
    retire(retired, trash)


# -- a folder the old site and the new one share --------------------------------------------------
# The image services are most of a site's files, and one never changes once written (its folder is
# named by its object and scan; a master replaced makes a folder of the same name with new files).
# A new site made beside the old one would have to link each of their files and folders again
# (three folders a tile): instead the folder that holds them stays where it is, and the new site
# reaches it through a symbolic link until, right after the exchange, the folder is put back in
# its place and the link goes out with the old site. A kill at that moment leaves the link (a web
# server follows it: the site is whole), which the next build replaces by the folder first.

@dataclass
class SharedChanges:
    """What a new site changes in the shared folder once it is in place (share_folder)."""
    added: list[str]  # entries the old site did not have, put in already
    replaced: list[str]  # entries of the same name with new files, in `waiting`
    removed: list[str]  # entries the new site no longer has
    waiting: Path  # beside the output: the new entries, then what was taken out, to be removed

    def apply(self, folder: Path, trash: Path | None) -> None:
        """Put the replaced entries in (each in one step: an exchange), take the removed ones out."""
        for name in self.replaced:
            if not _exchange(self.waiting / name, folder / name):
                raise OSError(errno.EIO, "cannot exchange", str(folder / name))
            crash_point("swap.shared-replaced")
        for name in self.removed:
            (folder / name).rename(self.waiting / f"removed-{name}")
        retire(self.waiting, trash)

    def undo(self, folder: Path, trash: Path | None) -> None:
        """The exchange failed: take the added entries out again, the old site as it was."""
        for name in self.added:
            (folder / name).rename(self.waiting / f"added-{name}")
        retire(self.waiting, trash)


def share_folder(out: Path, staging: Path, shared: str, borrowed) -> SharedChanges:
    """Make `staging`'s `shared` folder a symbolic link to `out`'s, valid once `staging` is in
    `out`'s place (it then leads to the old site's real folder); the entries the stages wrote there
    go into `out`'s folder now when they are new (no page of the old site shows them), or wait
    beside it to replace the old ones after the exchange."""
    live, new = out / shared, staging / shared
    kept = {Path(path).name for path in borrowed if Urls.inside(path, shared) is not None}
    written = sorted(os.listdir(new)) if new.is_dir() else []
    present = set(os.listdir(live))
    waiting = _make_beside(out, "new", "shared-")
    added, replaced = [], []
    for name in written:
        if name in present:
            (new / name).rename(waiting / name)
            replaced.append(name)
        else:
            (new / name).rename(live / name)
            added.append(name)
    crash_point("swap.shared-added")
    removed = sorted(present - kept - set(written))
    if new.is_dir():
        new.rmdir()
    new.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(os.path.relpath(new, live.parent), new)
    return SharedChanges(added, replaced, removed, waiting)


def _return_shared(out: Path, shared: str) -> None:
    """When `out`'s `shared` folder is a link into a staging folder beside it (a build killed right
    after its exchange, or this one), exchange the link with the real folder it leads to."""
    link = out / shared
    if not shared or not link.is_symlink():
        return
    target = Path(os.path.normpath(link.parent / os.readlink(link)))
    beside = target.relative_to(out.parent).parts[0] if target.is_relative_to(out.parent) else ""
    if beside.startswith(_beside(out, "new")) and target.is_dir() and not target.is_symlink():
        if not _exchange(link, target):
            raise OSError(errno.EIO, "cannot exchange", str(link))


def _exchanges_in(folder: Path) -> bool:
    """Whether the file system of `folder` exchanges folders in one step (some network ones refuse)."""
    first, second = folder / ".exchange-1", folder / ".exchange-2"
    first.mkdir(), second.mkdir()
    try:
        return _exchange(first, second)
    finally:
        first.rmdir(), second.rmdir()


def _can_exchange() -> bool:
    """Whether this system has renameat2 (Linux); a file system may still refuse it (_exchange)."""
    try:
        ctypes.CDLL(None, use_errno=True).renameat2  # noqa: B018 - looked up, not called
    except (OSError, AttributeError):
        return False
    return True


def _exchange(first: Path, second: Path) -> bool:
    """Exchange two folders in one step (Linux's renameat2 with RENAME_EXCHANGE); False where the
    system or its file system cannot, and nothing was changed."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return done == 0
