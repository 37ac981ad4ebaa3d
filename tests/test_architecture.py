"""The import order of the apps (docs/architecture.md, "Which app may import which").

An app may import the apps below it in LAYERS, never one above it or beside it; and no two
modules import each other, directly or through others (a cycle), not even lazily inside a
function. Both are read from the source with `ast`, so a lazy import counts like any other, and
so does a string model reference ("care.Visit") in a models.py. Migrations are history and are
not read: one written before a model moved still names the app it was in.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "doudi"

# Lowest first. An app may import any app listed before it.
LAYERS = [
    "core",
    "registry",
    "eligibility",
    "guardianship",
    "oversight",
    "care",
    "village",
    "integrity",
    "programmes",
    "governance",
    "mediation",
    "reports",
]
# The project package's own modules (settings, urls, api, the CLI) sit above every app.
TOP = {"__init__", "__main__", "settings", "settings_test", "urls", "api", "wsgi"}


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in SRC.rglob("*.py")}


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    base = module.split(".") if is_package else module.split(".")[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every doudi module `name` imports (at any depth of the file), resolved to known modules."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            mod = _resolve(name, is_package, node.level, node.module) if node.level else (node.module or "")
            targets = [f"{mod}.{a.name}" for a in node.names] + [mod]
        else:
            continue
        for t in targets:
            if not t.startswith("doudi"):
                continue
            # `from doudi.care import services` names a module; `from doudi.care.models import X` a name.
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def _string_model_refs(path: Path) -> set[str]:
    """App labels named by lazy model references ("care.Visit", to='care.visit')."""
    labels = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            head, dot, tail = node.value.partition(".")
            if dot and head in LAYERS and tail.isidentifier() and tail[:1].isalpha() and "." not in tail:
                if tail[0].isupper():
                    labels.add(head)
    return labels


def _app(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] not in TOP else None


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def test_every_app_is_in_the_layer_list():
    apps = {p.parent.name for p in SRC.glob("*/apps.py")}
    assert apps == set(LAYERS), "add the new app to LAYERS here and to docs/architecture.md"


def test_no_app_imports_an_app_above_it():
    rank = {app: i for i, app in enumerate(LAYERS)}
    wrong = []
    for module, targets in _graph().items():
        source = _app(module)
        if source is None:
            continue
        for target in targets:
            dest = _app(target)
            if dest is not None and dest != source and rank[dest] > rank[source]:
                wrong.append(f"{module} imports {target} ({source} is below {dest})")
    for path in SRC.rglob("models.py"):
        if True:
            source = _app(_module_name(path))
            for dest in _string_model_refs(path):
                if dest != source and rank[dest] > rank[source]:
                    wrong.append(
                        f"{path.relative_to(SRC)} refers to a {dest} model ({source} is below {dest})"
                    )
    assert not wrong, "\n".join(sorted(wrong))


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return out


def test_no_two_modules_import_each_other():
    graph = _graph()
    # A package's __init__ importing its own submodules, and they importing the package for its
    # public names, is how a package is read from outside; not counted as a cycle.
    for name in graph:
        graph[name] = {
            t
            for t in graph[name]
            if not (name.startswith(t + ".") and Path(_modules()[t]).name == "__init__.py")
        }
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


@pytest.mark.parametrize(
    "graph, expected",
    [
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ],
)
def test_the_cycle_finder_finds_cycles(graph, expected):
    assert _cycles(graph) == expected


def test_the_import_reader_sees_lazy_and_relative_imports(tmp_path):
    path = tmp_path / "views.py"
    path.write_text(
        "from . import services\nfrom .models import Visit\n\ndef f():\n    from doudi.oversight import selectors\n"
    )
    known = {"doudi.care.services", "doudi.care.models", "doudi.oversight.selectors", "doudi.care.views"}
    assert _imports("doudi.care.views", path, known) == {
        "doudi.care.services",
        "doudi.care.models",
        "doudi.oversight.selectors",
    }
