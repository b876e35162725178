#include "io/quicklook.hpp"

#include "core/error.hpp"
#include "io/atomic_output.hpp"
#include "gdal/gdal_session.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

namespace sinkmap::io {
namespace {

std::string label(double v)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, std::abs(v) >= 100 ? "%.0f" : "%.3g", v);
  return buf;
}

// Blue (negative) - white (zero) - red (positive), as BGR.
cv::Vec3b diverging(double t)  // t in [-1, 1]
{
  t = std::clamp(t, -1.0, 1.0);
  auto const mix = [](double a, double b, double f) { return cv::saturate_cast<uchar>(a + (b - a) * f); };
  if (t < 0) return {255, mix(255, 60, -t), mix(255, 30, -t)};
  return {mix(255, 30, t), mix(255, 60, t), 255};
}

}  // namespace

void write_quicklook(std::string const& raster, int band, std::string const& png,
                     quicklook_style const& style)
{
  auto ds = open_raster(raster, "quicklook");
  int const w = ds->GetRasterXSize(), h = ds->GetRasterYSize();
  double const f = std::min(1.0, double(style.max_size) / std::max(w, h));
  int const qw = std::max(1, int(w * f)), qh = std::max(1, int(h * f));
  cv::Mat values(qh, qw, CV_32F);
  GDALRasterIOExtraArg arg;
  INIT_RASTERIO_EXTRA_ARG(arg);
  arg.eResampleAlg = GRIORA_Average;
  if (ds->GetRasterBand(band)->RasterIO(GF_Read, 0, 0, w, h, values.ptr<float>(), qw, qh,
                                        GDT_Float32, 0, 0, &arg) != CE_None)
    SINKMAP_FAIL(runtime_failure, "quicklook: cannot read '" + raster + "'" + gdal_reason());

  double lo = INFINITY, hi = -INFINITY;
  for (int y = 0; y < qh; ++y)
    for (int x = 0; x < qw; ++x) {
      float const v = values.at<float>(y, x);
      if (std::isnan(v)) continue;
      lo = std::min(lo, double(v));
      hi = std::max(hi, double(v));
    }
  if (!std::isfinite(lo)) lo = hi = 0;
  if (style.diverging) {
    double const m = std::max({std::abs(lo), std::abs(hi), 1e-9});
    lo = -m;
    hi = m;
  } else {
    lo = std::min(lo, 0.0);
    if (hi <= lo) hi = lo + 1;
  }

  // Map colours: viridis via OpenCV's colour map, or the diverging ramp.
  cv::Mat gray(qh, qw, CV_8U), map(qh, qw, CV_8UC3);
  for (int y = 0; y < qh; ++y)
    for (int x = 0; x < qw; ++x) {
      float const v = values.at<float>(y, x);
      gray.at<uchar>(y, x) = std::isnan(v) ? 0 : cv::saturate_cast<uchar>(255 * (v - lo) / (hi - lo));
    }
  cv::applyColorMap(gray, map, cv::COLORMAP_VIRIDIS);
  for (int y = 0; y < qh; ++y)
    for (int x = 0; x < qw; ++x) {
      float const v = values.at<float>(y, x);
      if (std::isnan(v)) map.at<cv::Vec3b>(y, x) = {220, 220, 220};
      else if (style.diverging) map.at<cv::Vec3b>(y, x) = diverging(v / hi);
    }

  // Canvas: title on top, map, legend bar on the right with its range and units.
  int const margin = 16, title_h = 40, legend_w = 110;
  cv::Mat canvas(qh + title_h + 2 * margin, qw + legend_w + 2 * margin, CV_8UC3, cv::Scalar(255, 255, 255));
  map.copyTo(canvas(cv::Rect(margin, title_h + margin, qw, qh)));
  cv::putText(canvas, style.title, {margin, 28}, cv::FONT_HERSHEY_SIMPLEX, 0.7, {0, 0, 0}, 2, cv::LINE_AA);
  int const bar_x = margin + qw + 16, bar_y = title_h + margin, bar_h = std::max(qh, 60);
  for (int i = 0; i < bar_h && bar_y + i < canvas.rows; ++i) {
    double const t = 1.0 - double(i) / std::max(bar_h - 1, 1);  // top = high
    cv::Vec3b c;
    if (style.diverging) {
      c = diverging(2 * t - 1);
    } else {
      cv::Mat one(1, 1, CV_8U, cv::Scalar(cv::saturate_cast<uchar>(255 * t))), rgb;
      cv::applyColorMap(one, rgb, cv::COLORMAP_VIRIDIS);
      c = rgb.at<cv::Vec3b>(0, 0);
    }
    cv::line(canvas, {bar_x, bar_y + i}, {bar_x + 18, bar_y + i}, cv::Scalar(c[0], c[1], c[2]));
  }
  cv::putText(canvas, label(hi), {bar_x + 22, bar_y + 10}, cv::FONT_HERSHEY_SIMPLEX, 0.4, {0, 0, 0}, 1, cv::LINE_AA);
  cv::putText(canvas, label(lo), {bar_x + 22, std::min(bar_y + bar_h, canvas.rows - 4)},
              cv::FONT_HERSHEY_SIMPLEX, 0.4, {0, 0, 0}, 1, cv::LINE_AA);
  cv::putText(canvas, style.units, {bar_x - 4, std::max(bar_y - 6, 12)}, cv::FONT_HERSHEY_SIMPLEX, 0.4,
              {0, 0, 0}, 1, cv::LINE_AA);

  std::string const tmp = temp_path_for(png);
  SINKMAP_EXPECTS(cv::imwrite(tmp, canvas), runtime_failure, "cannot write quicklook '" + png + "'");
  move_into_place(tmp, png);
}

}  // namespace sinkmap::io
