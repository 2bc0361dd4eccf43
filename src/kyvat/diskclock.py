"""Now, by the clock that stamps the files: the file system's, as git's index asks it. The
process's clock may differ from it (a network share stamped by another machine, a clock moved by
faketime in CI), so an age or a "changed in the last seconds" is measured against this, never
against time.time()."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def read_disk_time(folder: Path) -> int:
    """The modification time (ns) a file written in `folder` now gets; raises OSError when the
    folder cannot be written."""
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".clock-") as probe:
        probe.write(b".")  # a write, not utime(): a moved process clock would set utime's time
        probe.flush()
        return os.fstat(probe.fileno()).st_mtime_ns
