"""The package's structure, as a test: layers, no import cycles, every package ships.

The import graph is read from the source with ``ast`` and counts **every** import of
a cogov_sim module, at module level or inside a function (a deferred import is still a
dependency), except those under ``if TYPE_CHECKING:``.

The layers, from the bottom up (a module may import its own layer and those below):

- ``cogov_sim.core``: the model (imports nothing else of cogov_sim);
- ``cogov_sim.results``: a run's files, figures, maps, statistics;
- ``cogov_sim.analysis``: patterns, validation list, calibration, sensitivity, exploration;
- ``cogov_sim.docgen`` and ``cogov_sim.frontends``: generators of docs; API, CLI, Hydra
  set-up, sweeps, the app.

``cogov_sim._version`` may be imported from anywhere; the package's front door
(``cogov_sim/__init__.py``) and ``__main__`` only point at the public names.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "cogov_sim"

#: layer of each top-level part of the package (higher may import lower)
LAYERS = {
    "cogov_sim._version": 0,
    "cogov_sim.core": 1,
    "cogov_sim.results": 2,
    "cogov_sim.analysis": 3,
    "cogov_sim.docgen": 4,
    "cogov_sim.frontends": 4,
    "hydra_plugins.cogov_sim_launcher": 4,
    "cogov_sim.__main__": 5,
    "cogov_sim": 5,
}

#: modules of the package's root besides __init__ and __main__ (at most six in all)
ROOT_MODULES = {"_version"}

#: third-party packages imported only inside functions, each for a stated reason: the
#: optional extras (not installed with the package alone), and a few heavy imports that
#: a plain run or ``--help`` must not pay for at start-up
DEFERRED_BY_NAME = {
    # optional extras
    "sbi": "explore extra",
    "torch": "explore extra",
    "ema_workbench": "explore extra",
    "platypus": "explore extra (EMA Workbench's optimiser)",
    "statsmodels": "explore extra",
    "optuna": "calibration and optimisation only",
    "SALib": "sensitivity analysis only",
    "solara": "the app only",
    "starlette": "the app's server only (its asset route)",
    "uvicorn": "the app's server only",
    "playwright": "browser checks only",
    "ray": "the Ray launcher only",
    "submitit": "the SLURM launchers only",
    "imageio": "animation export only",
    "segno": "the class's join QR code only",
    "imageio_ffmpeg": "mp4 export only",
    "nbclient": "the executed notebook only",
    "nbformat": "the executed notebook only",
    # heavy at start-up
    "scipy": "0.3 s of import for intervals that only tables and reports use",
    "PIL": "images only when a picture is written",
    "rich": "progress bars only when one is shown",
    "hydra_plugins": "Hydra's launcher namespace, registered on first use",
    "yaml": "PyYAML (OmegaConf's own dependency): configs written by its C emitter",
    "joblib": "the local launcher's count of usable CPUs (a container's quota included)",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


#: cogov-sim's launcher plug-ins live in Hydra's namespace; they are a front end too
PLUGINS = ROOT / "hydra_plugins" / "cogov_sim_launcher"


def modules() -> dict[str, Path]:
    files = [*PACKAGE.rglob("*.py"), *PLUGINS.rglob("*.py")]
    return {module_name(p): p for p in sorted(files)}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(body: list[ast.stmt], deferred: bool = False):
    """Every import statement in ``body`` (functions included), with whether it is
    deferred (inside a function); those under ``if TYPE_CHECKING:`` are left out."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, deferred
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _imports(node.orelse, deferred)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from _imports(node.body, True)
        else:
            for field in ("body", "orelse", "finalbody"):
                yield from _imports(getattr(node, field, None) or [], deferred)
            for handler in getattr(node, "handlers", None) or []:
                yield from _imports(handler.body, deferred)
            for case in getattr(node, "cases", None) or []:
                yield from _imports(case.body, deferred)


def _targets(node, name: str, is_package: bool, known) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = node.module or ""
    if node.level:
        package = name if is_package else name.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    # `from pkg import sub` imports the submodule; `from mod import name` the module
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]


def import_graph() -> dict[str, set[str]]:
    """Module -> the cogov_sim modules it imports (deferred imports included)."""
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        edges: set[str] = set()
        for node, _ in _imports(tree.body):
            edges.update(t for t in _targets(node, name, is_package, known) if t in known)
        edges.discard(name)
        graph[name] = edges
    return graph


