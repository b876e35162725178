#!/usr/bin/env python3
"""The layering rules of docs/architecture.md, checked on the sources (CI runs it from
scripts/test.sh):

1. kernels/ includes nothing from src/ (it is the lowest layer, built alone on GPU machines);
2. the include graph between the folders of src/ has no cycle;
3. every folder of src/ includes only the folders below it in LAYERS (so a new upward include
   fails here, naming the file and line, before it can grow into a cycle);
4. every folder of src/ is one CMake library (`sinkmap_module(NAME ...)` in CMakeLists.txt) that
   builds every source of the folder and no other, links only libraries of folders below it,
   and reaches (through its links) every folder it includes.

    scripts/check-architecture.py [--graph]   # --graph prints the folder graph (DOT)
"""
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

# Bottom to top. A folder may include its own files and those of any folder listed before it.
LAYERS = [
    "core",         # errors, numbers, the input registry: no GDAL
    "pipeline",     # tiles, executors, the stream runner
    "indices",      # the spectral index catalogue and requests
    "carbon",       # tile kernels of the carbon stages, exact zonal sums
    "models",       # carbon models, crosswalks, parameter tables
    "gdal",         # the GDAL boundary: drivers, errors as exceptions, datasets (namespace io)
    "sensors",      # band roles and product metadata (Landsat C2L2, Sentinel-2 L2A)
    "io",           # GDAL rasters and vectors, scenes, grids, atomic outputs, staging
    "composite",    # composite plans over scenes
    "uncertainty",  # Monte Carlo draws, confusion matrices, summaries, the MC tile kernel
    "inventory",    # zonal inventories: rows, accumulators, writers
    "report",       # HTML reports and map figures
    "validate",     # plots, GEDI, metrics, model fits, validation reports
    "jobs",         # the commands' jobs and the annual run, composed of all of the above
]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def includes(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if m:
                yield n, m.group(1)


def sources(folder):
    for root, _, files in os.walk(folder):
        for name in sorted(files):
            if name.endswith((".hpp", ".cpp", ".cu", ".cuh", ".h")):
                yield os.path.join(root, name)


def cmake_modules():
    """{name: {"SOURCES": [...], "LINK": [...]}} of every sinkmap_module() call, with ${VAR}
    expanded to every value any set(VAR ...) gives it."""
    with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
        text = re.sub(r"#[^\n]*", "", f.read())
    values = {}
    for m in re.finditer(r"\bset\((\w+)\s+([^)]*)\)", text):
        values.setdefault(m.group(1), []).extend(m.group(2).split())

    def expand(tokens):
        out = []
        for t in tokens:
            v = re.fullmatch(r"\$\{(\w+)\}", t)
            out.extend(values.get(v.group(1), []) if v else [t])
        return out

    modules = {}
    for m in re.finditer(r"\bsinkmap_module\((\w+)([^)]*)\)", text):
        parts = {"SOURCES": [], "LINK": []}
        key = None
        for t in expand(m.group(2).split()):
            if t in ("SOURCES", "HOST_SOURCES"):
                key = "SOURCES"
            elif t in ("LINK", "HOST_LINK", "HOST_PRIVATE"):
                key = "LINK"
            elif key:
                parts[key].append(t)
        modules[m.group(1)] = parts
    return modules


def check_cmake_modules(folders, edges, rank):
    errors = []
    modules = cmake_modules()
    owner = {}
    for name, parts in modules.items():
        for f in parts["SOURCES"]:
            owner[f] = name
    deps = {name: {l[len("sinkmap_"):] for l in parts["LINK"] if l[len("sinkmap_"):] in modules}
            for name, parts in modules.items()}

    def reach(d, seen=None):
        seen = set() if seen is None else seen
        for t in deps.get(d, ()):
            if t not in seen:
                seen.add(t)
                reach(t, seen)
        return seen

    for d in folders:
        if d not in modules:
            errors.append(f"src/{d}/: no sinkmap_module({d} ...) in CMakeLists.txt")
            continue
        for path in sources(os.path.join(ROOT, "src", d)):
            rel = os.path.relpath(path, ROOT)
            if not rel.endswith((".cpp", ".cu")):
                continue
            if owner.get(rel) != d:
                where = f"in sinkmap_module({owner[rel]})" if rel in owner else "in no module"
                errors.append(f"{rel}: built {where}, not in sinkmap_module({d}) (CMakeLists.txt)")
        for t in sorted(deps[d]):
            if t in rank and d in rank and rank[t] > rank[d]:
                errors.append(f"CMakeLists.txt: sinkmap_{d} links sinkmap_{t}, a layer above it")
        missing = sorted(t for t in edges[d] if t not in reach(d))
        for t in missing:
            errors.append(f"CMakeLists.txt: src/{d}/ includes src/{t}/ but sinkmap_{d} does not link sinkmap_{t}")
    return errors


def main():
    errors = []
    src = os.path.join(ROOT, "src")
    folders = sorted(d for d in os.listdir(src) if os.path.isdir(os.path.join(src, d)))
    unknown = [d for d in folders if d not in LAYERS]
    for d in unknown:
        errors.append(f"src/{d}/: a folder without a layer; add it to LAYERS in scripts/check-architecture.py "
                      f"and to docs/architecture.md")
    # 1. kernels/ includes only kernels/ (and system headers).
    for path in sources(os.path.join(ROOT, "kernels")):
        for n, inc in includes(path):
            top = inc.split("/")[0]
            if top in folders:
                errors.append(f"{os.path.relpath(path, ROOT)}:{n}: kernels/ includes src/ ('{inc}')")
    # 2 and 3. The folder graph.
    rank = {d: i for i, d in enumerate(LAYERS)}
    edges = {d: set() for d in folders}
    for d in folders:
        for path in sources(os.path.join(src, d)):
            for n, inc in includes(path):
                top = inc.split("/")[0]
                if top not in folders or top == d:
                    continue
                edges[d].add(top)
                if d in rank and top in rank and rank[top] > rank[d]:
                    errors.append(f"{os.path.relpath(path, ROOT)}:{n}: src/{d}/ includes '{inc}' of src/{top}/, "
                                  f"a layer above it (docs/architecture.md)")
    # A cycle can only come from an upward include, but say so in its own words too.
    state = {}

    def visit(v, stack):
        state[v] = 1
        for w in sorted(edges[v]):
            if state.get(w) == 1:
                cycle = stack[stack.index(w):] + [w]
                errors.append("include cycle between folders: " + " -> ".join("src/" + c for c in cycle))
            elif w not in state:
                visit(w, stack + [w])
        state[v] = 2

    for v in folders:
        if v not in state:
            visit(v, [v])
    errors += check_cmake_modules(folders, edges, rank)
    if "--graph" in sys.argv[1:]:
        print("digraph sinkmap {")
        for d in folders:
            for t in sorted(edges[d]):
                print(f'  "{d}" -> "{t}";')
        print("}")
    if errors:
        for e in errors:
            print("check-architecture: " + e, file=sys.stderr)
        return 1
    print(f"check-architecture: {len(folders)} folders of src/ layered, no cycle, one CMake library each; "
          f"kernels/ includes nothing from src/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
