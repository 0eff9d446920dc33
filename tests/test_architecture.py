"""The house plan holds: ARCHITECTURE.md names every folder of the package and only those,
and every import runs with the layers it describes."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGE = REPO / "refjournal"
CODEMAP = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")

# The layers of ARCHITECTURE.md, lowest first: a module may import modules of lower layers
# and of its own folder, nothing else.
LAYERS = (
    ("model", "problems", "slug", "parallel", "progress", "timings", "table"),
    ("journal",),
    ("insights",),
    ("exchange",),
    ("site",),
    ("publish",),
    ("incremental",),
    ("build",),
    ("serve", "authoring"),
    ("importing",),
    ("cli",),
)
LAYER = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}
# Modules that touch the disk, the clock or other processes: no pure part imports them.
IMPURE = {"os", "pathlib", "io", "shutil", "subprocess", "tempfile", "time", "socket",
          "multiprocessing", "threading"}
# Calls that write files, and the modules allowed to make them.
WRITES = re.compile(r"\.(write_bytes|write_text|mkdir|unlink|rmdir|rmtree)\(|"
                    r"\bos\.(replace|rename|makedirs)\(|\bmk(d|s)temp\(|"
                    r"\bopen\([^)]*[\"']w")
WRITERS = {"site/write.py", "incremental/cache.py", "publish/deploy.py", "publish/hosting.py",
           "publish/install.py", "authoring.py", "importing.py", "serve/server.py"}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def name_of(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def unit_of(module: str) -> str | None:
    """The layer unit of a module of ours: its folder under refjournal, or its own name
    for one at the top; None for the package itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def imports(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """Every module of refjournal's that `path` imports (anywhere in it, or in `source`
    if given), with the line."""
    module = name_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    text = source if source is not None else path.read_text(encoding="utf-8")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # `from . import x` and `from .pkg import mod` name modules too
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names
                      if (PACKAGE.parent / f"{target}.{alias.name}".replace(".", "/")
                          ).with_suffix(".py").exists()
                      or (PACKAGE.parent / f"{target}.{alias.name}".replace(".", "/")
                          ).is_dir()]
    return [(line, name) for line, name in found
            if name == "refjournal" or name.startswith("refjournal.")]


def subpackages() -> set[str]:
    return {path.parent.name for path in PACKAGE.glob("*/__init__.py")}


def test_the_codemap_names_every_subpackage_and_only_those():
    named = set(re.findall(r"`refjournal/([a-z_]+)/`", CODEMAP))
    assert named == subpackages()


def test_every_module_the_codemap_names_exists():
    files = {path.name for path in PACKAGE.rglob("*") if path.is_file()}
    named = set(re.findall(r"`([a-z_]+\.(?:py|js))`", CODEMAP))
    assert named and named <= files, sorted(named - files)


def test_the_codemap_is_short():
    assert len(CODEMAP.splitlines()) < 250


