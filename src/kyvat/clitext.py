"""The command line's help and Click's own words in the curator's language. Click reads help texts
when cli.py is imported, before the language is known: they stay English in the code (the message
ids) and these classes translate them each time help is shown.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterable, Iterator
from pathlib import Path

import click

from . import messages
from .messages import N_, Nn_, _

# Click's own words a curator meets, as Click writes them (tests/test_messages.py checks each is still
# in Click's source). Marked here so extraction puts them in kyvat's catalogue; Click looks them up
# through gettext's global domain, which `messages.session` points at that catalogue.
CLICK_WORDS = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Positional arguments"),
    N_("Show this message and exit."), N_("Show the version and exit."), N_("%(prog)s, version %(version)s"),
    N_("default: {default}"), N_("required"), N_("env var: {var}"),
    N_("Error: {message}"), N_("Try '{command} {option}' for help."), N_("Aborted!"),
    N_("Missing argument"), N_("Missing option"), N_("Missing parameter"), N_("Missing command."),
    N_("No such option {name!r}."), N_("No such command {name!r}."),
    N_("Invalid value for {param_hint}: {message}"), N_("Invalid value: {message}"),
    N_("Choose from:\n\t{choices}"), N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid {number_type}."), N_("Option {name!r} does not take a value."),
    N_("{name} {filename!r} does not exist."), N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    Nn_("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
    Nn_("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
    Nn_("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."),
    Nn_("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
    Nn_("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."),
)
# The help option's text in English: Click (8.5) makes the option once per command and words it then,
# in whatever language that first run spoke, and keeps it for the next runs (in tests, one process).
HELP_OPTION_HELP = N_("Show this message and exit.")


@contextlib.contextmanager
def _translated(items: Iterable) -> Iterator[None]:
    """The `help` of each command or parameter in the curator's language while Click writes it (the
    message id is the text as Click shows it: a docstring without its indentation)."""
    english = [(item, item.help) for item in items if getattr(item, "help", None)]
    for item, text in english:
        item.help = _(inspect.cleandoc(text))
    try:
        yield
    finally:
        for item, text in english:
            item.help = text


class Command(click.Command):
    """A command whose help texts are translated when shown."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None and not getattr(option, "kyvat_english", False):
            option.help, option.kyvat_english = HELP_OPTION_HELP, True
        return option

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated([self]):
            return super().get_short_help_str(limit)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated([self]):
            super().format_help_text(ctx, formatter)

    def format_arguments(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated(self.get_params(ctx)):
            super().format_arguments(ctx, formatter)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _translated(self.get_params(ctx)):
            super().format_options(ctx, formatter)


class Group(Command, click.Group):
    """A group of commands whose help, and its commands' and subgroups', is translated when shown."""

    command_class = Command
    group_class = type  # subgroups are Groups too

    def main(self, *args, **kwargs):
        """Run one command in the locale's language until --lang or the collection says otherwise."""
        with messages.session():
            return super().main(*args, **kwargs)


def choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--lang: the curator's choice, above kyvat.yaml's and the locale's."""
    if value:
        ctx.find_root().meta["kyvat.lang"] = value
        messages.use_language(value)
    return value


def follow_collection_language(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """-c: the collection's `language:` unless --lang was given (the option is eager, so a help
    asked for after -c is in that language too)."""
    if value is not None and not ctx.find_root().meta.get("kyvat.lang"):
        lang = messages.read_collection_language(value)
        if lang:
            messages.use_language(lang)
    return value
