"""The house's shape, read from the source: imports run one way (no circle, counting imports
inside functions; the data layer imports nothing above it), no module grows past 400 lines
and no function past 60 (those already past may only shrink)."""

import ast
import graphlib

from django.conf import settings

CASES = settings.BASE_DIR / "cases"
# The data and its rules: the models, their QuerySets, and what those read. They import
# nothing above them (counts, filters, views, admin...), so that any of those can use them.
DATA_LAYER = (
    *("cases.models", "cases.querysets", "cases.counting"),
    *("cases.search", "cases.languages", "cases.regions"),
)
MOST_LINES = 400


MOST_FUNCTION_LINES = 60


def modules():
    """{module name: its path} of every module of cases/ but the migrations."""
    found = {}
    for path in CASES.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(settings.BASE_DIR).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported_by(name, path, known):
    """The modules of cases/ that module `name` imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            # `from . import views` imports the module, not its package.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph():
    known = modules()
    return {name: imported_by(name, path, known) for name, path in known.items()}


def test_imports_run_one_way():
    graph = import_graph()
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError, naming the circle
    upward = {
        (name, target)
        for name, targets in graph.items()
        if name.startswith(DATA_LAYER)
        for target in targets
        if not target.startswith(DATA_LAYER)
    }
    assert upward == set()


def reached(graph, name):
    """Every module that `name` imports, directly or through others."""
    seen, waiting = set(), [name]
    while waiting:
        for target in graph[waiting.pop()] - seen:
            seen.add(target)
            waiting.append(target)
    return seen


def test_filtering_counting_and_pictures_each_read_only_the_one_below():
    """The FilterSet filters and knows nothing of counts; the counts (a Selection) read the
    FilterSet and know nothing of the links and pictures drawn from them."""
    graph = import_graph()
    assert reached(graph, "cases.filters") & {"cases.facets", "cases.counts"} == set()
    shown = {"cases.facet_links", "cases.charts", "cases.views", "cases.api"}
    assert reached(graph, "cases.facets") & shown == set()


def test_no_module_grows_past_its_size():
    sizes = {
        str(path.relative_to(CASES)): len(path.read_text().splitlines())
        for path in modules().values()
        if "management" not in path.parts
    }
    too_long = {path: lines for path, lines in sizes.items() if lines > MOST_LINES}
    assert too_long == {}


def test_no_function_grows_past_its_length():
    lengths = {}
    for path in modules().values():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{path.relative_to(CASES)} {node.name}"
                lengths[name] = max(lengths.get(name, 0), node.end_lineno - node.lineno + 1)
    too_long = {name: lines for name, lines in lengths.items() if lines > MOST_FUNCTION_LINES}
    assert too_long == {}
