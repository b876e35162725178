#include "io/netcdf_cube.hpp"

#include "core/error.hpp"
#include "io/atomic_output.hpp"
#include "gdal/gdal_session.hpp"
#include "io/provenance.hpp"

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sinkmap::io {
namespace {

// Days since 1970-01-01 (proleptic Gregorian) of year-month-day.
double days_since_epoch(int y, int m, int d)
{
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  int const era = (y >= 0 ? y : y - 399) / 400;
  unsigned const yoe = unsigned(y - era * 400);
  unsigned const doy = unsigned((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  unsigned const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return double(era * 146097 + int(doe) - 719468);
}

void text_attribute(GDALIHasAttribute& obj, char const* name, std::string const& value)
{
  auto a = obj.CreateAttribute(name, {}, GDALExtendedDataType::CreateString());
  SINKMAP_EXPECTS(a && a->Write(value.c_str()), runtime_failure, std::string("cube attribute ") + name + gdal_reason());
}


std::shared_ptr<GDALMDArray> coordinate(GDALGroup& g, std::shared_ptr<GDALDimension> const& dim,
                                        std::vector<double> const& values)
{
  auto a = g.CreateMDArray(dim->GetName(), {dim}, GDALExtendedDataType::Create(GDT_Float64));
  SINKMAP_EXPECTS(a != nullptr, runtime_failure, "cube coordinate " + dim->GetName() + gdal_reason());
  GUInt64 const start = 0;
  size_t const count = values.size();
  SINKMAP_EXPECTS(a->Write(&start, &count, nullptr, nullptr, GDALExtendedDataType::Create(GDT_Float64), values.data()),
                  runtime_failure, "cube coordinate " + dim->GetName() + gdal_reason());
  dim->SetIndexingVariable(a);
  return a;
}

}  // namespace

netcdf_cube::netcdf_cube(std::string path, std::vector<int> const& years, raster_grid const& grid,
                         std::vector<cube_variable> const& variables)
  : path_(std::move(path)), width_(grid.width), height_(grid.height)
{
  init_gdal();
  temp_ = temp_path_for(path_);
  auto* drv = GetGDALDriverManager()->GetDriverByName("netCDF");
  SINKMAP_EXPECTS(drv != nullptr, runtime_failure, "cube: this GDAL has no netCDF driver");
  char const* const options[] = {"FORMAT=NC4", nullptr};
  ds_ = drv->CreateMultiDimensional(temp_.c_str(), nullptr, const_cast<char**>(options));
  SINKMAP_EXPECTS(ds_ != nullptr, bad_input, "cannot create cube '" + path_ + "'" + gdal_reason());
  try {
    auto root = ds_->GetRootGroup();
    text_attribute(*root, "Conventions", "CF-1.8");
    text_attribute(*root, "title", "sinkmap carbon stock and sink cube");
    text_attribute(*root, "source", sinkmap_version());
    if (auto const c = command_line(); !c.empty()) text_attribute(*root, "history", c);

    OGRSpatialReference srs;
    bool const geographic = !grid.crs_wkt.empty() && srs.importFromWkt(grid.crs_wkt.c_str()) == OGRERR_NONE &&
                            srs.IsGeographic();
    if (!grid.crs_wkt.empty()) srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    auto const& gt = grid.geotransform;
    auto dim_time = root->CreateDimension("time", GDAL_DIM_TYPE_TEMPORAL, "", years.size());
    auto dim_y = root->CreateDimension("y", GDAL_DIM_TYPE_HORIZONTAL_Y, "", std::size_t(height_));
    auto dim_x = root->CreateDimension("x", GDAL_DIM_TYPE_HORIZONTAL_X, "", std::size_t(width_));
    std::vector<double> xs(static_cast<std::size_t>(width_)), ys(static_cast<std::size_t>(height_)), ts;
    for (int i = 0; i < width_; ++i) xs[std::size_t(i)] = gt[0] + (i + 0.5) * gt[1];
    for (int j = 0; j < height_; ++j) ys[std::size_t(j)] = gt[3] + (j + 0.5) * gt[5];
    for (int y : years) ts.push_back(days_since_epoch(y, 7, 1));  // a year's map stands for mid-year
    auto vx = coordinate(*root, dim_x, xs);
    auto vy = coordinate(*root, dim_y, ys);
    auto vt = coordinate(*root, dim_time, ts);
    text_attribute(*vx, "standard_name", geographic ? "longitude" : "projection_x_coordinate");
    text_attribute(*vx, "units", geographic ? "degrees_east" : "m");
    text_attribute(*vx, "axis", "X");
    text_attribute(*vy, "standard_name", geographic ? "latitude" : "projection_y_coordinate");
    text_attribute(*vy, "units", geographic ? "degrees_north" : "m");
    text_attribute(*vy, "axis", "Y");
    text_attribute(*vt, "standard_name", "time");
    text_attribute(*vt, "units", "days since 1970-01-01");
    text_attribute(*vt, "calendar", "standard");
    text_attribute(*vt, "axis", "T");
    text_attribute(*vt, "comment", "1 July of each map's year");

    std::shared_ptr<GDALDimension> dim_period;
    bool const periods = years.size() > 1 &&
                         std::any_of(variables.begin(), variables.end(), [](auto const& v) { return v.per_period; });
    if (periods) {
      dim_period = root->CreateDimension("period", GDAL_DIM_TYPE_TEMPORAL, "", years.size() - 1);
      auto dim_nv = root->CreateDimension("nv", "", "", 2);
      std::vector<double> mid, bounds;
      for (std::size_t k = 0; k + 1 < years.size(); ++k) {
        mid.push_back(0.5 * (ts[k] + ts[k + 1]));
        bounds.push_back(ts[k]);
        bounds.push_back(ts[k + 1]);
      }
      auto vp = coordinate(*root, dim_period, mid);
      text_attribute(*vp, "standard_name", "time");
      text_attribute(*vp, "units", "days since 1970-01-01");
      text_attribute(*vp, "calendar", "standard");
      text_attribute(*vp, "bounds", "period_bounds");
      text_attribute(*vp, "comment", "the sink between the maps of consecutive years");
      auto vb = root->CreateMDArray("period_bounds", {dim_period, dim_nv}, GDALExtendedDataType::Create(GDT_Float64));
      GUInt64 const start[2] = {0, 0};
      size_t const count[2] = {years.size() - 1, 2};
      SINKMAP_EXPECTS(vb && vb->Write(start, count, nullptr, nullptr, GDALExtendedDataType::Create(GDT_Float64),
                                      bounds.data()),
                      runtime_failure, "cube period bounds" + gdal_reason());
    }
    for (auto const& v : variables) {
      if (v.per_period && !periods) continue;
      char const* const opts[] = {"COMPRESS=DEFLATE", "ZLEVEL=4", nullptr};
      auto a = root->CreateMDArray(v.name, {v.per_period ? dim_period : dim_time, dim_y, dim_x},
                                   GDALExtendedDataType::Create(GDT_Float32), const_cast<char**>(opts));
      SINKMAP_EXPECTS(a != nullptr, runtime_failure, "cube variable " + v.name + gdal_reason());
      a->SetNoDataValue(double(NAN));
      a->SetUnit(v.units);
      text_attribute(*a, "long_name", v.long_name);
      if (!grid.crs_wkt.empty()) a->SetSpatialRef(&srs);
      arrays_[v.name] = a;
    }
  } catch (...) {
    GDALClose(GDALDataset::ToHandle(ds_));
    ds_ = nullptr;
    VSIUnlink(temp_.c_str());
    throw;
  }
}

netcdf_cube::~netcdf_cube()
{
  arrays_.clear();
  if (ds_) GDALClose(GDALDataset::ToHandle(ds_));
  if (!committed_) VSIUnlink(temp_.c_str());
}

void netcdf_cube::write(std::string const& variable, int index, pipeline::window const& w, float const* values)
{
  std::lock_guard lock(mutex_);
  auto it = arrays_.find(variable);
  SINKMAP_EXPECTS(it != arrays_.end(), runtime_failure, "cube: no variable " + variable);
  GUInt64 const start[3] = {GUInt64(index), GUInt64(w.y), GUInt64(w.x)};
  size_t const count[3] = {1, size_t(w.h), size_t(w.w)};
  SINKMAP_EXPECTS(it->second->Write(start, count, nullptr, nullptr, GDALExtendedDataType::Create(GDT_Float32), values),
                  runtime_failure, "cannot write cube '" + path_ + "'" + gdal_reason());
}

void netcdf_cube::copy_from(std::string const& variable, int index, std::string const& raster, int band)
{
  GDALDatasetUniquePtr src(GDALDataset::Open(raster.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  SINKMAP_EXPECTS(src && src->GetRasterXSize() == width_ && src->GetRasterYSize() == height_, runtime_failure,
                  "cube: '" + raster + "' is not on the cube's grid");
  int const rows = std::max(1, int((std::size_t(32) << 20) / (std::size_t(width_) * 4)));
  std::vector<float> buf;
  for (int y = 0; y < height_; y += rows) {
    int const n = std::min(rows, height_ - y);
    buf.resize(std::size_t(width_) * n);
    SINKMAP_EXPECTS(src->GetRasterBand(band)->RasterIO(GF_Read, 0, y, width_, n, buf.data(), width_, n, GDT_Float32, 0,
                                                        0, nullptr) == CE_None,
                    runtime_failure, "cube: cannot read '" + raster + "'" + gdal_reason());
    write(variable, index, {0, y, width_, n}, buf.data());
  }
}

void netcdf_cube::commit()
{
  arrays_.clear();
  GDALClose(GDALDataset::ToHandle(ds_));
  ds_ = nullptr;
  SINKMAP_EXPECTS(take_gdal_error().empty(), runtime_failure, "cannot finish cube '" + path_ + "'");
  move_into_place(temp_, path_);
  committed_ = true;
}

}  // namespace sinkmap::io
