"""The command line: every command and option is documented, and `python -m kyvat` works."""

from __future__ import annotations

import socket
import subprocess
import sys

import click
from click.testing import CliRunner

from kyvat.cli import main


def _commands(group: click.Group, prefix: str = ""):
    for name, command in sorted(group.commands.items()):
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")


def test_every_command_and_option_has_help_text():
    missing = []
    for name, command in _commands(main):
        if not (command.help or "").strip():
            missing.append(f"command '{name}'")
        for param in command.params:
            if isinstance(param, click.Option) and not (param.help or "").strip() and "--help" not in param.opts:
                missing.append(f"option {'/'.join(param.opts)} of '{name}'")
    assert not missing, "undocumented: " + ", ".join(missing)


def test_the_help_check_can_fail():
    @click.command()
    @click.option("--bare")
    def bare(bare):  # no docstring, no option help
        pass

    group = click.Group(commands={"bare": bare})
    names = [n for n, c in _commands(group) if not (c.help or "").strip()]
    assert names == ["bare"]


def test_every_command_takes_the_collection_option():
    without = [name for name, command in _commands(main) if not isinstance(command, click.Group)
               and name != "init" and not any("--collection" in p.opts for p in command.params)]
    assert not without, f"commands without -c/--collection: {without}"


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "kyvat", "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "validate" in result.stdout and "new" in result.stdout


def test_loans_are_measured_against_today_or_kyvat_today(collection_copy):
    """TT-2026-0003 is lent until 2027-01-31: the same collection, two fixed days, two answers."""
    runner = CliRunner()
    early = runner.invoke(main, ["--today", "2027-01-01", "loans", "-c", str(collection_copy)])
    late = runner.invoke(main, ["loans", "-c", str(collection_copy)], env={"KYVAT_TODAY": "2027-03-02"})
    assert early.exit_code == late.exit_code == 0, early.output + late.output
    assert "TT-2026-0003" in early.output and "in 30 days" in early.output
    assert "TT-2026-0003" in late.output and "OVERDUE 30 days" in late.output


def test_a_new_object_is_received_today_unless_a_date_is_given(collection_copy):
    result = CliRunner().invoke(main, ["new", "object", "-c", str(collection_copy), "--type", "letter",
                                       "--title", "Thư"], env={"KYVAT_TODAY": "2031-05-04"})
    assert result.exit_code == 0, result.output
    assert result.output.startswith("TT-2031-")  # the accession number takes the year received
    assert "\t2031-05-04\t" in (collection_copy / "accessions.tsv").read_text(encoding="utf-8")


def test_a_taken_port_names_another_for_serve_and_make_demo(collection_copy, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "-c", str(collection_copy), "-o", str(tmp_path / "site"),
                                           "--port", str(port)])
    assert result.exit_code == 1
    other = port + 10
    assert f"port {port} is in use; choose another: kyvat serve --port {other} (make demo PORT={other})" \
        in result.output
    assert "Traceback" not in result.output