def layer_of(module: str) -> int:
    best = max((k for k in LAYERS if module == k or module.startswith(k + ".")), key=len)
    return LAYERS[best]


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                components.append(comp)

    for v in sorted(graph):
        if v not in index:
            visit(v)

    cycles = []
    for comp in components:
        start = min(comp)
        path, seen = [start], {start}
        # walk inside the component until the path closes on a module already on it
        while True:
            nxt = min(w for w in graph[path[-1]] if w in comp)
            if nxt in seen:
                cycles.append(path[path.index(nxt) :] + [nxt])
                break
            path.append(nxt)
            seen.add(nxt)
    return cycles


def test_the_cycle_finder_finds_a_cycle_and_passes_a_tree():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_module_imports_have_no_cycles_even_counting_deferred_imports():
    graph = import_graph()
    # deferred imports are counted: the API reaches the model only inside functions
    assert "cogov_sim.core.model" in graph["cogov_sim.frontends.api"]
    cycles = find_cycles(graph)
    assert not cycles, "import cycles between cogov_sim modules:\n" + "\n".join(
        " -> ".join(c) for c in cycles
    )


def test_the_model_core_imports_nothing_outside_itself():
    graph = import_graph()
    outside = sorted(
        f"{m} -> {t}"
        for m, targets in graph.items()
        if m.startswith("cogov_sim.core")
        for t in targets
        if not (t.startswith("cogov_sim.core") or t == "cogov_sim._version")
    )
    assert not outside, "the model core imports outside itself:\n" + "\n".join(outside)


def test_no_module_imports_a_layer_above_its_own():
    graph = import_graph()
    upward = sorted(
        f"{m} -> {t}" for m, targets in graph.items() for t in targets if layer_of(t) > layer_of(m)
    )
    assert not upward, "imports that run up the layers:\n" + "\n".join(upward)


def test_the_layer_test_catches_a_deferred_upward_import(tmp_path):
    """The checker sees an import inside a function (it once ignored them)."""
    src = "def f():\n    from cogov_sim.frontends.api import run\n"
    tree = ast.parse(src)
    found = [
        (n.module, deferred) for n, deferred in _imports(tree.body) if isinstance(n, ast.ImportFrom)
    ]
    assert found == [("cogov_sim.frontends.api", True)]
    assert layer_of("cogov_sim.frontends.api") > layer_of("cogov_sim.core.model")


def test_deferred_third_party_imports_are_only_the_optional_extras():
    """A package beyond the required ones and the standard library is imported inside a
    function only where DEFERRED_BY_NAME names it, with its reason: a newcomer reads there
    what is optional. (Deferred imports of cogov_sim's own modules are counted by the
    cycle and layer tests above.)"""
    import sys

    required = {"mesa", "numpy", "pandas", "matplotlib", "hydra", "omegaconf", "pyarrow"}
    stray = []
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, deferred in _imports(tree.body):
            if not deferred:
                continue
            if isinstance(node, ast.ImportFrom) and node.level:
                continue
            roots = (
                [a.name.split(".")[0] for a in node.names]
                if isinstance(node, ast.Import)
                else [(node.module or "").split(".")[0]]
            )
            for r in roots:
                if r == "cogov_sim" or r in DEFERRED_BY_NAME:
                    continue
                if r in required or r in sys.stdlib_module_names:
                    continue
                stray.append(f"{name}: {r}")
    assert not stray, "deferred imports of packages not in DEFERRED_BY_NAME:\n" + (
        "\n".join(sorted(set(stray)))
    )


def test_the_package_root_holds_at_most_six_modules():
    root = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert len(root) <= 6, root
    assert set(root) - {"__init__", "__main__"} <= ROOT_MODULES, root


def test_api_and_cli_do_not_import_each_other_even_inside_functions():
    """The two front ends share the Hydra set-up (cogov_sim.frontends.hydra_setup); the
    command may call the API, but the API never needs the command."""
    assert "cogov_sim.frontends.cli" not in import_graph()["cogov_sim.frontends.api"]


def test_every_package_is_listed_in_pyproject():
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {module_name(p.parent / "__init__.py") for p in PACKAGE.rglob("__init__.py")}
    found |= {module_name(PLUGINS / "__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
