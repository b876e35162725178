#!/usr/bin/env python3
# Generates data-samples/yellow-river-delta/: a synthetic five-year (2016-2020) land-cover series
# of a Yellow River Delta-like coast on a 30 m UTM 50N grid (near Dongying), in a user legend
# (legend_crosswalk.json maps it to the north_china_2019 classes), and two zones. It is not a
# real map: it stages the changes the wetland accounting must handle, each in its own place, so
# the README's wetland job shows them (the numbers come from the model's cited rows):
#   - Suaeda and reed tidal marsh that stays marsh; Spartina spreading over a tidal flat (a
#     revegetation the run books at EF_RE where wetland_restoration = "planted");
#   - aquaculture ponds dug into Suaeda marsh (extraction of the marsh soil) in 2018;
#   - a port built on the marsh in 2019; marsh diked and farmed from 2018 (drainage, EF_DR);
#   - an inland reed marsh and a reservoir that stay; one pixel row of flicker (map noise).
# Needs python3 and gdal_translate (gdal-bin); writes ESRI ASCII grids, then GeoTIFFs.
import json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(os.path.dirname(HERE)), 'data-samples', 'yellow-river-delta')
W, H, X0, Y0, RES = 60, 40, 676000.0, 4186000.0, 30.0
# Legend codes (legend_crosswalk.json).
REED, SUAEDA, SPARTINA, FLAT, POND, SALT, BUILT, CROP, WATER, INLAND_REED, SEA = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
YEARS = [2016, 2017, 2018, 2019, 2020]

def landcover(year):
    g = [[SEA] * W for _ in range(H)]
    for r in range(H):
        for c in range(W):
            if c < 18:
                v = CROP                      # farmland inland
                if 4 <= r < 12 and 4 <= c < 12: v = INLAND_REED
                if 26 <= r < 34 and 3 <= c < 10: v = WATER   # reservoir
            elif c < 30:
                v = REED if r < 20 else SUAEDA
            elif c < 40:
                v = SUAEDA
            elif c < 50:
                v = FLAT
            else:
                v = SEA
            # Spartina spreading seaward over the tidal flat, one column more a year from 2017.
            if 40 <= c < 50 and r < 20 and c < 40 + 2 * max(0, year - 2016): v = SPARTINA
            # Ponds dug into the Suaeda marsh in 2018.
            if year >= 2018 and 24 <= r < 36 and 30 <= c < 38: v = POND
            # A port built on the reed marsh in 2019.
            if year >= 2019 and 2 <= r < 8 and 22 <= c < 30: v = BUILT
            # Marsh diked and farmed from 2018.
            if year >= 2018 and 12 <= r < 18 and 18 <= c < 24: v = CROP
            # A salt pan dug in 2017 next to the ponds.
            if year >= 2017 and 36 <= r < 40 and 30 <= c < 38: v = SALT
            # Map noise: one row reads as tidal flat in 2017 only.
            if year == 2017 and r == 22 and 18 <= c < 30: v = FLAT
            g[r][c] = v
    return g

def write(year, tmp):
    asc = os.path.join(tmp, f'lc_{year}.asc')
    with open(asc, 'w') as f:
        f.write(f'ncols {W}\nnrows {H}\nxllcorner {X0}\nyllcorner {Y0 - H * RES}\ncellsize {RES}\nNODATA_value 0\n')
        for row in landcover(year):
            f.write(' '.join(str(v) for v in row) + '\n')
    tif = os.path.join(OUT, f'landcover_{year}.tif')
    subprocess.run(['gdal_translate', '-q', '-ot', 'Byte', '-a_srs', 'EPSG:32650', '-a_nodata', '0',
                    '-co', 'COMPRESS=DEFLATE', asc, tif], check=True)

def zones():
    def poly(name, c0, c1):
        x0, x1, y1, y0 = X0 + c0 * RES, X0 + c1 * RES, Y0, Y0 - H * RES
        return {'type': 'Feature', 'properties': {'name': name},
                'geometry': {'type': 'Polygon', 'coordinates': [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}}
    fc = {'type': 'FeatureCollection', 'crs': {'type': 'name', 'properties': {'name': 'urn:ogc:def:crs:EPSG::32650'}},
          'features': [poly('inland', 0, 18), poly('coast', 18, W)]}
    with open(os.path.join(OUT, 'zones.geojson'), 'w') as f:
        json.dump(fc, f)

if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for y in YEARS: write(y, tmp)
    zones()
    print('wrote', OUT)
