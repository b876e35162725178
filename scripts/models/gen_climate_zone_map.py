#!/usr/bin/env python3
# Generates models/climate/north_china_climate_zones.tif: the IPCC climate zones (2019 Refinement
# Vol. 4 Ch. 3, pp. 3.47-3.48 with its corrigendum) of colinahill/ipcc_climate_zones (MIT; CRU TS
# 4.09 means of 1985-2015, 0.5 degree) cropped to the region of north_china_2019.json. Cells the
# CRU land mask leaves empty (0: sea, and coastal land such as Weihai) take the zone of the
# nearest land cell, so that no coastal pixel of the region is left without a zone.
# Usage: scripts/models/gen_climate_zone_map.py [GIT_DIR] (default: the fetched mirror); needs
# GDAL's command-line tools. Review the git diff of the map and of models/climate/SOURCES.md.
import json, os, subprocess, sys, tempfile
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GIT = sys.argv[1] if len(sys.argv) > 1 else '/work/.mirror/colinahill+ipcc_climate_zones/repo'
COMMIT = '0e54f4d506f590acd3c6cc4b065784c8074ddafb'   # "add geotiff and update datatype", 2025-07-12
model = json.load(open(os.path.join(REPO, 'models', 'carbon', 'north_china_2019.json')))
lon0, lon1 = model['region']['lon']
lat0, lat1 = model['region']['lat']
out = os.path.join(REPO, 'models', 'climate', 'north_china_climate_zones.tif')

with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, 'ipcc_climate_zones.tif')
    with open(src, 'wb') as f:
        f.write(subprocess.run(['git', f'--git-dir={GIT}', 'show', f'{COMMIT}:data/ipcc_climate_zones.tif'],
                               check=True, capture_output=True).stdout)
    # The source is stored south-up: gdalwarp (not -projwin) puts the crop north-up.
    crop = os.path.join(tmp, 'crop.tif')
    subprocess.run(['gdalwarp', '-q', '-te', str(lon0), str(lat0), str(lon1), str(lat1), '-tr', '0.5', '0.5',
                    '-r', 'near', '-ot', 'Int16', src, crop], check=True)
    asc = os.path.join(tmp, 'crop.asc')
    subprocess.run(['gdal_translate', '-q', '-of', 'AAIGrid', crop, asc], check=True)
    lines = open(asc).read().split('\n')
    header = [l for l in lines[:6] if l and not l[0].isdigit() and not l[0] == '-' and not l[0] == ' ']
    nh = len(header)
    grid = [[int(float(v)) for v in l.split()] for l in lines[nh:] if l.strip()]
    h, w = len(grid), len(grid[0])
    land = [(r, c) for r in range(h) for c in range(w) if grid[r][c] > 0]
    filled = [[grid[r][c] if grid[r][c] > 0 else
               grid[min(land, key=lambda p: ((p[0] - r) ** 2 + (p[1] - c) ** 2, p))[0]]
                   [min(land, key=lambda p: ((p[0] - r) ** 2 + (p[1] - c) ** 2, p))[1]]
               for c in range(w)] for r in range(h)]
    with open(asc, 'w') as f:
        f.write('\n'.join(header) + '\n')
        for row in filled: f.write(' '.join(str(v) for v in row) + '\n')
    subprocess.run(['gdal_translate', '-q', '-ot', 'Byte', '-a_srs', 'EPSG:4326', '-a_nodata', 'none',
                    '-co', 'COMPRESS=DEFLATE', '-mo', f'SOURCE=colinahill/ipcc_climate_zones@{COMMIT}:data/ipcc_climate_zones.tif (MIT; CRU TS 4.09, 1985-2015)',
                    '-mo', 'FILL=cells outside the CRU land mask take the zone of the nearest land cell',
                    asc, out], check=True)
    counts = {}
    for r in range(h):
        for c in range(w):
            counts[filled[r][c]] = counts.get(filled[r][c], 0) + 1
    print(out, f'{w}x{h}', 'cells per zone code:', dict(sorted(counts.items())),
          'filled:', sum(1 for r in range(h) for c in range(w) if grid[r][c] == 0))
