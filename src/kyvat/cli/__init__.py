"""The `kyvat` command: each command is a few lines that call the library and turn its errors into
messages for a person and an exit code. Click is imported in this package (and in clitext.py, which
makes its help speak the curator's language) and nowhere else.

`main` is the group; importing the command modules registers their commands on it.
"""

from . import archive, desk, life, paperwork, publish, records, scans, sheets  # noqa: F401  (each registers its commands on main)
from .base import main

__all__ = ["main"]
