#include "report/warning_translation.hpp"

#include <regex>
#include <utility>

namespace sinkmap::report {
namespace {

// Pattern syntax: {n} a number as the jobs print it, {} a name or path without ": ", {c} a class
// name (rendered through the model's name_zh), {*} any text (a reason or description the model
// or a file gives, kept as written). The Chinese form refers to the captures as {1}, {2}, ...
struct entry {
  std::string english, chinese;
};

// Sentences, as the jobs write them (the file that writes each is named).
std::vector<entry> const& sentences()
{
  static std::vector<entry> const s = {
    // jobs/carbon_inputs.cpp
    {"the map's centre (lon {n}, lat {n}) lies outside the region of model {} (lon {n}..{n}, lat {n}..{n}: {*}); its "
     "factors may not apply here",
     "地图中心（经度 {1}，纬度 {2}）位于模型 {3} 的适用区域（经度 {4}–{5}，纬度 {6}–{7}：{8}）之外，其参数可能不适用于此地"},
    {"model {} is deprecated: {*} ({n} known errors in {})", "模型 {1} 已弃用：{2}（{4} 中有 {3} 个已知错误）"},
    {"{n} pixels are class {c}, which the region of model {} does not have: {*}",
     "{1} 个像元属于 {2}，模型 {3} 的适用区域内没有该类：{4}"},
    {"--landcover: '{*}' has class(es) {*} for which model {} ({*}) has no parameters in this climate zone and age "
     "class: their pixels are unmapped (--unmapped-classes)",
     "--landcover：'{1}' 含有类别 {2}，模型 {3}（{4}）在该气候带和龄组下没有其参数：这些像元记为未制图（--unmapped-classes）"},
    {"climate zone map {}: {n} pixels lie in cells of codes {*} (pixels per code) that {} gives no zone of model {}: "
     "they get no carbon estimate (give --climate-zone or a finer --climate-zone-map there)",
     "气候带图 {1}：{2} 个像元位于代码为 {3}（括号内为各代码的像元数）的格网中，{4} 未将这些代码对应到模型 {5} 的任何气候带："
     "这些像元没有碳估算（请在该处使用 --climate-zone 或更细的 --climate-zone-map）"},
    // jobs/stock_job.cpp
    {"{n} of {n} pixels of class {c} have no carbon estimate (nodata in the map): {*}",
     "{3} 的 {2} 个像元中有 {1} 个没有碳估算（图中为无数据）：{4}"},
    // jobs/sink_job.cpp
    {"the land-cover maps of the two years come from different product versions ('{*}': {*}; '{*}': {*}): class changes "
     "between them may be artefacts of the product, not of the land",
     "两年的土地覆盖图来自不同的产品版本（'{1}'：{2}；'{3}'：{4}）：其间的类别变化可能来自产品差异，而非地表变化"},
    // jobs/montecarlo_job.cpp, jobs/accounting_montecarlo.cpp
    {"model {} is not the file '{*}' was made with (SHA-256 differs)", "模型 {1} 不是生成 '{2}' 时所用的文件（SHA-256 不同）"},
    {"model {} ({*}) gives no uncertainty for any number: every iteration equals the deterministic map",
     "模型 {1}（{2}）没有为任何参数给出不确定性：每次迭代都等于确定性地图"},
    {"{n} pixel-iterations had no value (a drawn class without parameters there, or an index outside its model's range); "
     "those iterations' totals lack them",
     "{1} 个像元迭代没有值（抽到的类别在该处没有参数，或指数超出其模型的取值范围）；这些迭代的合计不含它们"},
    {"{n} pixels but no Monte Carlo total (none of them gave a value in any iteration)",
     "有 {1} 个像元，但没有蒙特卡洛合计（任何一次迭代中都没有值）"},
    {"the Monte Carlo mean {n} differs from the deterministic total {n} by {n} % (more than 3 standard errors): skewed or "
     "clipped draws (a residual at the model's bounds, a wide normal cut at zero) move the mean; report the "
     "deterministic total with the interval, or review the distributions",
     "蒙特卡洛均值 {1} 与确定性合计 {2} 相差 {3}%（超过 3 个标准误）：偏斜或截断的抽样（模型边界处的残差、在零处截断的宽正态分布）"
     "会使均值偏移；请报告确定性合计及其区间，或检查参数分布"},
    {"the first year's stock map has no agb_input band: imagery biomass is not redrawn",
     "第一年的储量图没有 agb_input 波段：影像估算的生物量未重新抽样"},
    {"{n} pixel-iterations had no start stock under their draw (a class without parameters there)",
     "{1} 个像元迭代在其抽样下没有初始储量（该处的类别没有参数）"},
    // jobs/run_job.cpp
    {"the Monte Carlo mean sink {n} Mg C/yr differs from the deterministic {n} by more than 3 standard errors: skewed or "
     "clipped draws (a wide normal cut at zero, growth capped at the mature stock) move it; report the deterministic "
     "sink with the interval, or review the model's distributions",
     "蒙特卡洛碳汇均值 {1} 吨碳/年与确定性值 {2} 相差超过 3 个标准误：偏斜或截断的抽样（在零处截断的宽正态分布、生长在成熟林储量处封顶）"
     "会使其偏移；请报告确定性碳汇及其区间，或检查模型的参数分布"},
    {"{n} of {n} m3 of wood removals not booked (the forest there holds less biomass, or its class has no BCEF in the "
     "model)",
     "{2} 立方米木材采伐中有 {1} 立方米未记账（该处森林的生物量不足，或其类别在模型中没有 BCEF）"},
    {"{n} ha of forest whose class has no growth rate in the model: no growth booked there",
     "{1} 公顷森林的类别在模型中没有生长率：该处未记入生长"},
    {"{n} ha inside its polygons are not forest on the {n} land-cover map (they keep the map's class; per zone in "
     "run.json forest_inventory.agreement)",
     "其小班内有 {1} 公顷在 {2} 年土地覆盖图上不是森林（保留地图的类别；各区域见 run.json 的 forest_inventory.agreement）"},
    // The published period is two years, so a region's own parentheses stay in its name.
    {"forest biomass carbon density {n}: {n} Mg C/ha in the map, {n} Mg C/ha in {} ({n}-{n}): ratio {n}, outside "
     "{n}-{n}: the map and the forest inventory disagree",
     "{1} 年森林生物量碳密度：图中 {2} 吨碳/公顷，{4}（{5}–{6} 年）为 {3} 吨碳/公顷，比值 {7}，超出 {8}–{9}：地图与森林资源清查结果不一致"},
    {"forest biomass carbon density {n}: {n} Mg C/ha in the map, {n} Mg C/ha in {} ({n}-{n}): ratio {n}",
     "{1} 年森林生物量碳密度：图中 {2} 吨碳/公顷，{4}（{5}–{6} 年）为 {3} 吨碳/公顷，比值 {7}"},
    {"forest biomass sink {n}-{n}: {n} Mg C/ha/yr in the map, {n} Mg C/ha/yr in {} ({n}-{n}): ratio {n}, outside "
     "{n}-{n}: the map and the forest inventory disagree",
     "{1}–{2} 年森林生物量碳汇：图中 {3} 吨碳/公顷/年，{5}（{6}–{7} 年）为 {4} 吨碳/公顷/年，比值 {8}，超出 {9}–{10}：地图与森林资源清查结果不一致"},
    {"forest biomass sink {n}-{n}: {n} Mg C/ha/yr in the map, {n} Mg C/ha/yr in {} ({n}-{n}): ratio {n}",
     "{1}–{2} 年森林生物量碳汇：图中 {3} 吨碳/公顷/年，{5}（{6}–{7} 年）为 {4} 吨碳/公顷/年，比值 {8}"},
    {"sink_method = '{}' applies to `sinkmap sink`; a run books its sinks through the yearly carbon accounting (previous "
     "stock plus the year's fluxes)",
     "sink_method = '{1}' 只用于 `sinkmap sink`；run 通过逐年碳核算（上年储量加当年通量）计算碳汇"},
    {"trend = true needs 3 or more years; this run has {n}", "trend = true 需要 3 年或以上的数据；本次运行只有 {1} 年"},
    {"{n} pixels are nodata in a year's map or hold a code the biophysical table lacks: no values there",
     "{1} 个像元在某年的地图中为无数据，或其代码不在生物物理参数表中：这些像元无值"},
    // inventory/zonal_inventory.cpp
    {"zone '{}' is only {n} % mapped ({n} of {n} ha; {n} ha nodata in the map, {n} ha outside it): its totals cover part "
     "of the zone",
     "区域 '{1}' 仅 {2}% 有制图（{4} 公顷中的 {3} 公顷；图中无数据 {5} 公顷，图外 {6} 公顷）：其合计只覆盖该区域的一部分"},
    {"zone '{}' is {n} % mapped in one year and {n} % in the other: the stock totals compare different areas (the sink "
     "map itself uses only pixels mapped in both years)",
     "区域 '{1}' 一年有 {2}% 有制图，另一年为 {3}%：两年的碳储量合计比较的是不同面积（碳汇图本身只使用两年都有制图的像元）"},
    // inventory/wetland_area.cpp
    {"wetland area of zone '{}' changed from {n} ha ({n}) to {n} ha ({n}), {n} % of the larger: flooding, a dry year or "
     "map noise can do this; check before reporting it as a land-use change",
     "区域 '{1}' 的湿地面积由 {2} 公顷（{3} 年）变为 {4} 公顷（{5} 年），为较大值的 {6}%：洪水、干旱年份或制图噪声都可能造成这种变化；"
     "作为土地利用变化上报前请核实"},
    // jobs/wood_removals.cpp
    {"zone {} year {n} is outside the years this run books ({n} to {n}): not used",
     "区域 {1} 的 {2} 年不在本次运行记账的年份内（{3}–{4} 年）：未使用"},
    {"{n} m3 of removals but no forest that stays forest there: not booked", "有 {1} 立方米采伐量，但该处没有保持为林地的森林：未记账"},
    // io/zones.cpp
    {"'{*}' has {n} layers ({*}); the first, '{*}', is used", "'{1}' 有 {2} 个图层（{3}）；使用第一个图层 '{4}'"},
    {"'{*}' and '{*}' of '{*}' overlap; a pixel there counts in one of them only (the later feature)",
     "'{3}' 中的 '{1}' 与 '{2}' 重叠；重叠处的像元只计入其中一个（后一个要素）"},
  };
  return s;
}

// Places a warning names before its sentence ("year 2008, accounting: ...").
std::vector<entry> const& places()
{
  static std::vector<entry> const p = {
    {"year {n}", "{1} 年"},
    {"year {n} stock", "{1} 年碳储量"},
    {"year {n} uncertainty", "{1} 年不确定性"},
    {"sink {n}-{n}", "{1}–{2} 年碳汇"},
    {"accounting", "碳核算"},
    {"uncertainty", "不确定性"},
    {"harvest", "采伐统计"},
    {"coastal blue carbon", "滨海蓝碳"},
    {"zones", "统计区域"},
    {"forest inventory {*}", "森林资源清查 {1}"},
    {"zone {*} map {n}", "区域 {1}（{2} 年地图）"},
    {"zone {*}", "区域 {1}"},
    {"class {c}", "{1}"},
  };
  return p;
}

struct compiled {
  std::regex re;
  std::vector<bool> is_class;  ///< per capture: a class name
  std::string chinese;
};

std::vector<compiled> compile(std::vector<entry> const& entries)
{
  std::vector<compiled> out;
  for (auto const& e : entries) {
    std::string re = "^";
    std::vector<bool> cls;
    std::string const& s = e.english;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '{') {
        std::size_t const close = s.find('}', i);
        std::string const kind = s.substr(i + 1, close - i - 1);
        if (kind == "n") re += "(-?[0-9]+(?:\\.[0-9]+)?(?:e[-+]?[0-9]+)?|-?nan|-?inf)";
        else if (kind == "*") re += "([\\s\\S]*?)";
        else re += "((?:(?!: )[\\s\\S])+?)";  // a name: anything without ": "
        cls.push_back(kind == "c");
        i = close;
        continue;
      }
      if (std::string("\\^$.|?*+()[]{}").find(s[i]) != std::string::npos) re += '\\';
      re += s[i];
    }
    out.push_back({std::regex(re + "$"), cls, e.chinese});
  }
  return out;
}

