"""The apps depend on each other in one direction only, read statically from the source with `ast`.

Nodes are the Django apps (`billing`, `synthesis`, `voices`, `speeko_site.api`, `speeko_site.core`,
`speeko_site.accounts`), the project's own modules (`speeko_site.urls`, `speeko_site.celery`, ...),
and the two libraries that know nothing about Django (`synthesis.engine`, `voices.cloning`).
Imports inside functions count too: deferring an import hides a dependency, it does not remove it.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.conftest import REPO_ROOT

PACKAGES = ("speeko_site", "voices", "synthesis", "billing")
LIBRARIES = ("synthesis.engine", "voices.cloning")
Graph = dict[str, dict[str, list[str]]]


def node_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] not in PACKAGES:
        return None
    for library in LIBRARIES:
        if module == library or module.startswith(f"{library}."):
            return library
    if parts[0] == "speeko_site" and len(parts) > 1 and parts[1] != "__init__":
        return f"speeko_site.{parts[1]}"
    return parts[0]


def _module_name(path: Path, root: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts)


def _imported(module: str, node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level == 0:
        return [node.module or ""]
    package = module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return [".".join([*base, node.module] if node.module else base)]


def import_graph(root: Path = REPO_ROOT) -> Graph:
    """node -> imported node -> the `file:line`s that import it."""
    graph: Graph = defaultdict(lambda: defaultdict(list))
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            module = _module_name(path, root)
            source = node_of(module)
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                for target in filter(None, map(node_of, _imported(module, node))):
                    if target != source:
                        where = f"{path.relative_to(root)}:{node.lineno}"
                        graph[source][target].append(where)
    return graph


def find_cycle(edges: dict[str, set[str]] | Graph) -> list[str]:
    """One cycle as [a, b, ..., a], or [] when the graph has none."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str]:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return []
        for target in sorted(edges.get(node, ())):
            if cycle := visit(target, [*path, node]):
                return cycle
        done.add(node)
        return []

    for start in sorted(edges):
        if cycle := visit(start, []):
            return cycle
    return []


def test_it_finds_no_cycle_between_apps():
    graph = import_graph()
    cycle = find_cycle(graph)
    pairs = zip(cycle, cycle[1:], strict=False)
    steps = [f"{a} -> {b} ({', '.join(graph[a][b][:3])})" for a, b in pairs]
    assert not cycle, "import cycle between apps:\n" + "\n".join(steps)


def test_it_reads_the_real_dependencies():
    # Guards the check above against a walker that silently finds nothing.
    graph = import_graph()
    assert "billing" in graph["synthesis"]
    assert "voices" in graph["speeko_site.api"]
    assert "synthesis.engine" in graph["voices.cloning"]


def test_it_counts_imports_inside_functions(tmp_path):
    (tmp_path / "billing").mkdir()
    (tmp_path / "synthesis").mkdir()
    (tmp_path / "billing" / "selectors.py").write_text("def f():\n    from synthesis import jobs\n")
    (tmp_path / "synthesis" / "services.py").write_text("from billing.selectors import f\n")
    graph = import_graph(tmp_path)
    assert find_cycle(graph) == ["billing", "synthesis", "billing"]


def test_it_resolves_relative_imports_inside_a_library(tmp_path):
    (tmp_path / "synthesis" / "engine").mkdir(parents=True)
    (tmp_path / "synthesis" / "engine" / "model.py").write_text("from .. import services\n")
    assert dict(import_graph(tmp_path)["synthesis.engine"]) == {
        "synthesis": ["synthesis/engine/model.py:1"]
    }


def test_the_libraries_import_no_app():
    graph = import_graph()
    assert set(graph["synthesis.engine"]) == set()
    assert set(graph["voices.cloning"]) == {"synthesis.engine"}


def test_find_cycle_on_small_graphs():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) == []
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"a"}}) == ["a", "a"]
