"""docs/modules.md is the import graph of the code as it is, and the graph has no cycle."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "module_graph.py"


def _script():
    spec = importlib.util.spec_from_file_location("module_graph", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_modules_md_is_up_to_date(capsys):
    code = _script().main(["--check"])
    assert code == 0, capsys.readouterr().err


def test_no_module_imports_back():
    """No import circle: the catalog's private modules do not import geo.catalog, and so on."""
    graph = {name: set(imports) for name, (_, imports) in _script().graph().items()}
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, " -> ".join((*path, name))
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, (*path, name))
        done.add(name)

    for name in sorted(graph):
        visit(name, ())


def test_the_graph_sees_lazy_and_top_imports(tmp_path):
    package = tmp_path / "geo"
    package.mkdir()
    (package / "a.py").write_text('"""A."""\nfrom geo import b\n\n\ndef f():\n    import geo.c\n')
    (package / "b.py").write_text('"""B."""\n')
    (package / "c.py").write_text('"""C."""\nfrom geo.b import x\n')
    graph = _script().graph(package)
    assert graph["a"] == ("A.", {"b": False, "c": True})
    assert graph["c"] == ("C.", {"b": False})
    assert "a -.-> c" in _script().render(graph) and "a --> b" in _script().render(graph)
