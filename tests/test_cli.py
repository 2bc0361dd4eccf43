"""The command line: every command and option is documented, and `python -m kyvat` works."""

from __future__ import annotations

import subprocess
import sys

import click

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
