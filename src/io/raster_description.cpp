#include "io/raster_description.hpp"

#include "gdal/gdal_session.hpp"

#include <ogr_spatialref.h>

namespace sinkmap::io {

raster_description describe_raster(std::string const& path)
{
  auto ds = open_raster(path, "scene");
  raster_description d;
  d.path = path;
  d.driver = ds->GetDriver() ? ds->GetDriver()->GetDescription() : "";
  d.grid.width = ds->GetRasterXSize();
  d.grid.height = ds->GetRasterYSize();
  d.grid.has_geotransform = ds->GetGeoTransform(d.grid.geotransform.data()) == CE_None;
  take_gdal_error();
  if (auto const* srs = ds->GetSpatialRef()) {
    d.crs_name = srs->GetName() ? srs->GetName() : "";
    OGRSpatialReference copy(*srs);
    copy.AutoIdentifyEPSG();
    char const* auth = copy.GetAuthorityName(nullptr);
    char const* code = copy.GetAuthorityCode(nullptr);
    if (auth && code) d.crs_epsg = std::string(auth) + ":" + code;
    char* wkt = nullptr;
    if (srs->exportToWkt(&wkt) == OGRERR_NONE && wkt) d.grid.crs_wkt = wkt;
    CPLFree(wkt);
  }
  for (int b = 1; b <= ds->GetRasterCount(); ++b) {
    auto* band = ds->GetRasterBand(b);
    band_description bd;
    bd.number = b;
    bd.type = GDALGetDataTypeName(band->GetRasterDataType());
    bd.description = band->GetDescription();
    bd.color_interpretation = GDALGetColorInterpretationName(band->GetColorInterpretation());
    band->GetBlockSize(&bd.block_w, &bd.block_h);
    int ok = 0;
    bd.nodata = band->GetNoDataValue(&ok);
    bd.has_nodata = ok != 0;
    double const s = band->GetScale(&ok);
    if (ok) bd.scale = s;
    double const o = band->GetOffset(&ok);
    if (ok) bd.offset = o;
    d.bands.push_back(bd);
  }
  d.grid.block_w = d.bands.front().block_w;
  d.grid.block_h = d.bands.front().block_h;
  return d;
}

}  // namespace sinkmap::io
