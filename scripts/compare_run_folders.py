#!/usr/bin/python3
"""Compares two output folders of `sinkmap run` made by the same config (before and after a
change to the code), as issue 20 asks: inventories byte for byte, rasters pixel for pixel.

    compare_run_folders.py BEFORE AFTER

- the same file names in both;
- CSV and JSON tables (inventories, categories, transitions): identical bytes;
- GeoTIFF and PNG: same size, band count, band descriptions and every pixel's bits (NaN
  payloads included); NetCDF: every subdataset likewise;
- GeoPackage: every layer's features (attributes and geometry) equal;
- run.json: equal once the keys that measure this machine's run (seconds, device, versions,
  dates, hashes of the output folder) are removed;
- report.html: equal once its generation time and its figures' gradient ids are removed.
Exit 0 when everything matches, 1 naming every difference.
"""
import json
import os
import re
import sys

import numpy as np
from osgeo import gdal, ogr

gdal.UseExceptions()
gdal.PushErrorHandler("CPLQuietErrorHandler")  # the cube's bounds variables are not rasters

# Keys of run.json that describe how this run ran, not what it computed.
VOLATILE_KEYS = {"seconds", "device", "created", "generated", "elapsed_s", "sinkmap_version", "git", "host",
                 "threads", "peak_rss_mib"}


def strip(j):
    if isinstance(j, dict):
        return {k: strip(v) for k, v in j.items() if k not in VOLATILE_KEYS}
    if isinstance(j, list):
        return [strip(v) for v in j]
    return j


def raster_bits(path):
    ds = gdal.Open(path)
    out = []
    for b in range(1, ds.RasterCount + 1):
        band = ds.GetRasterBand(b)
        a = band.ReadAsArray()
        out.append((band.GetDescription(), a.dtype.str, a.shape, a.view(np.uint8).tobytes()))
    return ds.RasterXSize, ds.RasterYSize, out


def compare_raster(a, b):
    ra, rb = raster_bits(a), raster_bits(b)
    if ra[:2] != rb[:2] or len(ra[2]) != len(rb[2]):
        return "size or band count"
    for k, (x, y) in enumerate(zip(ra[2], rb[2]), 1):
        if x[0] != y[0]:
            return f"band {k} description '{x[0]}' vs '{y[0]}'"
        if x[1:] != y[1:]:
            return f"band {k} ({x[0]}) pixels"
    return None


def compare_netcdf(a, b):
    sa = [s for s, _ in gdal.Open(a).GetSubDatasets()]
    sb = [s for s, _ in gdal.Open(b).GetSubDatasets()]
    if [s.split(":")[-1] for s in sa] != [s.split(":")[-1] for s in sb]:
        return "variables"
    for x, y in zip(sa, sb):
        d = compare_raster(x, y)
        if d:
            return x.split(":")[-1] + ": " + d
    return None


def gpkg_rows(path):
    ds = ogr.Open(path)
    out = {}
    for i in range(ds.GetLayerCount()):
        lyr = ds.GetLayerByIndex(i)
        rows = []
        for f in lyr:
            g = f.GetGeometryRef()
            rows.append((tuple(f.GetField(k) for k in range(f.GetFieldCount())), g.ExportToWkb() if g else None))
        out[lyr.GetName()] = rows
    return out


def compare_file(a, b):
    name = os.path.basename(a)
    ext = os.path.splitext(name)[1].lower()
    if name == "run.json":
        with open(a) as fa, open(b) as fb:
            return None if strip(json.load(fa)) == strip(json.load(fb)) else "content (besides timings)"
    if name == "report.html":
        pat = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?|\d+(\.\d+)? s\b|ramp\d+")
        with open(a, encoding="utf-8") as fa, open(b, encoding="utf-8") as fb:
            return None if pat.sub("", fa.read()) == pat.sub("", fb.read()) else "content (besides times)"
    if ext in (".tif", ".png"):
        return compare_raster(a, b)
    if ext == ".nc":
        return compare_netcdf(a, b)
    if ext == ".gpkg":
        return None if gpkg_rows(a) == gpkg_rows(b) else "features"
    if ext in (".csv", ".json", ".txt", ".vrt", ".xml"):
        with open(a, "rb") as fa, open(b, "rb") as fb:
            return None if fa.read() == fb.read() else "bytes"
    return None  # other files (sidecars such as .aux.xml are compared as text above)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    before, after = sys.argv[1:]
    fa, fb = set(os.listdir(before)), set(os.listdir(after))
    problems = [f"only in {before}: {n}" for n in sorted(fa - fb)] + [f"only in {after}: {n}" for n in sorted(fb - fa)]
    for n in sorted(fa & fb):
        d = compare_file(os.path.join(before, n), os.path.join(after, n))
        if d:
            problems.append(f"{n}: {d} differ")
    label = os.path.basename(os.path.normpath(before))
    if problems:
        print(f"{label}: {len(problems)} differences")
        for p in problems:
            print("  " + p)
        return 1
    print(f"{label}: {len(fa)} files identical (inventories byte for byte, rasters pixel for pixel)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
