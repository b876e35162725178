#!/usr/bin/env python3
"""Markdown table of a model's stocks per class, as sinkmap computes them: a one-row land-cover
raster holding every class id, a crosswalk of id -> class, `sinkmap stock` for the young and the
old age class (default climate zone and soil type), and the pools read back.
Usage: scripts/models/model_table.py [MODEL=north_china_2019]  (needs python3-gdal)"""
import json, os, subprocess, sys, tempfile
from osgeo import gdal, osr

here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(os.path.dirname(here))
model = sys.argv[1] if len(sys.argv) > 1 else "north_china_2019"
path = model if os.path.exists(model) else os.path.join(repo, "models", "carbon", model + ".json")
m = json.load(open(path))
classes = sorted(((c["id"], name, c["group"]) for name, c in m["classes"].items()))
tmp = tempfile.mkdtemp()
lc = os.path.join(tmp, "lc.tif")
ds = gdal.GetDriverByName("GTiff").Create(lc, len(classes), 1, 1, gdal.GDT_Byte)
ds.SetGeoTransform([500000, 30, 0, 4000000, 0, -30])
srs = osr.SpatialReference(); srs.ImportFromEPSG(32650); ds.SetProjection(srs.ExportToWkt())
ds.GetRasterBand(1).WriteRaster(0, 0, len(classes), 1, bytes(c[0] for c in classes))
ds = None
cw = os.path.join(tmp, "cw.json")
json.dump({"name": "ids", "source": "model_table.py", "legend": {str(i): n for i, n, _ in classes},
           "nodata": [0], "codes": {str(i): n for i, n, _ in classes}}, open(cw, "w"))
rows = {}
for age in ("young", "old"):
    out = os.path.join(tmp, "s_%s.tif" % age)
    subprocess.run([os.path.join(repo, "build", "sinkmap"), "stock", "--model", path, "--landcover", lc,
                    "--crosswalk", cw, "--forest-age-class", age, "--unmapped-classes", "-q", "-o", out],
                   check=True, stderr=subprocess.DEVNULL)
    s = gdal.Open(out)
    bands = {s.GetRasterBand(b + 1).GetDescription(): s.GetRasterBand(b + 1).ReadAsArray()[0] for b in range(s.RasterCount)}
    for k, (i, name, group) in enumerate(classes):
        rows.setdefault(name, {"group": group})[age] = {b: float(v[k]) for b, v in bands.items()}

def f(v, d=1):
    return "NA" if v != v else ("%.*f" % (d, v))

print("| class | group | AGB young / old (Mg/ha) | R | CF | dead (Mg C/ha) | soil (Mg C/ha, depth) | total young / old (Mg C/ha) |")
print("|---|---|---|---|---|---|---|---|")
for i, name, group in classes:
    y, o = rows[name]["young"], rows[name]["old"]
    r = y["bgb"] / y["agb"] if y["agb"] == y["agb"] and y["agb"] > 0 else float("nan")
    cf = y["c_above"] / y["agb"] if y["agb"] == y["agb"] and y["agb"] > 0 else float("nan")
    print("| %s | %s | %s / %s | %s | %s | %s | %s | %s / %s |" % (
        name, group, f(y["agb"]), f(o["agb"]), f(r, 3), f(cf, 2), f(y["c_dead"]),
        f(y["c_soil"]) + " (0-%d cm)" % m["classes"][name].get("soil_depth_cm", m["soil_depth_cm"]),
        f(y["c_total"]), f(o["c_total"])))
