"""The seams hold: no import cycle between kyvat's modules, each third-party library imported in
one home, modules small enough to read, and nothing in the repository pointing outside it."""

from __future__ import annotations

import ast
import subprocess

from conftest import REPO

PACKAGE = REPO / "src" / "kyvat"
MAX_LINES = 450
# Where each third-party library may be imported (docs/architecture.md); Pillow serves two stages.
HOMES = {
    "yaml": {"yamlfile"},
    "ruamel": {"recordedit"},
    "PIL": {"tiles", "media"},
    "iiif_prezi3": {"iiif"},
    "jinja2": {"site"},
    "markupsafe": {"site"},
    "markdown_it": {"site"},
    "whoosh": {"research", "whooshinternals"},  # its private internals kept in one small adapter
    "click": {"cli"},
    "edtf": {"dates"},
    "exifread": {"media"},
    "mutagen": {"media"},
}


def module_imports() -> dict[str, set[str]]:
    """Every kyvat module with the names it imports, anywhere in it (functions included)."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level == 1 and node.module:
                    names.add("kyvat." + node.module.split(".")[0])
                elif node.level == 1:
                    names.update("kyvat." + alias.name for alias in node.names)
                elif node.module:
                    names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[path.stem] = names
    return found


def test_the_import_graph_has_no_cycle():
    imports = module_imports()
    graph = {module: {name.split(".")[1] for name in names if name.startswith("kyvat.")} - {module}
             for module, names in imports.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for other in sorted(graph.get(module, ())):
            if state.get(other) == 1:
                cycles.append(trail[trail.index(other):] + [other])
            elif other not in state:
                visit(other, trail + [other])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == [], "import cycles: " + "; ".join(" → ".join(c) for c in cycles)


def test_each_third_party_library_has_one_home():
    misplaced = []
    for module, names in module_imports().items():
        for name in names:
            top = name.split(".")[0]
            if top in HOMES and module not in HOMES[top]:
                misplaced.append(f"{module}.py imports {top} (its home: {', '.join(sorted(HOMES[top]))})")
    assert misplaced == []


def test_no_module_is_too_long_to_read():
    long = {p.name: n for p in PACKAGE.glob("*.py") if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"modules past {MAX_LINES} lines: {long}"


def test_nothing_in_the_repository_points_outside_it():
    """A clone has no ../shared: code, docs and scripts must explain themselves."""
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    offenders = []
    for name in tracked:
        path = REPO / name
        if path.is_symlink() or not path.is_file() or path.suffix not in {".py", ".md", ".js", ".html", ".sh", ".toml", ".yaml", ""}:
            continue
        if name == "tests/test_architecture.py":
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for needle in ("../shared", "DESIGN.md", "STYLE.md"):
            if needle in text:
                offenders.append(f"{name}: {needle}")
    assert offenders == []
