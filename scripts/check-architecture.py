#!/usr/bin/env python3
"""The layering rules of docs/architecture.md, checked on the sources (CI runs it from
scripts/test.sh):

1. kernels/ includes nothing from src/ (it is the lowest layer, built alone on GPU machines);
2. the include graph between the folders of src/ has no cycle;
3. every folder of src/ includes only the folders below it in LAYERS (so a new upward include
   fails here, naming the file and line, before it can grow into a cycle).

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
    print(f"check-architecture: {len(folders)} folders of src/ layered, no cycle; kernels/ includes nothing from src/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
