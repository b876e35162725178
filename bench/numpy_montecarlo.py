#!/usr/bin/env python3
"""The Monte Carlo benchmark's peer: an independent per-pixel Monte Carlo in NumPy.

Reads a stock map written by `sinkmap stock --output-bands c_total,ecosystem_class,agb_input`
and the carbon model JSON it was made with, and draws, in every iteration, each class's uncertain
numbers once for the whole map (a calibrated model's coefficients jointly from their covariance)
and every imagery pixel's model residual, as IPCC 2006 Vol. 1 Ch. 3 Approach 2 describes. It
shares no code with sinkmap: its own reading of the model's JSON, NumPy's generator, float64.
Only the whole map's total is computed (the benchmark's "*,*" row).

    bench/numpy_montecarlo.py STOCK.tif MODEL.json ITERATIONS [SEED]

Prints one CSV line: mean,sd,p2_5,p97_5,deterministic,seconds,peak_MiB
"""
import json
import resource
import sys
import time

import numpy as np
from osgeo import gdal


def value(v):
    return float(v["value"]) if isinstance(v, dict) else float(v)


def draw(v, rng):
    """A number with an optional normal SD, drawn once for the map (cut at zero: masses and
    fractions are not negative; with the benchmark's CVs the cut never applies)."""
    if isinstance(v, dict) and float(v.get("sd", 0)) > 0:
        return max(0.0, rng.normal(float(v["value"]), float(v["sd"])))
    return value(v)


def class_carbon(spec, x, rng):
    """c_total of one class's pixels (NaN where the model has no value) in one iteration."""
    agb_spec = spec.get("agb", {"form": "none"})
    form = agb_spec.get("form", "none")
    if form == "none":
        agb = np.zeros_like(x)
    elif form == "constant":
        agb = np.full_like(x, draw(agb_spec["a"], rng))
    else:
        if "covariance" in agb_spec:
            a, b = rng.multivariate_normal([value(agb_spec["a"]), value(agb_spec["b"])], agb_spec["covariance"])
        else:
            a, b = draw(agb_spec["a"], rng), draw(agb_spec["b"], rng)
        with np.errstate(invalid="ignore"):
            agb = {"linear": lambda: a + b * x,
                   "power": lambda: a * np.power(x, b),
                   "exponential": lambda: a * np.exp(b * x),
                   "logarithmic": lambda: np.where(x > 0, a + b * np.log(np.where(x > 0, x, 1)), np.nan)}[form]()
        lo, hi = agb_spec.get("valid_range", [-np.inf, np.inf])
        agb = np.where((x >= lo) & (x <= hi), agb, np.nan)
    cl_lo, cl_hi = agb_spec.get("clamp", [0, np.inf])
    agb = np.clip(agb, cl_lo, cl_hi)
    if form not in ("none", "constant") and float(agb_spec.get("residual_sd", 0)) > 0:
        agb = np.clip(agb + rng.standard_normal(agb.shape) * float(agb_spec["residual_sd"]), cl_lo, cl_hi)
    steps = spec.get("root_to_shoot", {}).get("steps", [])
    ratio = np.zeros_like(agb)
    if steps:
        ratios = [draw(s["ratio"], rng) for s in steps]
        ratio = np.full_like(agb, ratios[-1])
        for s, r in reversed(list(zip(steps[:-1], ratios[:-1]))):
            ratio = np.where(agb < float(s["agb_below"]), r, ratio)
    cf = draw(spec.get("carbon_fraction", 0.47), rng)
    dead = draw(spec.get("dead_c", 0), rng)
    soil = draw(spec.get("soil_c", 0), rng)
    return cf * agb * (1 + ratio) + dead + soil


def main():
    stock, model_path, iterations = sys.argv[1], sys.argv[2], int(sys.argv[3])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    t0 = time.perf_counter()
    ds = gdal.Open(stock)
    band = {ds.GetRasterBand(k).GetDescription(): k for k in range(1, ds.RasterCount + 1)}
    read = lambda name: ds.GetRasterBand(band[name]).ReadAsArray().astype(np.float64).ravel()
    cls, x, c_map = read("ecosystem_class"), read("agb_input"), read("c_total")
    gt = ds.GetGeoTransform()
    ha = abs(gt[1] * gt[5]) / 1e4
    mapped = ~np.isnan(c_map)
    model = json.load(open(model_path))
    pixels = {int(spec["id"]): (spec, x[mapped & (cls == int(spec["id"]))]) for spec in model["classes"].values()}
    rng = np.random.default_rng(seed)
    totals = np.empty(iterations)
    for it in range(iterations):
        totals[it] = sum(np.nansum(class_carbon(spec, xs, rng)) for spec, xs in pixels.values()) * ha
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("%.6f,%.6f,%.6f,%.6f,%.6f,%.2f,%.0f" % (totals.mean(), totals.std(ddof=1), np.percentile(totals, 2.5),
                                                  np.percentile(totals, 97.5), np.nansum(c_map) * ha, seconds, peak))


if __name__ == "__main__":
    main()
