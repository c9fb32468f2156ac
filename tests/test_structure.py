"""The package keeps its shape: stages in folders, small modules, imports that run one way.

Read from the source (``ast``), so these hold for code that no test happens to import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "publisher"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 400
MAX_TOP_LEVEL = 10
# The order of the stages: a module may import from its own folder and from folders to its
# right, never from one to its left (cli → stages → model).
LAYERS = [
    {"cli", "__main__"},
    {"upload", "web", "preview"},
    {"mail", "bounces"},  # bounces: the reports that come back from what mail sent
    {"output"},
    {"issues"},  # composing checks that the theme an issue names exists
    {"render"},
    {"importers"},
    {"articles", "keywords", "audience"},
    {"config", "model", "text", "errors", "yamlfile", "yamledit", "__init__"},
]


def name_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The publisher modules a module imports, anywhere in it (functions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name_of(path) if path.name == "__init__.py" else name_of(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    known = {name_of(p) for p in MODULES}
    return {name for name in found if name in known and name != name_of(path)}


GRAPH = {name_of(path): imports_of(path) for path in MODULES}


def layer(module: str) -> int:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    for number, names in enumerate(LAYERS):
        if top in names:
            return number
    raise AssertionError(f"{module} belongs to no layer: add its folder to LAYERS")


def test_the_top_level_holds_only_shared_modules():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL, top


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_small(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def test_imports_run_one_way():
    backwards = [
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        for target in targets
        if layer(target) < layer(module)
    ]
    assert backwards == []


def test_no_import_cycle():
    # Depth-first search; a module met again while on the path closes a cycle.
    cycles, done = [], set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycles.append([*path[path.index(module) :], module])
            return
        if module in done:
            return
        for target in sorted(GRAPH[module]):
            # A package's own __init__ importing its modules is how a package shows its face.
            if not target.startswith(module + "."):
                visit(target, [*path, module])
        done.add(module)

    for module in GRAPH:
        visit(module, [])
    assert cycles == []


FORBIDDEN_CALLS = {("os", "fork"), ("os", "forkpty"), ("pickle", "loads"), ("pickle", "dumps")}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_processes_pickles_patches_or_private_parts_of_dependencies(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = []
    for node in ast.walk(tree):
        outside = not (getattr(node, "module", None) or "publisher").startswith("publisher")
        if isinstance(node, ast.ImportFrom) and not node.level and outside:
            problems += [f"imports {a.name}" for a in node.names if _private(a.name)]
            problems += [f"imports {node.module}"] if _private_module(node.module) else []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        owner, attribute = ast.unparse(node.value), node.attr
        # Private parts are for their own class or module: not a dependency's, nor another
        # class's of ours (give it a public method instead).
        if _private(attribute) and owner not in ("self", "cls"):
            problems.append(f"uses {owner}.{attribute} (line {node.lineno})")
        if (owner, attribute) in FORBIDDEN_CALLS:
            problems.append(f"uses {owner}.{attribute} (line {node.lineno})")
        if owner == "sys" and attribute == "modules":
            problems.append(f"touches sys.modules (line {node.lineno})")
    assert problems == []


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _private_module(module: str | None) -> bool:
    return any(_private(part) for part in (module or "").split("."))
