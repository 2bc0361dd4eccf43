"""kyvat: the catalogue of a memorial house (Nhà truyền thống) and its bilingual IIIF exhibition."""

__version__ = "0.1.0"
