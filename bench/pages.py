"""Lookups at scale: the time to plan every page of a synthetic public collection of 10,000 objects
and 2,000 people (`pages.make_pages`), to ask `objects_of` for every person, and to validate it.

    .venv/bin/python bench/pages.py [--objects 10000] [--people 2000] [--reference /tmp/base/src]

`--reference` runs the same measurements again in a fresh process that imports kyvat from another
source folder (an older checkout), so a change can be judged against the code before it.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import random
import subprocess
import sys
import time

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đỗ", "Vũ", "Bùi", "Đặng", "Ngô")
MIDDLE = ("Văn", "Thị", "Quốc", "Đình", "Minh", "Hữu")
GIVEN = ("Đức", "Hưng", "Lan", "Mai", "Hoa", "Thành", "Sơn", "Hùng", "Dũng", "Quý", "Thủy", "An", "Bình")
TYPES = ("letter", "diary", "photograph", "certificate", "document", "medal", "audio")
KINDS = ("martyr", "veteran", "relative", "donor", "witness")
ROLES = ("owner", "author", "recipient", "depicted", "subject")
EXHIBITIONS = 20
PER_EXHIBITION = 60
EMBEDDED = 5  # objects embedded in an exhibition's text; the rest are listed under it


def make_collection(n_objects: int, n_people: int):
    """A public collection built from model objects directly, and one image (or audio) service per
    scan, as the derivatives stage would report them. Seeded: every run builds the same data."""
    from kyvat.derivatives import Derivatives, ImageService
    from kyvat.model import (Acquisition, Artifact, Collection, Config, Date, Exhibition, Person, PersonLink,
                             Rights, Scan, Source, Text)

    rng = random.Random(10)
    config = Config(name=Text("Nhà truyền thống thử", "Bench Memorial House"), base_url="https://example.test/",
                    source=Source("kyvat.yaml"))
    people = tuple(
        Person(f"p{i:05d}", KINDS[i % len(KINDS)], f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
               Source(f"people/p{i:05d}.yaml"), publish_name=True)
        for i in range(n_people))
    objects, services = [], []
    for i in range(1, n_objects + 1):
        object_id = f"AB-{1990 + i % 30}-{i:05d}"
        object_type = TYPES[i % len(TYPES)]
        audio = object_type == "audio"
        scans = tuple(Scan(f"{n:03d}.{'mp3' if audio else 'jpg'}", Text(f"Trang {n}", f"Page {n}"))
                      for n in range(1, (1 if audio else rng.randint(1, 2)) + 1))
        year = 1960 + i % 20
        links = tuple(PersonLink(rng.choice(people).id, rng.choice(ROLES)) for _ in range(rng.randint(1, 3)))
        objects.append(Artifact(
            object_id, Text(f"Kỷ vật {i}", f"Keepsake {i}"), object_type, Source(f"objects/{object_id}/record.yaml"),
            description=Text(f"Mô tả {i}", f"Description {i}"),
            date=Date(str(year), str(year), dt.date(year, 1, 1), dt.date(year, 12, 31)),
            people=links,
            acquisition=Acquisition("gift", date=Date("2026", "2026", dt.date(2026, 1, 1) + dt.timedelta(days=i % 300)),
                                    donor=rng.choice(people).id if i % 2 else None),
            rights=Rights("http://rightsstatements.org/vocab/InC-EDU/1.0/"),
            scans=scans))
        for n, scan in enumerate(scans, 1):
            if audio:
                services.append(ImageService(object_id, n, scan.file, "audio", duration=60.0,
                                             media_path=f"media/{object_id}-{n}.mp3"))
            else:
                services.append(ImageService(object_id, n, scan.file, "image", 1600, 2400,
                                             sizes=((400, 600), (800, 1200), (1600, 2400))))
    ids = [o.id for o in objects]
    exhibitions = []
    for e in range(EXHIBITIONS):
        chosen = rng.sample(ids, PER_EXHIBITION)
        body = "\n\n".join(f"Đoạn {k}.\n\n{{{{object {oid}}}}}" for k, oid in enumerate(chosen[:EMBEDDED]))
        exhibitions.append(Exhibition(f"trien-lam-{e:02d}", Text(f"Triển lãm {e}", f"Exhibition {e}"),
                                      Source(f"exhibitions/trien-lam-{e:02d}.md"), objects=tuple(chosen),
                                      order=e, featured=e < 3, body=Text(body, body)))
    collection = Collection(config, "/nowhere", objects=tuple(objects), people=people,
                            exhibitions=tuple(exhibitions))
    return collection, Derivatives(services=services)


def timed(label: str, run) -> None:
    started = time.perf_counter()
    detail = run()
    print(f"  {label:<28} {time.perf_counter() - started:8.2f} s   {detail}", flush=True)


def measure(n_objects: int, n_people: int) -> None:
    import kyvat
    from kyvat import pages, privacy, validate

    print(f"kyvat from {os.path.dirname(kyvat.__file__)}", flush=True)
    started = time.perf_counter()
    collection, images = make_collection(n_objects, n_people)
    print(f"  {'synthetic collection':<28} {time.perf_counter() - started:8.2f} s   "
          f"{len(collection.objects)} objects, {len(collection.people)} people, {len(images.services)} services")
    public = privacy.to_public(collection)
    # Each measurement gets a copy made by `replace`, as the build makes them: whatever a copy keeps
    # from earlier questions (indexes) would flatter the next measurement.
    fresh = lambda: dataclasses.replace(public)  # noqa: E731
    timed("validate.make_problems", lambda: f"{len(validate.make_problems(fresh(), dt.date(2026, 1, 1)))} problems")
    timed("objects_of, every person", lambda: (
        c := fresh(), f"{sum(len(c.objects_of(p.id)) for p in c.people)} links")[1])
    timed("pages.make_pages", lambda: f"{len(pages.make_pages(fresh(), images))} pages")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--reference", metavar="SRC", help="also measure the kyvat package found in this folder")
    args = parser.parse_args()
    measure(args.objects, args.people)
    if args.reference:
        env = {**os.environ, "PYTHONPATH": os.path.abspath(args.reference)}
        subprocess.run([sys.executable, __file__, "--objects", str(args.objects), "--people", str(args.people)],
                       env=env, check=True)


if __name__ == "__main__":
    main()
