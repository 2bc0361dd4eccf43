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
    "click": {"cli", "clitext"},  # the cli package; clitext: Click's help translated when shown
    "edtf": {"dates"},
    "babel": set(),  # builds only: setup.py compiles the catalogues, tools/babel_kyvat.py extracts; gettext reads them
    "exifread": {"media"},
    "mutagen": {"media"},
    "pillow_heif": {"media"},  # registered where Pillow opens the masters
    "pypdfium2": {"pdf"},
    "tqdm": {"progressbar"},  # only the CLI draws; the library reports through progress.py's callback
    "bagit": {"archive"},  # kyvat export-bag: the archive's hand-off
    "fpdf": {"paperwork"},  # kyvat receipt and kyvat labels
    "segno": {"paperwork"},  # the labels' QR codes
    "openpyxl": {"spreadsheet"},  # reads and writes the rows; importer.py makes records of them
    "python_calamine": {"spreadsheet"},  # reads the old .xls lists
    "flask": {"desk"},  # kyvat desk: the package is its one home (views import its names from desk/app.py)
    "flask_wtf": {"desk"},
    "werkzeug": {"desk"},
    "git": {"history"},  # GitPython: saves as commits, history, earlier versions
    "watchfiles": {"watcher"},  # kyvat serve: the system's notices of changed files
    "dask": {"cluster"},  # kyvat build --scheduler: the derivatives on a Dask cluster, imported only then
    "distributed": {"cluster"},
}


def module_name(path) -> str:
    """`cli/base.py` → `cli.base`; a package's `__init__.py` is the package."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_imports() -> dict[str, set[str]]:
    """Every kyvat module (dotted, below kyvat) with the names it imports, anywhere in it
    (functions included); kyvat's own as `kyvat.<module>`, resolved from relative imports."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[:len(package) - node.level + 1]
                    if node.module:
                        names.add(".".join(["kyvat", *base, node.module]))
                    else:
                        names.update(".".join(["kyvat", *base, alias.name]) for alias in node.names)
                elif node.module:
                    names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[name] = names
    return found


def test_the_import_graph_has_no_cycle():
    imports = module_imports()
    modules = set(imports)

    def known(name: str) -> str | None:
        """The kyvat module `kyvat.a.b.C` names: the longest dotted prefix that is one."""
        parts = name.split(".")[1:]
        return next((".".join(parts[:n]) for n in range(len(parts), 0, -1) if ".".join(parts[:n]) in modules), None)

    graph = {module: {m for name in names if name.startswith("kyvat.") and (m := known(name))} - {module}
             for module, names in imports.items()}
    # A package imports its own modules to register them: that is not a cycle.
    graph = {module: {m for m in others if not m.startswith(module + ".")} for module, others in graph.items()}
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
            if top in HOMES and module.split(".")[0] not in HOMES[top]:  # a package is one home
                misplaced.append(f"{module} imports {top} (its home: {', '.join(sorted(HOMES[top]))})")
    assert misplaced == []


def test_no_module_is_too_long_to_read():
    long = {module_name(p): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
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
