"""Past one machine: the scans' derivatives made by the workers of a Dask `distributed` cluster.

The derivatives stage runs its scans on any concurrent.futures executor (derivatives.write_image_services,
through BuildContext.executor_factory); a Dask client's `get_executor()` is one, so nothing else of the
build changes. The workers must see the collection, the cache and the output at the same paths as the
machine that builds (a shared disk): a worker reads a master and links its tiles into the site folder.

Dask is imported here only, and only when a scheduler is given: kyvat runs without it installed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

from .errors import N_, KyvatError, make_params

# How long a build waits for the scheduler before it says it cannot reach it (seconds).
CONNECT_TIMEOUT = 10
# The environment variable that names a scheduler when `kyvat build --scheduler` does not.
SCHEDULER_VARIABLE = "KYVAT_DASK_SCHEDULER"
INSTALL = 'pip install "dask[distributed]"'


@contextmanager
def connect(address: str, timeout: float | None = None) -> Iterator[Callable[[int], Executor]]:
    """A factory of executors (as build's `executor_factory`) whose scans run on the workers of the
    Dask scheduler at `address` (`tcp://host:8786`); the connection is closed on leaving. Dask not
    installed, or a scheduler not answering within `timeout` seconds, is a KyvatError naming it."""
    client = _open_client(address, CONNECT_TIMEOUT if timeout is None else timeout)
    try:
        # The scheduler spreads the scans over its workers (`--jobs` is theirs to decide). Not pure: a
        # scan's task writes files, so it must run each time, never be answered from an earlier result.
        yield lambda _workers: client.get_executor(pure=False)
    finally:
        client.close()


def _open_client(address: str, timeout: float):
    try:
        from distributed import Client
        from distributed.comm.addressing import get_address_host_port
    except ImportError:
        raise KyvatError(N_("a Dask scheduler was given ({address}) but Dask is not installed: "
                            "install the package dask[distributed] ({command})"),
                         params=make_params(address=address, command=INSTALL)) from None
    try:  # first: a client given a malformed address waits 20 s at exit to close what it never opened
        get_address_host_port(address)
    except ValueError as exc:
        raise KyvatError(N_("{address} is not the address of a Dask scheduler ({error}): expected "
                            "tcp://host:port, such as tcp://192.168.1.10:8786"),
                         params=make_params(address=address, error=exc)) from None
    opened: dict = {}

    def attempt() -> None:
        try:
            opened["client"] = Client(address, timeout=timeout, set_as_default=False)
        except Exception as exc:  # noqa: BLE001 - refused, timed out, a bad address, a host not found…
            opened["error"] = str(exc) or type(exc).__name__

    # Dask's own timeout is not kept for every failure (a host name not found waits longer): a thread
    # of its own, given up on a little after the timeout, keeps the build from hanging on it.
    worker = threading.Thread(target=attempt, name="kyvat-dask-connect", daemon=True)
    worker.start()
    worker.join(timeout + 2)
    if "client" in opened:
        return opened["client"]
    raise KyvatError(N_("cannot reach the Dask scheduler at {address} within {seconds} s ({error}); "
                        "check the address (tcp://host:8786) and that the scheduler is running"),
                     params=make_params(address=address, seconds=f"{timeout:g}",
                                        error=opened.get("error", "no answer"))) from None
