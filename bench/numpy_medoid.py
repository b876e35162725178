"""The medoid peer of bench/run_composite_bench.sh: an independent NumPy medoid composite.
Reads the stack band by band with GDAL, masks cloud (mask != 0) and nodata (0) as not clear,
and per pixel picks the clear observation whose summed Euclidean distance over the bands to all
other clear observations is smallest (Flood 2013; ties to the earliest), then computes NDVI and
writes a GeoTIFF. Rows are processed in chunks so the n x n distance array stays small.
    python3 bench/numpy_medoid.py LIST.csv OUT.tif
"""
import csv
import sys

import numpy as np
from osgeo import gdal

ROLES = ["blue", "green", "red", "nir"]


def main(list_csv, out):
    rows = list(csv.DictReader(open(list_csv)))
    first = gdal.Open(rows[0]["red"].rsplit(":", 1)[0])
    width, height = first.RasterXSize, first.RasterYSize
    bands = [[(r[role].rsplit(":", 1)[0], int(r[role].rsplit(":", 1)[1])) for role in ROLES] for r in rows]
    handles = {path: gdal.Open(path) for obs in bands for path, _ in obs}
    masks = [gdal.Open(r["mask"]) for r in rows]
    drv = gdal.GetDriverByName("GTiff")
    ds = drv.Create(out, width, height, 5, gdal.GDT_Float32, ["TILED=YES", "BIGTIFF=YES"])
    ds.SetGeoTransform(first.GetGeoTransform())
    ds.SetProjection(first.GetProjection())
    n = len(rows)
    chunk = max(1, (64 << 20) // (n * n * width * 4))  # rows per chunk: a 64 MB distance array
    for y0 in range(0, height, chunk):
        h = min(chunk, height - y0)
        stack = np.empty((n, len(ROLES), h, width), np.float32)
        for k, obs in enumerate(bands):
            for b, (path, band) in enumerate(obs):
                stack[k, b] = handles[path].GetRasterBand(band).ReadAsArray(0, y0, width, h)
            clear = masks[k].GetRasterBand(1).ReadAsArray(0, y0, width, h) == 0
            clear &= (stack[k] != 0).all(axis=0)
            stack[k] *= 0.0001
            stack[k][:, ~clear] = np.nan
        valid = ~np.isnan(stack).any(axis=1)  # (n, h, w)
        diff = stack[:, None] - stack[None, :]  # (n, n, bands, h, w)
        dist = np.sqrt((diff * diff).sum(axis=2))  # (n, n, h, w), NaN where either is not clear
        score = np.nansum(dist, axis=1)
        score[~valid] = np.inf
        best = np.argmin(score, axis=0)  # the first of equal scores
        any_clear = valid.any(axis=0)
        picked = np.take_along_axis(stack, best[None, None], axis=0)[0]  # (bands, h, w)
        picked[:, ~any_clear] = np.nan
        red, nir = picked[ROLES.index("red")], picked[ROLES.index("nir")]
        ndvi = (nir - red) / (nir + red)
        for b in range(len(ROLES)):
            ds.GetRasterBand(b + 1).WriteArray(picked[b], 0, y0)
        ds.GetRasterBand(5).WriteArray(ndvi, 0, y0)
    ds = None


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
