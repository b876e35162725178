"""The Python module against the command line: the same functors give the same numbers, bad
arrays raise ValueError naming the argument, and run() returns the run's manifest."""

import json
import os
import pathlib
import re
import subprocess

import numpy as np
import pytest
from osgeo import gdal

import sinkmap

EXE = os.environ["SINKMAP_EXE"]
SOURCE = pathlib.Path(os.environ["SINKMAP_SOURCE_DIR"])
gdal.UseExceptions()


def write_scene(path, bands):
    h, w = bands[0].shape
    ds = gdal.GetDriverByName("GTiff").Create(str(path), w, h, len(bands), gdal.GDT_Float32)
    ds.SetGeoTransform([500000, 30, 0, 4000000, 0, -30])
    for k, b in enumerate(bands):
        ds.GetRasterBand(k + 1).WriteArray(b)
    ds = None


def read(path, band=1):
    ds = gdal.Open(str(path))
    return ds.GetRasterBand(band).ReadAsArray()


def same(a, b):
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


@pytest.fixture
def reflectance():
    rng = np.random.default_rng(7)
    red = rng.uniform(0.0, 0.3, (67, 91)).astype(np.float32)
    nir = rng.uniform(0.0, 0.6, (67, 91)).astype(np.float32)
    swir2 = rng.uniform(0.0, 0.4, (67, 91)).astype(np.float32)
    red[3, 4] = np.nan  # nodata
    nir[5, 6] = 0.0
    red[5, 6] = 0.0     # 0 / 0: NaN, not inf
    return red, nir, swir2


def test_index_equals_the_cli(tmp_path, reflectance):
    red, nir, swir2 = reflectance
    scene = tmp_path / "scene.tif"
    write_scene(scene, [red, nir, swir2])
    out = tmp_path / "cli.tif"
    subprocess.run([EXE, "index", str(scene), "--band", "red=1", "--band", "nir=2", "--band", "swir2=3",
                    "-i", "NDVI,NBR", "-q", "-o", str(out)], check=True)
    ndvi = sinkmap.index("NDVI", red=red, nir=nir)
    nbr = sinkmap.index("NBR", nir=nir, swir2=swir2)
    assert ndvi.dtype == np.float32 and ndvi.shape == red.shape
    assert same(ndvi, read(out, 1))
    assert same(nbr, read(out, 2))
    assert np.isnan(ndvi[3, 4]) and np.isnan(ndvi[5, 6])
    # An independent NumPy NDVI, to float rounding.
    with np.errstate(invalid="ignore", divide="ignore"):
        ref = (nir.astype(np.float64) - red) / (nir.astype(np.float64) + red)
    ok = np.isfinite(ref)
    assert np.allclose(ndvi[ok], ref[ok], rtol=1e-6, atol=1e-7)
    # float64 input gives the same as float32 of the same values
    assert same(sinkmap.index("NDVI", red=red.astype(np.float64), nir=nir.astype(np.float64)), ndvi)


def test_bad_arrays_raise_value_error_naming_the_argument(reflectance):
    red, nir, _ = reflectance
    with pytest.raises(ValueError, match="nir: shape"):
        sinkmap.index("NDVI", red=red, nir=nir[:, :-1])
    with pytest.raises(ValueError, match="red: dtype int16"):
        sinkmap.index("NDVI", red=red.astype(np.int16), nir=nir)
    with pytest.raises(ValueError, match="NOPE"):
        sinkmap.index("NOPE", red=red, nir=nir)
    with pytest.raises(ValueError, match="nir: NDVI needs this band"):
        sinkmap.index("NDVI", red=red)
    with pytest.raises(ValueError, match="infrared: not a band role"):
        sinkmap.index("NDVI", red=red, infrared=nir)
    with pytest.raises(ValueError, match="red: expected a NumPy array"):
        sinkmap.index("NDVI", red=[0.1, 0.2], nir=nir)
    assert "NDVI" in sinkmap.index_names()


