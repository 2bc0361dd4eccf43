"""Past one machine: `kyvat build --scheduler` (or KYVAT_DASK_SCHEDULER) makes the scans' derivatives on
the workers of a Dask cluster, byte for byte what the local pool makes; a scheduler that cannot be
reached, or Dask not installed, is a message."""

from __future__ import annotations

import datetime as dt
import socket
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from distributed import LocalCluster

from conftest import FIXTURE_COLLECTION
from kyvat import cluster
from kyvat.build import build
from kyvat.cli import main
from kyvat.urls import Urls

TODAY = ["--today", "2026-11-30"]  # the day loans are measured against, given (never the clock)


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every file below `folder`, by its path relative to it, with its bytes."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def kyvat_build(site: Path, *options: str, env: dict | None = None):
    """`kyvat build` of the tiny test collection into `site`, with `options`."""
    return CliRunner().invoke(main, [*TODAY, "build", "-c", str(FIXTURE_COLLECTION), "-o", str(site), *options],
                              env=env)


def free_port() -> int:
    """A port nothing listens on (bound, then let go): a connection to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_cluster_of_two_workers_makes_the_same_bytes_as_the_local_pool(tmp_path):
    local = tmp_path / "local"
    build(FIXTURE_COLLECTION, local, cache=tmp_path / "cache-local", jobs=2, only=("derivatives",),
          today=dt.date(2026, 11, 30))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as dask:
        result = kyvat_build(tmp_path / "site", "--cache", str(tmp_path / "cache-cluster"),
                             "--scheduler", dask.scheduler_address)
        ran = dask.scheduler.task_prefixes.get("make_service")  # what the scheduler gave its workers
    assert result.exit_code == 0, result.output
    assert ran is not None and ran.state_counts["memory"] == 6  # each of the 6 public scans done by a worker
    assert "6 scan(s) (6 made, 0 from the cache)" in result.output
    services = Urls.image_services()
    made, expected = read_tree(tmp_path / "site" / services), read_tree(local / services)
    assert len(expected) == 38
    assert made.keys() == expected.keys()
    assert [name for name in expected if made[name] != expected[name]] == []


def test_an_unreachable_scheduler_is_a_message_not_a_wait(tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1)
    address = f"tcp://127.0.0.1:{free_port()}"
    started = time.monotonic()
    result = kyvat_build(tmp_path / "site", env={cluster.SCHEDULER_VARIABLE: address})
    assert time.monotonic() - started < 8
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit), result.output  # no traceback
    assert f"cannot reach the Dask scheduler at {address} within 1 s" in result.output
    assert not (tmp_path / "site").exists()


def test_a_scheduler_without_dask_installed_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` fails as if not installed
    result = kyvat_build(tmp_path / "site", "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit)
    assert "Dask is not installed: install the package dask[distributed]" in result.output
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("address", ["no-port-here", "tcp://127.0.0.1:notaport"])
def test_a_malformed_address_is_a_message(tmp_path, address):
    result = kyvat_build(tmp_path / "site", "--scheduler", address)
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit)
    assert f"{address} is not the address of a Dask scheduler" in result.output
