#!/usr/bin/env python3
# Generates data-samples/county-forest-inventory/: a synthetic county-bureau case on the North
# China plain (30 m UTM 50N grid near Dezhou, Shandong): three yearly land-cover maps (2020-2022)
# in ESA WorldCover codes, a forest management inventory of sub-compartments (小班) as a
# GeoPackage with the fields a bureau keeps (小班号, 树种, 起源, 林龄, 蓄积 m3/ha, 生长量 m3/ha/yr)
# and two townships (乡镇) as zones. It is not a real map or a real inventory: the stands, ages,
# volumes and increments are made up for the example (plausible orders of magnitude only) and
# stage what a run with a bureau's data must handle, each in its own place:
#   - poplar, black locust, Platycladus and natural hardwood stands with growing stock and net
#     annual increment (Tier 2: B = a V + b or V x BCEF_S, growth by the increment);
#   - an orchard (经济林: perennial cropland by IPCC) on the map's tree cover;
#   - a stand the map calls cropland (an inventory/map disagreement, reported per township);
#   - tree cover outside every stand (the map's default class, Tier 1);
#   - a poplar stand clear-cut after 2020 (cropland on the 2021 and 2022 maps: a confirmed
#     conversion; its increment ends with it).
# Needs python3, gdal_translate and ogr2ogr (gdal-bin).
import json, os, subprocess, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(os.path.dirname(HERE)), 'data-samples', 'county-forest-inventory')
W, H, X0, Y0, RES = 60, 40, 438000.0, 4146000.0, 30.0
TREE, CROP, BUILT, WATER = 10, 40, 50, 80
YEARS = [2020, 2021, 2022]
EPSG = 32650

# Sub-compartments: (小班号, columns c0..c1, rows r0..r1, 树种, 起源, 林龄, 蓄积, 生长量).
STANDS = [
    ('0101', 2, 14, 2, 12, '杨树', '人工', 8, 62.0, 9.5),
    ('0102', 16, 26, 2, 12, '杨树', '人工', 14, 118.0, 8.0),   # clear-cut after the 2020 map
    ('0103', 2, 12, 16, 26, '刺槐', '人工', 22, 71.0, 3.6),
    ('0104', 14, 24, 16, 26, '侧柏', '人工', 30, 48.0, 2.1),
    ('0201', 34, 46, 2, 14, '硬阔类', '天然', 45, 86.0, 3.2),
    ('0202', 48, 58, 2, 14, '经济林', '人工', 12, None, None),  # orchard: no growing stock
    ('0203', 34, 44, 20, 28, '杨树', '人工', 6, 35.0, 10.5),   # on land the map calls cropland
]
CUT = '0102'

def landcover(year):
    g = [[CROP] * W for _ in range(H)]
    for r in range(H):
        for c in range(W):
            if 30 <= r < 34 and c < 30: g[r][c] = WATER          # a canal
            if 34 <= r and 50 <= c: g[r][c] = BUILT              # a village
            if 20 <= r < 30 and 48 <= c < 58: g[r][c] = TREE     # tree cover outside every stand
    for sid, c0, c1, r0, r1, *_ in STANDS:
        if sid == '0203': continue                           # the map misses this young stand
        for r in range(r0, r1):
            for c in range(c0, c1):
                g[r][c] = CROP if (sid == CUT and year >= 2021) else TREE
    return g

def write_landcover(year, tmp):
    asc = os.path.join(tmp, f'lc_{year}.asc')
    with open(asc, 'w') as f:
        f.write(f'ncols {W}\nnrows {H}\nxllcorner {X0}\nyllcorner {Y0 - H * RES}\ncellsize {RES}\nNODATA_value 0\n')
        for row in landcover(year):
            f.write(' '.join(str(v) for v in row) + '\n')
    subprocess.run(['gdal_translate', '-q', '-ot', 'Byte', '-a_srs', f'EPSG:{EPSG}', '-a_nodata', '0',
                    '-co', 'COMPRESS=DEFLATE', asc, os.path.join(OUT, f'landcover_{year}.tif')], check=True)

def rect(c0, c1, r0, r1):
    x0, x1 = X0 + c0 * RES, X0 + c1 * RES
    y1, y0 = Y0 - r0 * RES, Y0 - r1 * RES
    return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]

def collection(features):
    return {'type': 'FeatureCollection', 'crs': {'type': 'name', 'properties': {'name': f'urn:ogc:def:crs:EPSG::{EPSG}'}},
            'features': features}

def write_inventory(tmp):
    feats = [{'type': 'Feature',
              'properties': {'小班号': sid, '树种': sp, '起源': origin, '林龄': age, '蓄积': vol, '生长量': inc},
              'geometry': {'type': 'Polygon', 'coordinates': rect(c0, c1, r0, r1)}}
             for sid, c0, c1, r0, r1, sp, origin, age, vol, inc in STANDS]
    src = os.path.join(tmp, 'xiaoban.geojson')
    with open(src, 'w', encoding='utf-8') as f:
        json.dump(collection(feats), f, ensure_ascii=False)
    dst = os.path.join(OUT, 'xiaoban.gpkg')
    if os.path.exists(dst): os.remove(dst)
    subprocess.run(['ogr2ogr', '-q', '-f', 'GPKG', '-nln', 'xiaoban', dst, src], check=True)

def write_zones():
    feats = [{'type': 'Feature', 'properties': {'name': name}, 'geometry': {'type': 'Polygon', 'coordinates': rect(c0, c1, 0, H)}}
             for name, c0, c1 in [('西镇', 0, 30), ('东镇', 30, W)]]
    with open(os.path.join(OUT, 'townships.geojson'), 'w', encoding='utf-8') as f:
        json.dump(collection(feats), f, ensure_ascii=False)

if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for y in YEARS: write_landcover(y, tmp)
        write_inventory(tmp)
    write_zones()
    print('wrote', OUT)