def test_run_returns_the_manifest(tmp_path):
    samples = SOURCE / "data-samples"
    text = (samples / "run-sample.toml").read_text()
    text = text.replace('"worldcover-n00e006-crop/', '"' + str(samples / "worldcover-n00e006-crop") + "/")
    text = re.sub(r'(^|\n)output = [^\n]*', '\\1output = "' + str(tmp_path / "out") + '"', text)
    config = tmp_path / "run.toml"
    config.write_text(text)
    manifest = sinkmap.run(config)
    assert manifest == json.loads((tmp_path / "out" / "run.json").read_text())
    assert [y["year"] for y in manifest["years"]] == [2020, 2021]
    with pytest.raises(ValueError, match="no file"):
        sinkmap.run(tmp_path / "missing.toml")


def test_open_cube(tmp_path):
    pytest.importorskip("xarray")
    samples = SOURCE / "data-samples"
    text = (samples / "run-sample.toml").read_text()
    text = text.replace('"worldcover-n00e006-crop/', '"' + str(samples / "worldcover-n00e006-crop") + "/")
    text = re.sub(r'(^|\n)output = [^\n]*', '\\1output = "' + str(tmp_path / "out") + '"', text)
    (tmp_path / "run.toml").write_text(text)
    manifest = sinkmap.run(tmp_path / "run.toml")
    cube = sinkmap.open_cube(manifest["cube"])
    assert cube["c_total"].dims == ("time", "y", "x")
    assert [str(t)[:4] for t in cube["time"].values] == ["2020", "2021"]
    # The cube's last stock equals the stock map's c_total band, pixel for pixel.
    ds = gdal.Open(str(tmp_path / "out" / "stock_2021.tif"))
    names = [ds.GetRasterBand(b).GetDescription() for b in range(1, ds.RasterCount + 1)]
    c_total = ds.GetRasterBand(names.index("c_total") + 1).ReadAsArray()
    assert same(cube["c_total"].isel(time=-1).values, c_total)


