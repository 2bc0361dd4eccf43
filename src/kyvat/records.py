"""Read a collection folder into the model, collecting every problem in every file on the way.

Parses, never guesses: a value of the wrong shape becomes a Problem naming file, line and field.
Cross-record checks (references, duplicates, accession pattern) live in `validate`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from . import i18n, layout, messages, narratives, readcache, redirects
from .errors import KyvatError, Problem, make_params
from .fields import FieldReader, describe, is_refused, literal, read_text_file, read_yaml_file, to_yaml_data
from .model import (
    ACQUISITION_METHODS, CONDITION_GRADES, GENDERS, LANGUAGES, OBJECT_TYPES, PERSON_KINDS, PERSON_ROLES, VISIBILITIES,
    Acquisition, Artifact, Burial, Collection, Condition, ConditionCheck, Config, Death,
    Dimensions, LoanExtension, Person, PersonLink, Provider, Relationship, Rights, Source, Text, Withdrawal,
)
from .layout import CONFIG_FILE, OBJECTS_DIR, RECORD_FILE
from .messages import N_
from .objectscans import read_scans
from .urls import LINK_EXPECTED, BaseUrlInvalid, is_safe_url, make_base_url


CONFIG_KEYS = (
    "name", "short_name", "description", "base_url", "languages", "accession_pattern", "rights",
    "attribution", "provider", "contact", "private_fields", "sample", "max_image_pixels",
    "tile_size", "jpeg_quality",
    "language",  # the language of the curator's commands (messages.py), not the site's `languages`
)
TILE_SIZES = (64, 4096)  # the side of a deep-zoom tile, in pixels: IIIF viewers ask for 256 to 1024
JPEG_QUALITIES = (1, 100)
ARTIFACT_KEYS = (
    "id", "title", "object_type", "description", "history", "count", "materials", "dimensions",
    "date", "places", "people", "keywords", "acquisition", "condition", "location", "rights",
    "visibility", "scans", "transcription", "private_notes", "valuation", "withdrawn",
    "removed_scans",  # the masters `kyvat remove-scan` took off, kept in scans/.removed/ (private)
    "draft",  # saved with problems; published nowhere until it is removed
)
PERSON_KEYS = (
    "kind", "name", "aliases", "gender", "birth", "hometown", "enlistment", "rank", "position",
    "unit", "conflict", "death", "burial", "relationships", "biography", "sources", "publish_name",
    "contact", "private_notes", "draft",
)


# -- files ---------------------------------------------------------------------------------------


def read_config(root: Path, problems: list[Problem]) -> Config:
    rel = CONFIG_FILE
    path = layout.Layout.of(root).config
    fallback = Config(name=Text(vi=root.name), base_url="http://localhost/", source=Source(rel))
    if not path.is_file():
        problems.append(Problem(rel, "", N_("the house's settings in {file} (run 'kyvat init')"),
                                N_("no such file"), params=make_params(file=CONFIG_FILE)))
        return fallback
    data = read_yaml_file(path, rel, problems)
    r = FieldReader(rel, problems)
    if data is None or r.mapping(data, "", 1, CONFIG_KEYS, required=("name", "base_url")) is None:
        return fallback
    line = lambda key: r.line_of(data, key)  # noqa: E731
    base_url = r.string(data.get("base_url"), "base_url", line("base_url"))
    if base_url:
        try:
            base_url = make_base_url(base_url)
        except BaseUrlInvalid as exc:
            r.problem("base_url", exc.expected, describe(base_url), line("base_url"))
            base_url = ""  # read on with the fallback's: the URL map refuses this one
    pattern = r.string(data.get("accession_pattern"), "accession_pattern", line("accession_pattern"))
    if pattern and ("{seq" not in pattern or not _formats(pattern)):
        # no params: the braces are shown as written
        r.problem("accession_pattern", N_("a pattern with {seq}, e.g. AB-{year}-{seq:04d}"), describe(pattern),
                  line("accession_pattern"), hint=N_("each '{' closed by a '}', and between them year or seq only"))
    provider = None
    if data.get("provider") is not None:
        p = r.mapping(data["provider"], "provider", line("provider"), ("name", "homepage", "logo"), ("name",))
        if p is not None:
            links = {key: r.string(p.get(key), f"provider.{key}", r.line_of(p, key)) for key in ("homepage", "logo")}
            for key, link in links.items():
                if link and not is_safe_url(link):
                    r.problem(f"provider.{key}", LINK_EXPECTED, describe(link), r.line_of(p, key))
                    links[key] = ""
            provider = Provider(name=r.text(p.get("name"), "provider.name", r.line_of(p, "name")), **links)
    contact: dict[str, str] = {}
    if data.get("contact") is not None:
        c = r.mapping(data["contact"], "contact", line("contact"), ("email", "phone", "address", "hours"))
        contact = {k: r.string(v, f"contact.{k}", r.line_of(c, k)) for k, v in (c or {}).items()}
    languages = r.strings(data, "languages", "languages") or LANGUAGES
    for lang in languages:
        if lang not in LANGUAGES:
            r.problem("languages", N_("{some} and {last}"), literal(describe(lang)), line("languages"),
                      params=make_params(some=", ".join(LANGUAGES[:-1]), last=LANGUAGES[-1]))
    spoken = r.string(data.get("language"), "language", line("language"))
    if spoken and spoken not in messages.LANGUAGES:
        r.problem("language", N_("{some} or {last}"), literal(describe(spoken)), line("language"),
                  params=make_params(some=", ".join(messages.LANGUAGES[:-1]), last=messages.LANGUAGES[-1]))
    defaults = Config(name=Text(), base_url="", source=Source(rel))
    return Config(
        name=r.text(data.get("name"), "name", line("name")),
        base_url=base_url or fallback.base_url,
        source=Source(rel, dict(r.lines)),
        short_name=r.text(data.get("short_name"), "short_name", line("short_name")),
        description=r.text(data.get("description"), "description", line("description")),
        languages=tuple(lang for lang in languages if lang in LANGUAGES),
        accession_pattern=pattern or defaults.accession_pattern,
        rights=r.string(data.get("rights"), "rights", line("rights")) or defaults.rights,
        attribution=r.text(data.get("attribution"), "attribution", line("attribution")),
        provider=provider,
        contact=contact,
        private_fields=r.strings(data, "private_fields", "private_fields"),
        sample=r.boolean(data.get("sample"), "sample", line("sample"), False),
        max_image_pixels=r.integer(data.get("max_image_pixels"), "max_image_pixels", line("max_image_pixels"),
                                   defaults.max_image_pixels),
        tile_size=r.integer(data.get("tile_size"), "tile_size", line("tile_size"), defaults.tile_size, TILE_SIZES),
        jpeg_quality=r.integer(data.get("jpeg_quality"), "jpeg_quality", line("jpeg_quality"), defaults.jpeg_quality,
                               JPEG_QUALITIES),
    )


def _formats(pattern: str) -> bool:
    """Whether an accession pattern makes a number: its braces closed, around year and seq only."""
    try:
        pattern.format(year=2026, seq=1)
    except (ValueError, KeyError, IndexError, AttributeError, TypeError):
        return False
    return True


def _person_link(r: FieldReader, value: Any, field: str, line: int | None) -> PersonLink | None:
    data = r.mapping(value, field, line, ("person", "role"), ("person", "role"))
    if data is None or not data.get("person") or not data.get("role"):
        return None
    return PersonLink(person=r.string(data["person"], f"{field}.person", r.line_of(data, "person")),
                      role=r.choice(data["role"], f"{field}.role", r.line_of(data, "role"), PERSON_ROLES, "subject"))


def _acquisition(r: FieldReader, value: Any, line: int | None) -> Acquisition | None:
    keys = ("method", "date", "donor", "receipt_no", "loan_until", "original_held_by", "terms", "returned",
            "loan_extended")
    data = r.mapping(value, "acquisition", line, keys, ("method",))
    if data is None:
        return None
    ln = lambda key: r.line_of(data, key, line)  # noqa: E731
    method = r.choice(data.get("method"), "acquisition.method", ln("method"), ACQUISITION_METHODS)
    acquisition = Acquisition(
        method=method,
        date=r.date(data.get("date"), "acquisition.date", ln("date")),
        donor=r.string(data.get("donor"), "acquisition.donor", ln("donor")) or None,
        receipt_no=r.string(data.get("receipt_no"), "acquisition.receipt_no", ln("receipt_no")),
        loan_until=r.day(data.get("loan_until"), "acquisition.loan_until", ln("loan_until")),
        original_held_by=r.text(data.get("original_held_by"), "acquisition.original_held_by", ln("original_held_by")),
        terms=r.text(data.get("terms"), "acquisition.terms", ln("terms")),
        returned=r.day(data.get("returned"), "acquisition.returned", ln("returned")),
        extensions=r.each(data, "loan_extended", "acquisition.loan_extended",
                          lambda v, f, ln: _days(r, v, f, ln, LoanExtension, ("date", "previous", "until"))),
    )
    if method == "loan" and "loan_until" not in data:
        r.problem("acquisition.loan_until", N_("the day a loan must go back (required for method: loan)"),
                  N_("no such key"), line)
    if method == "copy" and not acquisition.original_held_by:
        r.problem("acquisition.original_held_by", N_("who keeps the original (required for method: copy)"),
                  N_("no such key") if "original_held_by" not in data else N_("nothing"), ln("original_held_by"))
    for key in ("loan_until", "returned", "loan_extended"):
        if method != "loan" and data.get(key) is not None:
            r.problem(f"acquisition.{key}", N_("{key} only on loans"), N_("method '{method}'"), ln(key),
                      params=make_params(key=key, method=method))
    received = acquisition.date.lower if acquisition.date else None
    if acquisition.returned and received and acquisition.returned < received:
        r.problem("acquisition.returned", N_("a day on or after the loan began ({day})"),
                  acquisition.returned.isoformat(), ln("returned"), params=make_params(day=received.isoformat()))
    return acquisition


def _days(r: FieldReader, value: Any, field: str, line: int | None, kind: type, keys: tuple[str, ...]) -> Any:
    """A map of calendar days (a loan extension: date, previous, until), each required."""
    data = r.mapping(value, field, line, keys, keys)
    return None if data is None else kind(*(r.day(data.get(k), f"{field}.{k}", r.line_of(data, k, line))
                                            for k in keys))


def _withdrawal(r: FieldReader, value: Any, line: int | None) -> Withdrawal | None:
    data = r.mapping(value, "withdrawn", line, ("date", "reason"), ("date", "reason"))
    if data is None:
        return None
    return Withdrawal(date=r.day(data.get("date"), "withdrawn.date", r.line_of(data, "date", line)),
                      reason=r.text(data.get("reason"), "withdrawn.reason", r.line_of(data, "reason", line)))


CHECK_KEYS = ("grade", "note", "checked")


def _check_values(r: FieldReader, data: Any, field: str, line: int | None) -> ConditionCheck:
    """The values of a map `r.mapping` has already checked (each map is checked once, so each
    mistake is named once)."""
    return ConditionCheck(
        grade=r.choice(data.get("grade"), f"{field}.grade", r.line_of(data, "grade", line), CONDITION_GRADES),
        note=r.text(data.get("note"), f"{field}.note", r.line_of(data, "note", line)),
        checked=r.day(data.get("checked"), f"{field}.checked", r.line_of(data, "checked", line)),
    )


def _condition_check(r: FieldReader, value: Any, field: str, line: int | None) -> ConditionCheck | None:
    data = r.mapping(value, field, line, CHECK_KEYS, ("grade",))
    return None if data is None else _check_values(r, data, field, line)


def _condition(r: FieldReader, value: Any, line: int | None) -> Condition | None:
    if value is None:
        return None
    data = r.mapping(value, "condition", line, CHECK_KEYS + ("history",), ("grade",))
    if data is None:
        return None
    current = _check_values(r, data, "condition", line)
    history = r.each(data, "history", "condition.history", lambda v, f, ln: _condition_check(r, v, f, ln))
    return Condition(current.grade, current.note, current.checked, history)


def _rights(r: FieldReader, value: Any, line: int | None, config: Config) -> Rights:
    default = Rights(uri=config.rights, attribution=config.attribution)
    if value is None:
        return default
    data = r.mapping(value, "rights", line, ("uri", "attribution", "publish_consent"))
    if data is None:
        return default
    uri = r.string(data.get("uri"), "rights.uri", r.line_of(data, "uri", line)) or config.rights
    return Rights(
        uri=uri,
        attribution=r.text(data.get("attribution"), "rights.attribution", r.line_of(data, "attribution", line))
        or config.attribution,
        publish_consent=r.boolean(data.get("publish_consent"), "rights.publish_consent",
                                  r.line_of(data, "publish_consent", line), True),
    )


def read_object(root: Path, folder: Path, config: Config, problems: list[Problem],
                words: i18n.Words) -> Artifact | None:
    """One object; `words` (the collection's word table) names the scans the curator did not."""
    path, rel = layout.Layout.of(root).record(folder.name), layout.record_rel(folder.name)
    if path.is_symlink() and Path(root).resolve() not in path.resolve().parents:
        # a record linked to another file of the collection is the curator's way of keeping them together
        # (recordedit follows it); one leading out could publish any file on the computer
        problems.append(Problem(rel, "", N_("a record inside the collection"),
                                N_("a symbolic link to {target}, outside it"), params=make_params(target=path.resolve())))
        return None
    if not path.is_file():
        problems.append(Problem(rel, "", N_("a {file} in every folder under {folder}/"), N_("no such file"),
                                params=make_params(file=RECORD_FILE, folder=OBJECTS_DIR)))
        return None
    text = read_text_file(path, rel, problems)
    return None if text is None else read_object_text(root, folder.name, text, config, problems, words)


def read_object_text(root: Path, name: str, text: str, config: Config, problems: list[Problem],
                     words: i18n.Words) -> Artifact | None:
    """The object of folder `name` if its record.yaml held `text` (what read_object read, or what the
    desk checks before it writes it); its scans are the folder's, which need not exist."""
    where = layout.Layout.of(root)
    rel = layout.record_rel(name)
    data = to_yaml_data(text, rel, problems)
    r = FieldReader(rel, problems)
    if data is None or r.mapping(data, "", 1, ARTIFACT_KEYS, ("id", "title", "object_type", "acquisition"),
                                 extra=config.private_fields) is None:
        return None
    ln = lambda key: r.line_of(data, key)  # noqa: E731
    object_id = r.string(data.get("id"), "id", ln("id")) or name
    if object_id != name:
        r.problem("id", N_("the folder's name '{folder}'"), literal(describe(object_id)), ln("id"),
                  params=make_params(folder=name))
    dims = Dimensions()
    if data.get("dimensions") is not None:
        d = r.mapping(data["dimensions"], "dimensions", ln("dimensions"), ("height", "width", "depth", "weight"))
        if d is not None:
            dims = Dimensions(**{k: r.number(d.get(k), f"dimensions.{k}", r.line_of(d, k))
                                 for k in ("height", "width", "depth", "weight")})
    location = {}
    if data.get("location") is not None:
        loc = r.mapping(data["location"], "location", ln("location"), ("room", "case", "store", "shelf", "box"))
        location = dict(loc or {})
    acquisition = _acquisition(r, data["acquisition"], ln("acquisition")) if data.get("acquisition") else None
    scans = read_scans(r, data, where, name, str(data.get("object_type")), words)
    return Artifact(
        id=object_id,
        title=r.text(data.get("title"), "title", ln("title")),
        object_type=r.choice(data.get("object_type"), "object_type", ln("object_type"), OBJECT_TYPES, "other"),
        source=Source(rel, r.lines),  # not a copy: the fields read below add their lines (people[0].person)
        description=r.text(data.get("description"), "description", ln("description")),
        history=r.text(data.get("history"), "history", ln("history")),
        count=r.integer(data.get("count"), "count", ln("count"), 1),
        materials=r.text(data.get("materials"), "materials", ln("materials")),
        dimensions=dims,
        date=r.date(data.get("date"), "date", ln("date")),
        places=r.each(data, "places", "places", r.place),
        people=r.each(data, "people", "people", lambda v, f, line: _person_link(r, v, f, line)),
        keywords=r.strings(data, "keywords", "keywords"),
        acquisition=acquisition,
        condition=_condition(r, data.get("condition"), ln("condition")),
        rights=_rights(r, data.get("rights"), ln("rights"), config),
        visibility=r.choice(data.get("visibility"), "visibility", ln("visibility"), VISIBILITIES, "public"),
        scans=scans,
        location=location,
        private=r.private(data, ("private_notes", "valuation", "removed_scans") + config.private_fields),
        withdrawn=_withdrawal(r, data["withdrawn"], ln("withdrawn")) if "withdrawn" in data else None,
        draft=r.boolean(data.get("draft"), "draft", ln("draft"), False),
    )


def read_person(root: Path, path: Path, config: Config, problems: list[Problem]) -> Person | None:
    if is_refused(root, path, layout.person_rel(path.stem), problems):
        return None
    text = read_text_file(path, layout.person_rel(path.stem), problems)
    return None if text is None else to_person(path.stem, text, config, problems)


def to_person(person_id: str, text: str, config: Config, problems: list[Problem]) -> Person | None:
    """The person of people/`person_id`.yaml if it held `text` (what read_person read, or what the
    desk checks before it writes it)."""
    rel = layout.person_rel(person_id)
    data = to_yaml_data(text, rel, problems)
    r = FieldReader(rel, problems)
    if data is None or r.mapping(data, "", 1, PERSON_KEYS, ("kind", "name"), extra=config.private_fields) is None:
        return None
    ln = lambda key: r.line_of(data, key)  # noqa: E731
    kind = r.choice(data.get("kind"), "kind", ln("kind"), PERSON_KINDS, "relative")
    death = None
    if data.get("death") is not None:
        d = r.mapping(data["death"], "death", ln("death"), ("date", "place", "circumstance"))
        if d is not None:
            death = Death(date=r.date(d.get("date"), "death.date", r.line_of(d, "date")),
                          place=r.place(d.get("place"), "death.place", r.line_of(d, "place")),
                          circumstance=r.text(d.get("circumstance"), "death.circumstance", r.line_of(d, "circumstance")))
    burial = Burial()
    if data.get("burial") is not None:
        b = r.mapping(data["burial"], "burial", ln("burial"), ("cemetery", "plot", "row", "grave"))
        if b is not None:
            burial = Burial(**{k: r.string(b.get(k), f"burial.{k}", r.line_of(b, k))
                               for k in ("cemetery", "plot", "row", "grave")})

    def relationship(value: Any, field: str, line: int | None) -> Relationship | None:
        rel_data = r.mapping(value, field, line, ("person", "relation"), ("person", "relation"))
        if rel_data is None or not rel_data.get("person"):
            return None
        return Relationship(person=r.string(rel_data["person"], f"{field}.person", r.line_of(rel_data, "person")),
                            relation=r.text(rel_data.get("relation"), f"{field}.relation",
                                            r.line_of(rel_data, "relation")))

    contact = {}
    if data.get("contact") is not None:
        c = r.mapping(data["contact"], "contact", ln("contact"), ("phone", "address", "id_card", "email"))
        contact = dict(c or {})
    gender = r.choice(data.get("gender"), "gender", ln("gender"), GENDERS, "")
    return Person(
        id=person_id,
        kind=kind,
        name=r.string(data.get("name"), "name", ln("name")),
        source=Source(rel, r.lines),  # not a copy: relationships[0].person, read below, adds its line
        aliases=r.strings(data, "aliases", "aliases"),
        gender=gender,
        birth=r.date(data.get("birth"), "birth", ln("birth")),
        hometown=r.place(data.get("hometown"), "hometown", ln("hometown")),
        enlistment=r.date(data.get("enlistment"), "enlistment", ln("enlistment")),
        rank=r.text(data.get("rank"), "rank", ln("rank")),
        position=r.text(data.get("position"), "position", ln("position")),
        unit=r.text(data.get("unit"), "unit", ln("unit")),
        conflict=r.text(data.get("conflict"), "conflict", ln("conflict")),
        death=death,
        burial=burial,
        relationships=r.each(data, "relationships", "relationships", relationship),
        biography=r.text(data.get("biography"), "biography", ln("biography")),
        sources=r.strings(data, "sources", "sources"),
        publish_name=r.boolean(data.get("publish_name"), "publish_name", ln("publish_name"), kind == "martyr"),
        contact=contact,
        private=r.private(data, ("private_notes",) + config.private_fields),
        draft=r.boolean(data.get("draft"), "draft", ln("draft"), False),
    )


def _read_words(root: Path, problems: list[Problem]) -> i18n.Words:
    """The collection's word table; a broken site_templates/i18n.yaml is a problem like any record's,
    and kyvat's own words name the scans meanwhile."""
    try:
        return i18n.read_words(root)
    except KyvatError as exc:
        # its file named as the collection's other files are: from the collection's folder
        where = str(root / layout.words_rel())
        params = tuple((k, v.replace(where, layout.words_rel()) if type(v) is str else v) for k, v in exc.params)
        problems.append(Problem(layout.words_rel(), "", N_("a word table like kyvat's i18n.yaml"),
                                exc.template if params else str(exc), params=params))
        return i18n.read_words(None)


def read_collection(root: str | Path, texts: Mapping[str, str] | None = None,
                    cache: str | Path | None = None) -> tuple[Collection, list[Problem]]:
    """Read everything under `root`; returns the model and every problem met (nothing raised).
    `texts` holds record files' text by their path in the collection (objects/ID/record.yaml,
    people/ID.yaml), read in place of the disk's: a record checked before it is written, which
    need not exist yet (its object's folder either). What each record's files gave is kept in the
    cache folder `cache`, if it is given and exists, and recalled while those files are unchanged."""
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        problems.append(Problem(str(root), "", N_("a collection folder (see 'kyvat init')"), N_("no such folder")))
        return Collection(config=Config(name=Text(), base_url="", source=Source(CONFIG_FILE)), root=str(root)), problems
    config = read_config(root, problems)
    where = layout.Layout.of(root)
    given = {layout.record_of(rel): text for rel, text in (texts or {}).items()}
    named = lambda kind: {name for k, name in filter(None, given) if k == kind}  # noqa: E731
    objects_dir, people_dir = where.objects, where.people
    folders = {p.name for p in objects_dir.iterdir() if p.is_dir() and not p.name.startswith(".")} \
        if objects_dir.is_dir() else set()
    words = _read_words(root, problems)
    kept = readcache.records_cache(cache, root, (config, words.strings, objects_dir.is_symlink()), texts or ())

    def read_folder(name: str, found: list[Problem]) -> Artifact | None:
        if is_refused(root, where.object_dir(name), layout.object_dir_rel(name), found):
            return None
        if ("object", name) in given:
            return read_object_text(root, name, given[("object", name)], config, found, words)
        return read_object(root, where.object_dir(name), config, found, words)

    read = {name: read_folder(name, problems) if ("object", name) in given
            else kept.through_noted(layout.record_rel(name), readcache.object_key(where, name), problems,
                                    lambda found, name=name: read_folder(name, found))
            for name in sorted(folders | named("object"))}
    objects = [a for a in read.values() if a]
    stems = {f.stem for f in people_dir.glob("*" + layout.PERSON_SUFFIX)} if people_dir.is_dir() else set()
    read_people = {stem: to_person(stem, given[("person", stem)], config, problems) if ("person", stem) in given
                   else kept.through_noted(layout.person_rel(stem), readcache.stat_key(where.person(stem)), problems,
                                           lambda found, s=stem: read_person(root, where.person(s), config, found))
                   for stem in sorted(stems | named("person"), key=layout.person_rel)}
    kept.save()
    people = [p for p in read_people.values() if p]
    exhibitions = [e for e in (narratives.read_exhibition(root, f, problems) for f in narratives.markdown_files(where.exhibitions)) if e]
    pages = [p for p in (narratives.read_page(root, f, problems) for f in narratives.markdown_files(where.pages)) if p]
    collection = Collection(
        config=config,
        root=str(root),
        objects=tuple(sorted(objects, key=lambda o: o.id)),
        people=tuple(sorted(people, key=lambda p: p.id)),
        exhibitions=tuple(sorted(exhibitions, key=lambda e: (e.order, e.slug))),
        pages=tuple(sorted(pages, key=lambda p: (p.order, p.slug))),
        unreadable=tuple(name for name, record in {**read, **read_people}.items() if record is None),
        gone=tuple(sorted(o.id for o in objects if o.is_gone)),
        redirects=redirects.read_redirects(root, problems),
    )
    return collection, problems
