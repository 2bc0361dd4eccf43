"""The masters a record lists, read from its lines when the record is not valid YAML (a curator's
slip, a file cut short), so that `kyvat verify` still checks each against its checksum: fixity must
not depend on the record being readable.
"""

from __future__ import annotations

import re

_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
_FILE = re.compile(r"""^\s*(?:-\s+)?(?:\{\s*)?file\s*:\s*["']?([^"'\s#,}]+)""")
_SHA = re.compile(r"""\bsha256\s*:\s*["']?([0-9A-Fa-f]{64})\b""")


def read_salvaged_scans(record_text: str, key: str = "scans") -> dict[str, str]:
    """file name -> sha256 ('' when none found) of each `file:` line in the top-level block `key`,
    each with the first `sha256:` after it and before the next `file:`."""
    listed: dict[str, str] = {}
    current, name = "", ""
    for line in record_text.splitlines():
        top = _TOP_KEY.match(line)
        if top:
            current, name = top.group(1), ""
        if current != key:
            continue
        found = _FILE.match(line)
        if found:
            name = found.group(1)
            listed.setdefault(name, "")
        sha = _SHA.search(line)
        if sha and name and not listed[name]:
            listed[name] = sha.group(1).lower()
    return listed
