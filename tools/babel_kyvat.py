"""Babel's extraction method for kyvat's modules (babel.cfg names it): the gettext calls Babel finds
in any Python file, the N_/Nn_ marks of kyvat.messages, and the texts Click reads when cli.py is
imported, before the language is known: each command's docstring and each help= keyword. The CLI
translates those when it shows them (kyvat/clitext.py), with the same cleaned text as message id.
"""

from __future__ import annotations

import ast
import inspect

from babel.messages.extract import extract_python

# kyvat.messages' marks, reported to Babel as the plain and plural calls it knows.
MARKS = {"N_": None, "Nn_": "ngettext"}
CLICK_DECORATORS = {"command", "group"}


def _is_command(node: ast.FunctionDef) -> bool:
    """Decorated with `@x.command(...)` or `@x.group(...)`: Click takes its docstring as help."""
    for decorator in node.decorator_list:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(call, ast.Attribute) and call.attr in CLICK_DECORATORS:
            return True
    return False


def _help_texts(source: str):
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "help" and isinstance(keyword.value, ast.Constant) \
                        and isinstance(keyword.value.value, str):
                    yield keyword.value.lineno, inspect.cleandoc(keyword.value.value)
        elif isinstance(node, ast.FunctionDef) and _is_command(node) and ast.get_docstring(node):
            yield node.body[0].lineno, ast.get_docstring(node, clean=True)


def extract(fileobj, keywords, comment_tags, options):
    """Babel's extraction method: (line, function name, message or messages, comments)."""
    source = fileobj.read()
    fileobj.seek(0)
    for lineno, funcname, message, comments in extract_python(fileobj, [*keywords, *MARKS], comment_tags, options):
        yield lineno, MARKS.get(funcname, funcname), message, comments
    for lineno, text in _help_texts(source.decode("utf-8")):
        yield lineno, None, text, []
