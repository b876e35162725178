"""The peer of bench/run_composite_bench.sh: what a user would write instead of sinkmap composite.
Reads the stack band by band with GDAL, masks cloud and nodata as NaN, takes numpy.nanmedian over
the scenes, computes NDVI and writes a GeoTIFF.
    python3 bench/numpy_nanmedian.py LIST.csv OUT.tif
"""
import csv
import sys

import numpy as np
from osgeo import gdal


def main(list_csv, out):
    rows = list(csv.DictReader(open(list_csv)))
    roles = ["blue", "green", "red", "nir"]
    masks = [gdal.Open(r["mask"]).ReadAsArray() != 0 for r in rows]
    first = gdal.Open(rows[0]["red"].rsplit(":", 1)[0])
    composite = {}
    for b, role in enumerate(roles):
        stack = np.empty((len(rows), first.RasterYSize, first.RasterXSize), np.float32)
        for k, r in enumerate(rows):
            path, band = r[role].rsplit(":", 1)
            ds = gdal.Open(path)  # kept alive while its band is read
            stack[k] = ds.GetRasterBand(int(band)).ReadAsArray()
            ds = None
            stack[k][(stack[k] == 0) | masks[k]] = np.nan
        composite[role] = np.nanmedian(stack, axis=0) * 0.0001
        del stack
    ndvi = (composite["nir"] - composite["red"]) / (composite["nir"] + composite["red"])
    drv = gdal.GetDriverByName("GTiff")
    ds = drv.Create(out, first.RasterXSize, first.RasterYSize, 5, gdal.GDT_Float32, ["TILED=YES", "BIGTIFF=YES"])
    ds.SetGeoTransform(first.GetGeoTransform())
    ds.SetProjection(first.GetProjection())
    for b, arr in enumerate([composite[r] for r in roles] + [ndvi]):
        ds.GetRasterBand(b + 1).WriteArray(arr)
    ds = None


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
