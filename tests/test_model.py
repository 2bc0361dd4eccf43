"""The collection's lookups: object and person by id, objects of a person, exhibitions of an object,
answered from indexes that belong to each Collection instance (a `replace`d copy answers for its own)."""

from __future__ import annotations

from dataclasses import replace

from kyvat.model import (Acquisition, Artifact, Collection, Config, Exhibition, Person, PersonLink, Source,
                         Text)
from kyvat.privacy import to_public


def _object(object_id: str, *links: str, donor: str | None = None, visibility: str = "public") -> Artifact:
    return Artifact(object_id, Text(object_id), "letter", Source(f"objects/{object_id}/record.yaml"),
                    people=tuple(PersonLink(p, "owner") for p in links),
                    acquisition=Acquisition("gift", donor=donor) if donor else None, visibility=visibility)


def _person(person_id: str) -> Person:
    return Person(person_id, "martyr", person_id.title(), Source(f"people/{person_id}.yaml"), publish_name=True)


def _exhibition(slug: str, *objects: str) -> Exhibition:
    return Exhibition(slug, Text(slug), Source(f"exhibitions/{slug}.md"), objects=objects)


def make_sample() -> Collection:
    objects = (
        _object("AB-1", "an", "binh"),
        _object("AB-2", "binh", donor="binh"),  # linked and donor: listed once
        _object("AB-3", donor="an"),
        _object("AB-4", "chi", visibility="restricted"),
        _object("AB-1", "chi"),  # a duplicated id (validate reports it): lookups keep the first
    )
    people = (_person("an"), _person("binh"), _person("chi"))
    exhibitions = (_exhibition("thu", "AB-3", "AB-1", "AB-3"), _exhibition("anh", "AB-4"), _exhibition("vat", "AB-3"))
    return Collection(Config(Text("Thử"), "https://test.kyvat.vn/", Source("kyvat.yaml")), "/nowhere",
                      objects=objects, people=people, exhibitions=exhibitions)


def _ids(records) -> list[str]:
    return [getattr(r, "id", None) or r.slug for r in records]


def test_object_and_person_by_id():
    collection = make_sample()
    assert collection.object("AB-2") is collection.objects[1]
    assert collection.object("AB-1") is collection.objects[0]
    assert collection.person("binh") is collection.people[1]
    assert collection.object("AB-9") is None and collection.person("dung") is None
    assert collection.object("an") is None and collection.person("AB-1") is None


def test_objects_of_a_person_by_link_or_donor_in_collection_order():
    collection = make_sample()
    assert _ids(collection.objects_of("an")) == ["AB-1", "AB-3"]
    assert _ids(collection.objects_of("binh")) == ["AB-1", "AB-2"]
    assert _ids(collection.objects_of("chi")) == ["AB-4", "AB-1"]
    assert collection.objects_of("dung") == ()


def test_exhibitions_of_an_object_in_collection_order_each_once():
    collection = make_sample()
    assert _ids(collection.exhibitions_of("AB-3")) == ["thu", "vat"]
    assert _ids(collection.exhibitions_of("AB-4")) == ["anh"]
    assert collection.exhibitions_of("AB-2") == ()


def test_a_replaced_collection_answers_for_its_own_records():
    collection = make_sample()
    # Ask first, so the original has built its indexes before the copies are made.
    assert collection.object("AB-4") is not None and len(collection.objects_of("chi")) == 2
    assert _ids(collection.exhibitions_of("AB-4")) == ["anh"]

    public = to_public(collection)
    assert public.object("AB-4") is None
    assert _ids(public.objects_of("chi")) == ["AB-1"]
    assert public.exhibitions_of("AB-4") == ()

    renamed = _object("AB-2", "chi")
    edited = replace(collection, objects=(collection.objects[0], renamed), people=collection.people[:1])
    assert edited.object("AB-2") is renamed
    assert _ids(edited.objects_of("chi")) == ["AB-2"] and edited.objects_of("binh") == (collection.objects[0],)
    assert edited.person("binh") is None
    # ... and the original still answers for its own.
    assert collection.object("AB-2") is collection.objects[1] and collection.person("binh") is not None


class _Counted(tuple):
    """A tuple that counts how often it is walked through."""

    walks = 0

    def __iter__(self):
        type(self).walks += 1
        return super().__iter__()


def test_lookups_do_not_walk_the_records_each_time():
    sample = make_sample()
    _Counted.walks = 0
    collection = replace(sample, objects=_Counted(sample.objects), people=_Counted(sample.people),
                         exhibitions=_Counted(sample.exhibitions))
    for _ in range(100):
        collection.object("AB-3"), collection.person("chi")
        collection.objects_of("an"), collection.exhibitions_of("AB-3")
    # One walk per index, made on the first question; a scan per lookup would be hundreds.
    assert _Counted.walks <= 4