@pytest.mark.parametrize("method", ["medoid", "median", "max-ndvi"])
def test_composite_equals_the_cli(tmp_path, method):
    rng = np.random.default_rng(11)
    dates = ["2021-07-03", "2021-06-11", "2021-08-20", "2021-06-11", "2021-09-02"]  # unsorted, a tie
    stack = rng.uniform(0.0, 0.5, (5, 2, 23, 31)).astype(np.float32)
    cloud = rng.uniform(size=(5, 23, 31)) < 0.3  # clouds: every role of an observation
    stack[np.broadcast_to(cloud[:, None], stack.shape)] = np.nan
    stack[:, :, 0, 0] = np.nan  # never clear
    rows = ["date,red,nir"]
    for k, d in enumerate(dates):
        red, nir = tmp_path / f"red{k}.tif", tmp_path / f"nir{k}.tif"
        write_scene(red, [stack[k, 0]])
        write_scene(nir, [stack[k, 1]])
        rows.append(f"{d},{red},{nir}")
    (tmp_path / "scenes.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "cli.tif"
    subprocess.run([EXE, "composite", "--scenes", str(tmp_path / "scenes.csv"), "--method", method, "-q",
                    "-o", str(out)], check=True)
    got = sinkmap.composite(stack, dates, roles=["red", "nir"], method=method)
    names = ["red", "nir", "clear_count"] + ([] if method == "median" else ["doy"])
    assert sorted(got) == sorted(names)
    for k, name in enumerate(names):
        assert same(got[name], read(out, k + 1)), name
    assert got["clear_count"][0, 0] == 0 and np.isnan(got["red"][0, 0])
    with pytest.raises(ValueError, match="dates: 4 dates for 5 observations"):
        sinkmap.composite(stack, dates[:4], roles=["red", "nir"])
    with pytest.raises(ValueError, match="stack: shape"):
        sinkmap.composite(stack[0], dates, roles=["red", "nir"])
    with pytest.raises(ValueError, match="roles: 'infrared'"):
        sinkmap.composite(stack, dates, roles=["red", "infrared"])
    with pytest.raises(ValueError, match="valid_range"):
        sinkmap.composite(stack, dates, roles=["red", "nir"], valid_range=(1.0, 0.0))
    with pytest.raises(ValueError, match="dates\\[1\\]"):
        sinkmap.composite(stack, [dates[0], "2021-13-01"] + dates[2:], roles=["red", "nir"])


def test_stock_equals_the_cli(tmp_path):
    lc = SOURCE / "data-samples/worldcover-n00e006-crop/ESA_WorldCover_10m_2020_v100_crop_Map.tif"
    ds = gdal.Open(str(lc))
    codes = ds.GetRasterBand(1).ReadAsArray()
    out = tmp_path / "cli.tif"
    subprocess.run([EXE, "stock", "--landcover", str(lc), "--crosswalk", "esa_worldcover", "-m", "north_china_2019",
                    "-q", "--format", "GTiff", "-o", str(out)], check=True)
    pools = sinkmap.stock(codes, model="north_china_2019", crosswalk="esa_worldcover",
                          transform=ds.GetGeoTransform(), crs=ds.GetProjection())
    cli = gdal.Open(str(out))
    names = [cli.GetRasterBand(b).GetDescription() for b in range(1, cli.RasterCount + 1)]
    assert "c_total" in names and sorted(pools) == sorted(names)
    for b, name in enumerate(names, start=1):
        assert same(pools[name], cli.GetRasterBand(b).ReadAsArray()), name
    assert np.nanmax(pools["c_total"]) > 0
    with pytest.raises(ValueError, match="crs: 'nowhere'"):
        sinkmap.stock(codes, transform=ds.GetGeoTransform(), crs="nowhere")
    with pytest.raises(ValueError, match="red: shape"):
        sinkmap.stock(codes, transform=ds.GetGeoTransform(), crs=ds.GetProjection(), red=np.zeros((2, 2)))


def test_sink_equals_the_cli(tmp_path):
    crop = SOURCE / "data-samples/worldcover-n00e006-crop"
    maps = [crop / "ESA_WorldCover_10m_2020_v100_crop_Map.tif", crop / "ESA_WorldCover_10m_2021_v200_crop_Map.tif"]
    ds = gdal.Open(str(maps[0]))
    gt, wkt = ds.GetGeoTransform(), ds.GetProjection()
    stocks, files = [], []
    for k, m in enumerate(maps):
        f = tmp_path / f"stock{k}.tif"
        subprocess.run([EXE, "stock", "--landcover", str(m), "--crosswalk", "esa_worldcover", "-q", "--format", "GTiff",
                        "-o", str(f)], check=True)
        files.append(f)
        src = gdal.Open(str(m))  # kept: a band does not keep its dataset alive
        codes = src.GetRasterBand(1).ReadAsArray()
        stocks.append(sinkmap.stock(codes, transform=gt, crs=wkt))
    out = tmp_path / "sink.tif"
    subprocess.run([EXE, "sink", str(files[0]), str(files[1]), "--years", "1", "-m", "north_china_2019", "-q",
                    "--format", "GTiff", "-o", str(out)], check=True)
    got = sinkmap.sink(stocks[0], stocks[1], 1.0, transform=gt, crs=wkt)
    cli = gdal.Open(str(out))
    for b in range(1, cli.RasterCount + 1):
        name = cli.GetRasterBand(b).GetDescription()
        assert same(got[name], cli.GetRasterBand(b).ReadAsArray()), name
    with pytest.raises(ValueError, match="stock_2: no 'c_total'"):
        sinkmap.sink(stocks[0], {"agb": stocks[1]["agb"]}, 1.0, transform=gt, crs=wkt)