def test_every_folder_and_top_module_has_a_layer():
    units = subpackages() | {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert units == set(LAYER)


def test_the_top_of_the_package_stays_small():
    top = list(PACKAGE.glob("*.py"))
    assert len(top) <= 12, sorted(p.name for p in top)
    too_long = [(name_of(p), n) for p in modules()
                if (n := len(p.read_text(encoding="utf-8").splitlines())) > 800]
    assert not too_long


def against_the_layers(path: Path, source: str | None = None) -> list[str]:
    """The imports of `path` that do not go to a lower layer or its own folder."""
    unit = unit_of(name_of(path))
    wrong = []
    for line, target in imports(path, source):
        other = unit_of(target)
        if unit is None or other is None or other == unit:
            continue  # the package itself (`__version__`), or its own folder
        if LAYER[other] >= LAYER[unit]:
            wrong.append(f"{path.relative_to(REPO)}:{line}: {unit} imports {target}")
    return wrong


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_imports_follow_the_layers(path):
    assert not against_the_layers(path)


def test_the_model_imports_nothing_of_ours():
    assert not [name for _, name in imports(PACKAGE / "model.py")]


@pytest.mark.parametrize("path", [PACKAGE / "model.py", *sorted(PACKAGE.glob("insights/*.py"))],
                         ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_pure_parts_touch_no_disk_clock_or_process(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            used |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            used.add(node.module.split(".")[0])
    assert not used & IMPURE
    source = path.read_text(encoding="utf-8")
    assert ".today()" not in source and ".now(" not in source


def test_only_the_writing_parts_write_files():
    writing = {path.relative_to(PACKAGE).as_posix() for path in modules()
               if WRITES.search(path.read_text(encoding="utf-8"))}
    assert writing <= WRITERS, sorted(writing - WRITERS)
    assert "site/write.py" in writing  # the pattern finds writes where there are some


@pytest.mark.parametrize(("module", "source"), [
    ("journal/load.py", "from ..site import render\n"),  # a stage importing a later one
    ("site/render.py", "def f():\n    from ..incremental.reuse import Reuser\n"),  # lazily
    ("insights/due.py", "import refjournal.cli\n"),
    ("model.py", "from .problems import Problem\n"),  # one shared module importing another
    ("authoring.py", "from .serve.server import serve\n"),  # one of the same layer
])
def test_the_layer_check_catches_an_import_against_the_layers(module, source):
    assert against_the_layers(PACKAGE / module, source)


def test_the_layer_check_lets_imports_down_and_within_a_folder():
    assert not against_the_layers(PACKAGE / "site/render.py",
                                  "from ..model import Meeting\nfrom .pages import Page\n"
                                  "from .. import __version__, parallel\n")


# A note's text shows on its own page only, where the page's context holds it as `body`
# (which keys take): the quick way splices an edited text into that page alone, and keys
# leave the text out of the records (incremental/keys.py, UNSHOWN).
NOTE_PAGES = {"contact.html", "meeting.html"}
TEXT = re.compile(r"\.(body|lines)\b|body_html")


def test_only_a_notes_own_page_shows_its_text():
    templates = REPO / "themes" / "default" / "templates"
    showing = {path.name for path in templates.glob("*.html")
               if TEXT.search(path.read_text(encoding="utf-8"))}
    assert showing == NOTE_PAGES
    # Nor does any code that makes the pages or the data files read it: but pages.py, which
    # puts each note's text into its own page's context. (Derived figures may read the
    # lines of keys: what they make of them is digested whole.)
    code = [*(p for p in PACKAGE.glob("site/*.py") if p.name != "pages.py"),
            *(PACKAGE / "exchange" / name for name in ("feed.py", "export_json.py",
                                                      "spreadsheet.py", "exports.py"))]
    assert not [path.name for path in code
                if re.search(r"\.(body|lines)\b", path.read_text(encoding="utf-8"))]
    derived = [path.name for path in PACKAGE.glob("insights/*.py")
               if re.search(r"\.body\b", path.read_text(encoding="utf-8"))]
    assert not derived


def test_serve_and_build_leave_out_the_same_fields_of_records():
    """A build keeps a page by a digest of its context, a serve session by comparing the
    context with the last one: both leave out exactly the fields in UNSHOWN."""
    import dataclasses

    from refjournal.incremental.keys import RECORDS, UNSHOWN

    for record in RECORDS:
        fields = {f.name for f in dataclasses.fields(record)}
        uncompared = {f.name for f in dataclasses.fields(record) if not f.compare}
        assert uncompared == UNSHOWN & fields, record.__name__


def test_functions_stay_small():
    """No function over 80 lines or 8 parameters (`self` aside): past that, name a shape
    for what travels, or split."""
    found = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args
                names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
                count = len(names) + bool(args.vararg) + bool(args.kwarg)
                count -= bool(names) and names[0] in ("self", "cls")
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > 80 or count > 8:
                    found.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}: "
                                 f"{lines} lines, {count} parameters")
    assert not found
