"""The one door between the catalogue and anything published: `to_public` drops what must not leave.

Publishing stages (iiif, search, site) are handed only the collection this returns, so a private
value cannot leak through a template or an index that forgot to filter it.
"""

from __future__ import annotations

from dataclasses import replace

from .model import Acquisition, Artifact, Collection, Person


def is_named_publicly(person: Person) -> bool:
    """Martyrs are named by default; every living person only with `publish_name: true`; nobody
    whose record is a draft."""
    return person.publish_name and not person.draft


def _public_object(obj: Artifact, named: set[str]) -> Artifact:
    acq = obj.acquisition
    if acq is not None:
        acq = Acquisition(
            method=acq.method,
            date=acq.date,
            donor=acq.donor if acq.donor in named else None,
            original_held_by=acq.original_held_by,
            returned=acq.returned,  # the page says the object went back, and when
            # receipt_no, terms, loan_until and its extensions are the house's business with the family
        )
    consented = obj.rights is None or obj.rights.publish_consent
    return replace(
        obj,
        # without the family's consent to publish images, the object is described but not shown
        scans=obj.scans if consented else (),
        people=tuple(link for link in obj.people if link.person in named),
        acquisition=acq,
        condition=None,
        location={},
        private={},
    )


def _public_person(person: Person, named: set[str]) -> Person:
    return replace(
        person,
        relationships=tuple(r for r in person.relationships if r.person in named),
        contact={},
        private={},
    )


def to_public(collection: Collection) -> Collection:
    """The collection as the public may see it: no restricted, withdrawn or draft object (of a
    withdrawn one, only the id in `gone`, for its notice page), no private value, no unconsented
    name, no draft person's name."""
    named = {p.id for p in collection.people if is_named_publicly(p)}
    objects = tuple(_public_object(o, named) for o in collection.objects if o.is_public)
    public_ids = {o.id for o in objects}
    exhibitions = tuple(replace(e, objects=tuple(i for i in e.objects if i in public_ids))
                        for e in collection.exhibitions)
    return replace(
        collection,
        config=replace(collection.config, private_fields=()),
        objects=objects,
        people=tuple(_public_person(p, named) for p in collection.people if p.id in named),
        exhibitions=exhibitions,
        # the old address of a person not named publicly would name them (ids are made from names)
        redirects=tuple(r for r in collection.redirects if r.new in named),
    )


def hidden_names(collection: Collection) -> tuple[str, ...]:
    """Names that must appear in no output: unconsented and draft people, the titles of restricted,
    withdrawn and draft objects, and why an object was withdrawn (what the leak tests search every
    built byte for)."""
    texts = [p.name for p in collection.people if not is_named_publicly(p)]
    texts += [text for o in collection.objects if not o.is_public for text in (o.title.vi, o.title.en)]
    texts += [text for o in collection.objects if o.withdrawn for text in o.withdrawn.reason.as_dict().values()]
    return tuple(text for text in texts if text)
