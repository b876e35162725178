#include "report/report_language.hpp"

#include "core/error.hpp"

namespace sinkmap::report {
namespace {

// Fixed text of the run report -> Simplified Chinese. Terms as Chinese carbon-sink reports write
// them: 碳储量 (carbon stock), 碳汇 (carbon sink), 吨碳 (Mg C), 吨二氧化碳当量 (t CO2e), 公顷 (ha).
std::map<std::string, std::string> const& zh()
{
  static std::map<std::string, std::string> const t = {
    {"Carbon stock and sink", "碳储量与碳汇"},
    {"Stocks in Mg C (t of carbon), sinks in Mg C per year, positive = uptake; CO<sub>2</sub> = C &times; 44/12.",
     "碳储量单位为吨碳（Mg C），碳汇单位为吨碳/年，正值为吸收；二氧化碳当量 = 碳 &times; 44/12（吨二氧化碳当量）。"},
    {"Intervals are 95 % Monte Carlo intervals (IPCC 2006 Vol. 1 Ch. 3, Approach 2).",
     "区间为蒙特卡洛 95% 置信区间（IPCC 2006 第1卷第3章，方法2）。"},
    {"Totals", "合计"},
    {"map", "项目"},
    {"total", "总量"},
    {"95 % interval", "95% 置信区间"},
    {"area (ha)", "面积（公顷）"},
    {"ha", "公顷"},
    {"CO<sub>2</sub>e (t)", "吨二氧化碳当量"},
    {"stock", "碳储量"},
    {"sink", "碳汇"},
    {"(Mg C)", "（吨碳）"},
    {"(Mg C/yr)", "（吨碳/年）"},
    {"Check against the forest inventory", "与森林资源清查统计的核对"},
    {"Warnings", "警告"},
    {"None.", "无。"},
    {"Maps", "地图"},
    {"Carbon stock", "碳储量"},
    {"Ecosystem classes", "生态系统类别"},
    {"Carbon sink", "碳汇"},
    {"(+ = uptake)", "（正值为吸收）"},
    {"Charts", "图表"},
    {"Total carbon stock by year and class", "各年份、各类别碳储量"},
    {"by zone", "（按分区）"},
    {"(bars: 95 % interval)", "（误差线：95% 置信区间）"},
    {"net sink", "净碳汇"},
    {"Mg C", "吨碳"},
    {"Mg C / yr", "吨碳/年"},
    {"Mg C/ha", "吨碳/公顷"},
    {"Mg C/ha/yr", "吨碳/公顷/年"},
    {"Ecosystems", "生态系统"},
    {"class", "类别"},
    {"carbon (Mg C)", "碳储量（吨碳）"},
    {"soil depth", "土壤深度"},
    {"not estimated", "未估算"},
    {"Soil carbon is measured to each class's own depth:", "土壤碳按各类别各自的深度计量："},
    {"Totals over classes of different depths add them as stated, and the inventories give the soil of each depth in its "
     "own column (soil_mgc_0_30cm, soil_mgc_0_100cm).",
     "不同深度类别的合计按上述深度相加，清单按深度分列土壤碳（soil_mgc_0_30cm、soil_mgc_0_100cm）。"},
    {"Wetlands that remain wetlands:", "保持为湿地的湿地："},
    {"Wetland area (ha)", "湿地面积（公顷）"},
    {"zone", "分区"},
    {"all zones", "全部分区"},
    {"Forest inventory and land cover (ha)", "森林资源调查与土地覆盖（公顷）"},
    {"Inside the inventory's polygons, forest pixels take the polygon's type, age and growing stock; polygon area the map "
     "does not call forest keeps the map's class; the map's forest outside every polygon keeps the land-cover defaults.",
     "在小班范围内，森林像元采用小班的林分类型、林龄和蓄积量；地图未判为森林的小班面积保留地图类别；小班以外的地图森林采用土地覆盖默认参数。"},
    {"forest in both", "两者均为森林"},
    {"inventory forest, not forest on the map", "调查为森林、地图非森林"},
    {"map forest outside the inventory", "调查范围外的地图森林"},
    {"Zones", "分区统计"},
    {"Stock (Mg C) and coverage", "碳储量（吨碳）与覆盖率"},
    {"mapped (last year)", "制图覆盖（末年）"},
    {"Sink", "碳汇"},
    {"gains", "增加"},
    {"losses", "减少"},
    {"net", "净碳汇"},
    {"IPCC category", "IPCC 土地类别"},
    {"biomass", "生物量"},
    {"dead organic matter", "死有机质"},
    {"soil", "土壤"},
    {"IPCC 2006 Vol. 4 land categories (Mg C/yr; X_to_Y: converted within the transition period). Net = biomass + dead "
     "organic matter + soil.",
     "IPCC 2006 第4卷土地类别（吨碳/年；“转为”：处于转换期内）。净碳汇 = 生物量 + 死有机质 + 土壤。"},
    {"Mass balance", "质量平衡"},
    {"change", "变化"},
    {"fluxes", "通量"},
    {"residual", "残差"},
    {"Class changes booked on", "已记入类别变化面积"},
    {"disturbances on", "干扰面积"},
    {"not booked (reverted)", "未记入（恢复原类别）"},
    {"still pending", "待确认"},
    {"from", "原类别"},
    {"to", "新类别"},
    {"sink (Mg C/yr)", "碳汇（吨碳/年）"},
    {"Class changes with the largest areas (all of them in the transitions CSV).", "面积最大的类别变化（全部见转换表 CSV）。"},
    {"Provenance", "数据来源"},
    {"Files", "文件"},
  };
  return t;
}

std::map<std::string, std::string> const& group_zh()
{
  static std::map<std::string, std::string> const g = {{"forest", "林地"},       {"grassland", "草地"},
                                                        {"cropland", "耕地"},     {"wetland", "湿地"},
                                                        {"settlement", "建设用地"}, {"other", "其他土地"}};
  return g;
}

}  // namespace

report_language::report_language(std::string code, std::string const& option) : code_(std::move(code))
{
  SINKMAP_EXPECTS(code_ == "en" || code_ == "zh", bad_input, option + ": '" + code_ + "': expected en or zh");
}

std::string report_language::tr(std::string const& english) const
{
  if (!chinese()) return english;
  auto const it = zh().find(english);
  return it == zh().end() ? english : it->second;
}

bool report_language::has_translation(std::string const& english) { return zh().count(english) > 0; }

std::string report_language::class_name(std::string const& cls) const
{
  if (!chinese()) return cls;
  auto const it = class_names_zh.find(cls);
  return it == class_names_zh.end() ? cls : it->second;
}

std::string report_language::category_name(std::string const& category) const
{
  if (!chinese()) return category;
  auto group = [](std::string const& g) {
    auto const it = group_zh().find(g);
    return it == group_zh().end() ? g : it->second;
  };
  if (auto const k = category.find("_remaining"); k != std::string::npos) {
    std::string const g = group(category.substr(0, k));
    return g + "保持" + g;
  }
  if (auto const k = category.find("_to_"); k != std::string::npos)
    return group(category.substr(0, k)) + "转为" + group(category.substr(k + 4));
  return group(category);
}

}  // namespace sinkmap::report
