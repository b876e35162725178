"""How far sinkmap's medoid and the NumPy medoid peer agree (bench/run_composite_bench.sh).
Prints the share of pixels with the same four band values, and of the others the share whose
two picks have equal distance sums in double precision (exact ties, which float32 rounding in
either tool may break either way; the tests check sinkmap against a double computation).
    python3 bench/compare_medoid.py LIST.csv SINKMAP.tif NUMPY.tif
"""
import csv
import datetime
import sys

import numpy as np
from osgeo import gdal


def main(list_csv, sinkmap_tif, numpy_tif):
    rows = list(csv.DictReader(open(list_csv)))
    s, p = gdal.Open(sinkmap_tif), gdal.Open(numpy_tif)
    width, height = s.RasterXSize, s.RasterYSize
    names = [s.GetRasterBand(b + 1).GetDescription() for b in range(s.RasterCount)]
    doy_band = names.index("doy") + 1
    doy_of = {}
    for k, r in enumerate(rows):
        y, m, d = (int(v) for v in r["date"].split("-"))
        doy_of[datetime.date(y, m, d).timetuple().tm_yday] = k
    same = ties = total = 0
    n = len(rows)
    chunk = max(1, (64 << 20) // (n * n * width * 8))
    handles = {}
    for y0 in range(0, height, chunk):
        h = min(chunk, height - y0)
        a = s.ReadAsArray(0, y0, width, h)[:4]
        b = p.ReadAsArray(0, y0, width, h)[:4]
        eq = np.all((np.abs(a - b) <= 1e-6) | (np.isnan(a) & np.isnan(b)), axis=0)
        same += int(eq.sum())
        total += eq.size
        if eq.all():
            continue
        stack = np.empty((n, 4, h, width))
        for k, r in enumerate(rows):
            for bi, role in enumerate(["blue", "green", "red", "nir"]):
                path, band = r[role].rsplit(":", 1)
                ds = handles.setdefault(path, gdal.Open(path))
                stack[k, bi] = ds.GetRasterBand(int(band)).ReadAsArray(0, y0, width, h)
            mpath = r["mask"]
            md = handles.setdefault(mpath, gdal.Open(mpath))
            clear = (md.GetRasterBand(1).ReadAsArray(0, y0, width, h) == 0) & (stack[k] != 0).all(axis=0)
            stack[k] *= 0.0001
            stack[k][:, ~clear] = np.nan
        diff = stack[:, None] - stack[None, :]
        score = np.nansum(np.sqrt((diff * diff).sum(axis=2)), axis=1)
        score[np.isnan(stack).any(axis=1)] = np.inf
        pick_s = np.vectorize(lambda d: doy_of.get(int(d), -1))(s.GetRasterBand(doy_band).ReadAsArray(0, y0, width, h))
        pick_p = np.argmin(score, axis=0)
        yy, xx = np.nonzero(~eq)
        ks = pick_s[yy, xx]
        ok = ks >= 0
        gap = np.abs(score[ks[ok], yy[ok], xx[ok]] - score[pick_p[yy[ok], xx[ok]], yy[ok], xx[ok]])
        ties += int((gap <= 1e-12 * np.maximum(score[pick_p[yy[ok], xx[ok]], yy[ok], xx[ok]], 1e-300)).sum())
    print(f"medoid agreement: {100.0 * same / total:.2f} % of pixels identical; "
          f"{100.0 * ties / max(total - same, 1):.2f} % of the others are exact ties in double")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
