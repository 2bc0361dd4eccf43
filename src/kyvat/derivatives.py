"""Derivatives of the masters: thumbnails and IIIF Image API 3.0 level-0 static tiles, cached by
checksum outside the collection. (Implementation: issue 3.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem
from .model import Collection


@dataclass(frozen=True)
class ImageService:
    """One published scan: where its files are in the site and what size it is."""

    object_id: str
    n: int  # 1-based position among the object's scans
    file: str  # master file name in objects/{id}/scans/
    kind: str  # "image" | "audio" | "video"
    width: int = 0  # pixels, after EXIF orientation (images)
    height: int = 0
    duration: float = 0.0  # seconds (audio, video)
    sizes: tuple[tuple[int, int], ...] = ()  # the `sizes` of info.json, smallest first
    media_path: str = ""  # audio/video: the copied file, relative to the site root

    @property
    def name(self) -> str:
        return f"{self.object_id}-{self.n}"

    @property
    def service_path(self) -> str:
        """The image service folder relative to the site root: iiif/images/{id}-{n}."""
        return f"iiif/images/{self.name}"

    def size_path(self, min_width: int) -> str:
        """The smallest pre-made size at least `min_width` wide (or the largest), site-relative."""
        w, h = next(((w, h) for w, h in self.sizes if w >= min_width), self.sizes[-1] if self.sizes else (0, 0))
        return f"{self.service_path}/full/{w},{h}/0/default.jpg"


@dataclass
class Derivatives:
    services: list[ImageService] = field(default_factory=list)
    scans: int = 0
    processed: int = 0
    reused: int = 0
    problems: list[Problem] = field(default_factory=list)

    def of(self, object_id: str) -> list[ImageService]:
        return sorted((s for s in self.services if s.object_id == object_id), key=lambda s: s.n)


def write_image_services(collection: Collection, site_dir: Path, cache_dir: Path, *, jobs: int | None = None,
                         executor_factory=None) -> Derivatives:
    """Write every scan's image service (or media file) under site_dir/iiif/images (issue 3)."""
    raise NotImplementedError("issue 3")
