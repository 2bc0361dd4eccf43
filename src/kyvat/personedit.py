"""A person's id changed (`kyvat rename person`) or a person entered twice made one (`kyvat merge
person`): every record that names the person is changed through recordedit (comments kept), the
old published address leads to the new one (redirects.yaml, redirects.py), and nothing a curator
wrote is lost: a merged person's file is kept in people/.merged/.

A command edits several files; when one cannot be changed, the ones already changed are put back,
and a command killed mid-way (a power cut) is undone by the next one from its journal (journal.py).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .abandoned import create_new
from .crashpoints import crash_point
from .errors import N_, CatalogueError, Problem, Value, Words, make_params
from .journal import Journal, recover
from .layout import PERSON_SUFFIX, RECORD_FILE, REDIRECTS_FILE, Layout, merged_person_rel, person_rel
from .recordedit import extend_list, make_mapping, make_scalar, remove_item, write_edit, write_undo
from .redirects import read_redirects
from .scanedit import free_name, move_new
from .vietnamese import make_slug
from .yamlfile import YamlSyntaxError, make_yaml

# The lists of a person whose items are added to, not weighed against each other, in a merge.
UNION_LISTS = ("aliases", "sources")
REDIRECTS_HEADER = """\
# Published addresses that moved: a person renamed ('kyvat rename person') or merged into another
# ('kyvat merge person'). Each line is `old id: the id the person has now`; the site keeps a small
# page at the old address that leads to the new one, so no link to it ever breaks. Remove a line
# only if you mean that link to break.
"""


@dataclass(frozen=True)
class Conflict:
    """A value both records of a merged person hold, differently: the kept one is the first's."""

    field: str
    kept: Any
    other: Any

    @property
    def texts(self) -> tuple[str, str]:
        """Both values as a curator writes them in a record: `{vi: mẹ, en: mother}`, `true`."""
        return to_flow_text(self.kept), to_flow_text(self.other)


