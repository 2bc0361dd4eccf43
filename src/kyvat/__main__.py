"""`python -m kyvat` runs the command-line tool."""

from .cli import main

main()
