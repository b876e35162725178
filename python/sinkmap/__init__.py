"""sinkmap: carbon stocks and sinks of forests and wetlands from satellite imagery.

The compiled module (_sinkmap, pybind11) runs the same per-pixel functors as the command line
on NumPy arrays, with the GIL released while it computes:

    import numpy as np, sinkmap
    ndvi = sinkmap.index("NDVI", red=red, nir=nir)      # float arrays in, float32 out, NaN nodata
    best = sinkmap.composite(stack, dates, roles=["red", "nir"], method="medoid")  # (obs, role, y, x)
    pools = sinkmap.stock(codes, model="north_china_2019", crosswalk="esa_worldcover",
                          transform=gt, crs=wkt)          # dict of pool arrays (Mg C/ha)
    manifest = sinkmap.run("data-samples/run-sample.toml")  # run.json as a dict
    cube = sinkmap.open_cube("out/run-sample/carbon_cube.nc")  # xarray.Dataset (needs xarray)

Bad arguments raise ValueError naming the argument (sinkmap.BadInput); a failed run raises
RuntimeError (sinkmap.RunFailure).
"""

import json as _json

from ._sinkmap import BadInput, RunFailure, composite, index, index_names, sink, stock
from ._sinkmap import run as _run

__all__ = ["BadInput", "RunFailure", "composite", "index", "index_names", "stock", "sink", "run", "open_cube"]


def run(config):
    """`sinkmap run CONFIG` (quiet); returns its run.json as a dict."""
    return _json.loads(_run(str(config)))


def open_cube(path):
    """The run's carbon_cube.nc (CF-1.8 NetCDF: x, y, time; c_total and the sinks) as an
    xarray.Dataset. Needs xarray with a NetCDF engine (netCDF4, h5netcdf or scipy)."""
    try:
        import xarray
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise ImportError("sinkmap.open_cube needs xarray (pip install xarray netCDF4, or "
                          "apt-get install python3-xarray python3-netcdf4)") from e
    return xarray.open_dataset(str(path), decode_coords="all")