bool fill(std::vector<compiled> const& table, std::string const& s, report_language const& lang, std::string& out)
{
  std::smatch m;
  for (auto const& c : table) {
    if (!std::regex_match(s, m, c.re)) continue;
    out.clear();
    std::string const& z = c.chinese;
    for (std::size_t i = 0; i < z.size(); ++i) {
      if (z[i] == '{') {
        std::size_t const close = z.find('}', i);
        std::size_t const k = std::stoul(z.substr(i + 1, close - i - 1));
        std::string const v = m[k].str();
        auto const known = lang.texts_zh.find(v);  // a region's description, say
        out += k - 1 < c.is_class.size() && c.is_class[k - 1] ? lang.class_name(v)
               : known != lang.texts_zh.end()                 ? known->second
                                                              : v;
        i = close;
        continue;
      }
      out += z[i];
    }
    return true;
  }
  return false;
}

/// A place with English words in it that the catalogue does not know (a name or path has none,
/// or is quoted).
bool english_words(std::string const& s)
{
  if (s.find(' ') == std::string::npos || s.front() == '\'') return false;
  int letters = 0;
  for (char ch : s) letters += (ch >= 'a' && ch <= 'z') ? 1 : 0;
  return letters >= 3;
}

translated_text translate(std::string const& s, report_language const& lang, int depth)
{
  static auto const sentence = compile(sentences());
  static auto const place = compile(places());
  translated_text t;
  if (fill(sentence, s, lang, t.text)) return t;
  std::size_t const colon = s.find(": ");
  if (colon == std::string::npos || depth > 8) return {s, false};
  // "where, where: rest": each place, then the rest.
  std::string const head = s.substr(0, colon);
  std::string heads;
  for (std::size_t a = 0; a <= head.size();) {
    std::size_t b = head.find(", ", a);
    if (b == std::string::npos) b = head.size();
    std::string const token = head.substr(a, b - a), sep = heads.empty() ? "" : "、";
    std::string zh;
    if (fill(place, token, lang, zh)) heads += sep + zh;
    else {
      heads += sep + token;
      t.complete = t.complete && !english_words(token);
    }
    a = b + 2;
  }
  translated_text const rest = translate(s.substr(colon + 2), lang, depth + 1);
  return {heads + "：" + rest.text, t.complete && rest.complete};
}

}  // namespace

translated_text warning_in_chinese(std::string const& english, report_language const& lang)
{
  return translate(english, lang, 0);
}

std::vector<std::string> warning_catalogue_patterns()
{
  std::vector<std::string> out;
  for (auto const& e : sentences()) out.push_back(e.english);
  return out;
}

}  // namespace sinkmap::report
