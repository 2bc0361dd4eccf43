"""Builds kyvat as pyproject.toml says, compiling the command line's message catalogues on the way:
each src/kyvat/locale/<lang>/LC_MESSAGES/kyvat.po (committed) becomes the kyvat.mo beside it (not
committed), so a wheel, an sdist install and `pip install -e .` all carry Vietnamese. Babel is a
build requirement only; at run time the standard library's gettext reads the .mo.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

LOCALE = Path(__file__).resolve().parent / "src" / "kyvat" / "locale"


def compile_catalogues(locale: Path = LOCALE) -> list[Path]:
    """Write each .po's .mo beside it when the .po is newer; the compiled files."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(locale.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalogue = read_po(source, locale=po.parent.parent.name)
        with mo.open("wb") as target:
            write_mo(target, catalogue)  # fuzzy entries are left out, as gettext's msgfmt does
        written.append(mo)
    return written


class BuildWithCatalogues(build_py):
    """Compiles the catalogues into the source tree before the package data is collected: a wheel
    copies them from there, and an editable install reads them there."""

    def run(self):
        compile_catalogues()
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
