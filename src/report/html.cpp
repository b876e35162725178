#include "report/html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace sinkmap::report {

std::string escape_html(std::string const& s)
{
  std::string o;
  for (char c : s) {
    switch (c) {
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '&': o += "&amp;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;  // UTF-8 bytes pass through unchanged
    }
  }
  return o;
}

std::string number(double v, int digits)
{
  if (!std::isfinite(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string base64(std::string const& bytes)
{
  static char const* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned const v = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8 | (unsigned char)bytes[i + 2];
    out += t[v >> 18 & 63];
    out += t[v >> 12 & 63];
    out += t[v >> 6 & 63];
    out += t[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = (unsigned char)bytes[i] << 16;
    if (i + 1 < bytes.size()) v |= (unsigned char)bytes[i + 1] << 8;
    out += t[v >> 18 & 63];
    out += t[v >> 12 & 63];
    out += i + 1 < bytes.size() ? t[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::vector<double> nice_ticks(double lo, double hi, int count)
{
  std::vector<double> out;
  if (!(hi > lo) || count < 1) return out;
  double const raw = (hi - lo) / count;
  double const mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  for (double v = std::ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) out.push_back(std::abs(v) < 1e-12 * step ? 0.0 : v);
  return out;
}

std::string svg_bar_chart(bar_chart const& c)
{
  int const left = 80, right = 150, top = 30, bottom = 70;
  int const W = c.width, H = c.height, pw = W - left - right, ph = H - top - bottom;
  double lo = 0, hi = 0;
  for (auto const& b : c.bars) {
    double pos = 0, neg = 0;
    for (double v : b.values) (v >= 0 ? pos : neg) += std::isfinite(v) ? v : 0;
    lo = std::min({lo, neg, std::isfinite(b.lo) ? b.lo : 0.0});
    hi = std::max({hi, pos, std::isfinite(b.hi) ? b.hi : 0.0});
  }
  if (!(hi > lo)) hi = lo + 1;
  double const pad = 0.05 * (hi - lo);
  hi += pad;
  if (lo < 0) lo -= pad;
  auto Y = [&](double v) { return top + ph * (hi - v) / (hi - lo); };
  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H << "\" viewBox=\"0 0 " << W
    << " " << H << "\" font-family=\"sans-serif\" font-size=\"11\">";
  s << "<text x=\"" << left << "\" y=\"16\" font-size=\"13\" font-weight=\"bold\">" << escape_html(c.title) << "</text>";
  for (double t : nice_ticks(lo, hi, 5)) {
    s << "<line x1=\"" << left << "\" x2=\"" << left + pw << "\" y1=\"" << Y(t) << "\" y2=\"" << Y(t)
      << "\" stroke=\"#ddd\"/><text x=\"" << left - 6 << "\" y=\"" << Y(t) + 4 << "\" text-anchor=\"end\">"
      << number(t, std::abs(hi - lo) < 10 ? 2 : 0) << "</text>";
  }
  s << "<line x1=\"" << left << "\" x2=\"" << left + pw << "\" y1=\"" << Y(0) << "\" y2=\"" << Y(0) << "\" stroke=\"#333\"/>";
  s << "<text transform=\"translate(14," << top + ph / 2 << ") rotate(-90)\" text-anchor=\"middle\">"
    << escape_html(c.y_label) << "</text>";
  double const slot = c.bars.empty() ? pw : double(pw) / double(c.bars.size());
  double const bw = std::min(60.0, slot * 0.6);
  for (std::size_t i = 0; i < c.bars.size(); ++i) {
    auto const& b = c.bars[i];
    double const x = left + slot * (double(i) + 0.5);
    double pos = 0, neg = 0;
    for (std::size_t k = 0; k < b.values.size(); ++k) {
      double const v = std::isfinite(b.values[k]) ? b.values[k] : 0;
      double const from = v >= 0 ? pos : neg, to = from + v;
      (v >= 0 ? pos : neg) = to;
      std::string const colour = k < c.colours.size() ? c.colours[k] : "#4682b4";
      s << "<rect x=\"" << x - bw / 2 << "\" y=\"" << std::min(Y(from), Y(to)) << "\" width=\"" << bw
        << "\" height=\"" << std::abs(Y(to) - Y(from)) << "\" fill=\"" << colour << "\"><title>"
        << escape_html(b.label + (k < c.series.size() ? " " + c.series[k] : "")) << ": " << number(v, 1)
        << "</title></rect>";
    }
    if (std::isfinite(b.lo) && std::isfinite(b.hi))
      s << "<line x1=\"" << x << "\" x2=\"" << x << "\" y1=\"" << Y(b.lo) << "\" y2=\"" << Y(b.hi)
        << "\" stroke=\"#000\"/><line x1=\"" << x - 6 << "\" x2=\"" << x + 6 << "\" y1=\"" << Y(b.lo) << "\" y2=\""
        << Y(b.lo) << "\" stroke=\"#000\"/><line x1=\"" << x - 6 << "\" x2=\"" << x + 6 << "\" y1=\"" << Y(b.hi)
        << "\" y2=\"" << Y(b.hi) << "\" stroke=\"#000\"/>";
    s << "<text transform=\"translate(" << x << "," << top + ph + 14 << ") rotate(30)\">" << escape_html(b.label)
      << "</text>";
  }
  for (std::size_t k = 0; k < c.series.size(); ++k) {
    std::string const colour = k < c.colours.size() ? c.colours[k] : "#4682b4";
    double const y = top + 14.0 * double(k);
    s << "<rect x=\"" << left + pw + 12 << "\" y=\"" << y << "\" width=\"10\" height=\"10\" fill=\"" << colour
      << "\"/><text x=\"" << left + pw + 26 << "\" y=\"" << y + 9 << "\">" << escape_html(c.series[k]) << "</text>";
  }
  s << "</svg>";
  return s.str();
}

}  // namespace sinkmap::report