def to_flow_text(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {to_flow_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(to_flow_text(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


@dataclass(frozen=True)
class PersonChange:
    """What a rename or a merge did: `old` is now `new`; the files changed (collection-relative)."""

    old: str
    new: str
    edited: tuple[str, ...]
    conflicts: tuple[Conflict, ...] = ()
    kept_as: str = ""  # a merge: where the merged person's file is kept


def write_person_renamed(root: Path, old: str, new: str) -> PersonChange:
    """Give the person `old` the id `new`: people/OLD.yaml becomes people/NEW.yaml, every record
    naming OLD names NEW, and OLD's published address leads to NEW's."""
    recover(root)  # a rename or merge killed mid-way is undone first
    where = Layout.of(root)
    _require_person(where, old, "old id")
    if make_slug(new) != new:
        raise CatalogueError(N_("expected an id of small letters, digits and hyphens such as '{example}', "
                                "found '{new}'"), "new id",
                             params=make_params(example=make_slug(new) or "nguyen-van-a", new=Value(new)))
    if where.person(new).exists():
        raise CatalogueError(N_("expected an id no person has, found '{new}' ({file} exists); to make two "
                                "records of one person one, use 'kyvat merge person'"), "new id",
                             params=make_params(new=Value(new), file=person_rel(new)))
    moved = _read_moved(root)
    if moved.get(new, old) != old:
        raise CatalogueError(N_("expected an id never published for another person, found '{new}', the old "
                                "address of '{other}' ({file})"), "new id",
                             params=make_params(new=Value(new), other=moved[new], file=REDIRECTS_FILE))
    with _Edits(root) as edits:
        _relink_everywhere(edits, where, old, new, skip=())
        edits.move(where.person(old), where.person(new))
        _add_redirect(edits, where, old, new)
    return PersonChange(old, new, tuple(edits.edited))


def write_person_merged(root: Path, keep: str, merged: str) -> PersonChange:
    """Make the person `merged` (entered twice) part of `keep`: what only `merged`'s record says is
    added to `keep`'s, a value both hold differently is kept as `keep` has it and returned as a
    conflict, `merged`'s name joins the aliases; every record naming `merged` names `keep`, its file
    moves to people/.merged/ and its published address leads to `keep`'s."""
    recover(root)  # a rename or merge killed mid-way is undone first
    where = Layout.of(root)
    other = _merge_sources(where, keep, merged)[1]
    conflicts: list[Conflict] = []

    def merge(data: Any) -> None:
        conflicts.clear()  # the change is made twice (recordedit checks it): report it once
        conflicts.extend(make_merged(data, other, keep, merged))

    with _Edits(root) as edits:
        edits.edit(where.person(keep), person_rel(keep), merge)
        _relink_everywhere(edits, where, merged, keep, skip=(keep, merged))
        where.merged_people.mkdir(exist_ok=True)
        kept_as = free_name(where.merged_people, where.person(merged).name)
        edits.move(where.person(merged), where.merged_people / kept_as)
        _add_redirect(edits, where, merged, keep)
    return PersonChange(merged, keep, tuple(edits.edited), tuple(conflicts), merged_person_rel(kept_as))


def read_merge_plan(root: Path, keep: str, merged: str) -> PersonChange:
    """What write_person_merged(root, keep, merged) would do, nothing written: the files it would
    change (`merged`'s moves to people/.merged/) and the values both records hold differently."""
    where = Layout.of(root)
    data, other = _merge_sources(where, keep, merged)
    conflicts = make_merged(data, other, keep, merged)
    edited = [person_rel(keep)] + [rel for _path, rel, _change in _naming(where, merged, skip=(keep, merged))]
    return PersonChange(merged, keep, tuple(edited), tuple(conflicts), merged_person_rel(where.person(merged).name))


def _merge_sources(where: Layout, keep: str, merged: str) -> tuple[dict, dict]:
    """Both records of a merge, as read (plain), once each is known to be a person's."""
    _require_person(where, keep, "A")
    _require_person(where, merged, "B")
    if keep == merged:
        raise CatalogueError(N_("expected two different people, found '{keep}' twice"), "B",
                             params=make_params(keep=Value(keep)))
    return _read_plain(where.person(keep), person_rel(keep)), _read_plain(where.person(merged), person_rel(merged))


# -- merging two records ---------------------------------------------------------------------------

def make_merged(data: Any, other: dict, keep: str, merged: str) -> list[Conflict]:
    """Add to the person record `data` (of `keep`) what `other` (of `merged`) says and it does not;
    return the values both hold differently (`data`'s stay)."""
    conflicts: list[Conflict] = []
    names = [other.get("name")] + list(other.get("aliases") or [])
    aliases = [n for n in names if isinstance(n, str) and n.strip() and n != data.get("name")]
    own_publish = data.get("publish_name", data.get("kind") == "martyr")
    if own_publish != other.get("publish_name", other.get("kind") == "martyr"):
        # consent to publish a name is never taken from the other record: it is reported
        conflicts.append(Conflict("publish_name", own_publish, not own_publish))
    rest = {k: v for k, v in other.items() if k not in ("name", "publish_name", "aliases", "relationships")}
    if aliases:
        rest["aliases"] = list(dict.fromkeys(aliases))
    _merge_into(data, rest, "", conflicts)
    _merge_relationships(data, other.get("relationships"), keep, merged, conflicts)
    return conflicts


def _merge_into(target: Any, source: dict, field: str, conflicts: list[Conflict]) -> None:
    for key, value in source.items():
        at = f"{field}.{key}" if field else str(key)
        mine = target.get(key)
        if mine in (None, "", [], {}):
            target[key] = _copy(value)
        elif _same(mine, value):
            continue
        elif isinstance(mine, str) and isinstance(value, dict) and value.get("vi") == mine:
            target[key] = _copy(value)  # the same Vietnamese, and the other record has the English too
        elif isinstance(mine, dict) and isinstance(value, dict):
            _merge_into(mine, value, at, conflicts)
        elif isinstance(mine, list) and isinstance(value, list) and key in UNION_LISTS:
            extend_list(mine, [_copy(item) for item in value if item not in mine])
        else:
            conflicts.append(Conflict(at, _plain(mine), _plain(value)))


def _merge_relationships(data: Any, theirs: Any, keep: str, merged: str, conflicts: list[Conflict]) -> None:
    """The other record's relationships join this one's, except to either record of the person;
    and this one's to the other record (the same person) go."""
    mine = data.get("relationships")
    if isinstance(mine, list):
        for index in reversed(range(len(mine))):
            if isinstance(mine[index], dict) and mine[index].get("person") == merged:
                remove_item(data, "relationships", index)
    new, own = [], [m for m in data.get("relationships") or [] if isinstance(m, dict)]
    for rel in theirs if isinstance(theirs, list) else []:
        if not isinstance(rel, dict) or rel.get("person") in (keep, merged):
            continue
        same_person = [m for m in own if m.get("person") == rel.get("person")]
        if not same_person:
            new.append(_copy(rel))
            own.append(rel)
        elif not any(_same(m.get("relation"), rel.get("relation")) for m in same_person):
            conflicts.append(Conflict(f"relationships ({rel.get('person')})", _plain(same_person[0].get("relation")),
                                      _plain(rel.get("relation"))))
    if new and isinstance(data.get("relationships"), list):
        extend_list(data["relationships"], new)
    elif new and data.get("relationships") is None:
        data["relationships"] = new


def _same(mine: Any, theirs: Any) -> bool:
    """Equal, or the same with less: a text `x` and `{vi: x, en: y}`, a date `1950` and `{text: năm
    1950, edtf: 1950}`."""
    if mine == theirs:
        return True
    if isinstance(mine, dict) and not isinstance(theirs, (dict, list)):
        return str(mine.get("vi", mine.get("edtf"))) == str(theirs)
    return isinstance(mine, dict) and isinstance(theirs, dict) and all(mine.get(k) == v for k, v in theirs.items())


def _copy(value: Any) -> Any:
    """A value of the other record, made safe to write into this one (text quoted where a YAML
    reader would take it for something else); a short map of texts is written inline."""
    if isinstance(value, dict):
        inline = len(value) <= 2 and all(not isinstance(v, (dict, list)) for v in value.values())
        return make_mapping({k: _copy(v) for k, v in value.items()}, inline=inline)
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return make_scalar(value) if isinstance(value, str) else value


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, str) else value


# -- references ------------------------------------------------------------------------------------

def _relink_everywhere(edits: _Edits, where: Layout, old: str, new: str, skip: tuple[str, ...]) -> None:
    """Every object's `people` and `acquisition.donor`, and every person's `relationships`, that
    name `old` name `new`. Each file is read first: one kyvat cannot read stops the command before
    any file is changed."""
    for path, rel, change in _naming(where, old, skip):
        edits.edit(path, rel, lambda data, change=change: change(data, old, new))


def _naming(where: Layout, old: str, skip: tuple[str, ...]) -> list[tuple[Path, str, Callable]]:
    """The records that name the person `old` (people `skip` left out), each with its relinking."""
    files = [(path, where.relative(path), _relink_object) for path in sorted(where.objects.glob("*/" + RECORD_FILE))]
    files += [(path, where.relative(path), _relink_person) for path in sorted(where.people.glob("*" + PERSON_SUFFIX))
              if path.stem not in skip]
    return [(path, rel, change) for path, rel, change in files if _names(_read_plain(path, rel), old)]


def _names(data: dict, person: str) -> bool:
    links = [x for key in ("people", "relationships") for x in (data.get(key) or []) if isinstance(x, dict)]
    acquisition = data.get("acquisition")
    donor = acquisition.get("donor") if isinstance(acquisition, dict) else None
    return donor == person or any(link.get("person") == person for link in links)


def _relink_object(data: Any, old: str, new: str) -> None:
    _relink_list(data, "people", old, new)
    acquisition = data.get("acquisition")
    if isinstance(acquisition, dict) and acquisition.get("donor") == old:
        acquisition["donor"] = new


def _relink_person(data: Any, old: str, new: str) -> None:
    _relink_list(data, "relationships", old, new)


def _relink_list(data: Any, key: str, old: str, new: str) -> None:
    """`{person: old, …}` items of `data[key]` become `{person: new, …}`; one that is then the same
    as an earlier item (the two records of a merged person were both linked) goes."""
    items = data.get(key)
    if not isinstance(items, list):
        return
    for item in items:
        if isinstance(item, dict) and item.get("person") == old:
            item["person"] = new
    for index in reversed(range(len(items))):
        if isinstance(items[index], dict) and items[index].get("person") == new and items[index] in items[:index]:
            remove_item(data, key, index)


def _add_redirect(edits: _Edits, where: Layout, old: str, new: str) -> None:
    """`old: new` in redirects.yaml; redirects that led to `old` lead to `new` (never a chain), and
    one from `new` (a person renamed back) goes."""
    def change(data: Any) -> None:
        people = data.get("people")
        if not isinstance(people, dict):
            data["people"] = make_mapping({old: new})
            return
        for key in [k for k, v in people.items() if v == old]:
            people[key] = new
        people.pop(new, None)
        people[old] = new

    if not where.redirects.exists():
        edits.create(where.redirects, REDIRECTS_HEADER + "people:\n")
    edits.edit(where.redirects, REDIRECTS_FILE, change)


# -- files -----------------------------------------------------------------------------------------

class _Edits:
    """The changes of one command, each with its undo; on any failure the ones made are undone,
    the last first, and the failure goes on to the caller."""

    def __init__(self, root: Path):
        self.root = root
        self.edited: list[str] = []
        self._undo: list[Callable[[], Any]] = []
        self._journal = Journal(root)  # what each file held, for the next command if this one is killed

    def _step(self, *paths: Path) -> None:
        crash_point(f"personedit.step-{len(self._undo)}")
        for path in paths:
            self._journal.note(path)

    def edit(self, path: Path, rel: str, change: Callable[[Any], None]) -> None:
        self._step(path)
        before = path.read_bytes()
        write_edit(path, rel, change, root=self.root)
        after = path.read_bytes()
        if after != before:
            self._undo.append(lambda: write_undo(path, before, after))
            self.edited.append(rel)

    def move(self, source: Path, target: Path) -> None:
        self._step(source, target)
        move_new(source, target)
        self._undo.append(lambda: move_new(target, source))

    def create(self, path: Path, text: str) -> None:
        self._step(path)
        create_new(path, text)

        def undo() -> None:
            if path.read_text(encoding="utf-8") == text:  # as it was made: nobody else wrote in it
                path.unlink()

        self._undo.append(undo)

    def __enter__(self) -> _Edits:
        return self

    def __exit__(self, kind, exc, traceback) -> None:
        if exc is not None:
            for undo in reversed(self._undo):
                undo()
        crash_point("personedit.before-close")
        self._journal.close()


def _require_person(where: Layout, person_id: str, field: str) -> None:
    if not where.person(person_id).is_file():
        ids = sorted(p.stem for p in where.people.glob("*" + PERSON_SUFFIX)) if where.people.is_dir() else []
        close = difflib.get_close_matches(person_id, ids, n=1, cutoff=0.6)
        if close:
            raise CatalogueError(N_("expected the id of a person in people/, found '{person_id}' (did you mean "
                                    "'{close}'?)"), field,
                                 params=make_params(person_id=Value(person_id), close=close[0]))
        raise CatalogueError(N_("expected the id of a person in people/, found '{person_id}' (see 'kyvat list "
                                "people')"), field, params=make_params(person_id=Value(person_id)))


def _read_plain(path: Path, rel: str) -> dict:
    try:
        data = make_yaml(path.read_text(encoding="utf-8-sig"))
    except (YamlSyntaxError, UnicodeDecodeError, OSError) as exc:
        # a YAML slip in the curator's words (its message, as validate gives it), else the system's
        reason = Words(exc.said, exc.params) if isinstance(exc, YamlSyntaxError) else str(exc)
        raise CatalogueError(N_("{file} cannot be read ({reason}); fix it first (see 'kyvat validate'), "
                                "nothing was changed"), params=make_params(file=rel, reason=reason)) from None
    return data if isinstance(data, dict) else {}


def _read_moved(root: Path) -> dict[str, str]:
    problems: list[Problem] = []
    moved = {r.old: r.new for r in read_redirects(root, problems)}
    if any(p.is_error for p in problems):
        # the problem stays as written (English): 'kyvat validate' explains it in the curator's language
        raise CatalogueError(N_("{problem}; fix {file} first, nothing was changed"),
                             params=make_params(problem=str(problems[0]), file=REDIRECTS_FILE))
    return moved
