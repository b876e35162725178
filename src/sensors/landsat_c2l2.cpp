// Landsat 4-9 Collection 2 Level-2 products: band files, surface-reflectance scaling and the
// QA layers, from the MTL (txt, xml or json). QA_PIXEL bit layout: Landsat 8-9 / 4-7 Collection 2
// Level-2 Science Product Guides (LSDS-1619 / LSDS-1618), table "Pixel Quality Assessment".
#include "core/error.hpp"
#include "core/text.hpp"
#include "sensors/metadata_map.hpp"
#include "sensors/product.hpp"

#include <filesystem>
#include <map>

namespace sinkmap::sensors {
namespace {

namespace fs = std::filesystem;

// The MTL of a product folder or the MTL file itself; nullopt if `path` is neither.
std::optional<std::string> find_mtl(std::string const& path)
{
  for (auto const* ext : {"_MTL.txt", "_MTL.xml", "_MTL.json"})
    if (ends_with(path, ext)) return path;
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return std::nullopt;
  for (auto const* ext : {"_MTL.txt", "_MTL.json", "_MTL.xml"})
    for (auto const& e : fs::directory_iterator(path, ec))
      if (ends_with(e.path().filename().string(), ext)) return e.path().string();
  return std::nullopt;
}

// Band number -> role. OLI (Landsat 8-9) has a coastal band 1; TM/ETM+ (4-7) start at blue.
std::map<int, band_role> roles_for(std::string const& spacecraft)
{
  if (spacecraft == "LANDSAT_8" || spacecraft == "LANDSAT_9")
    return {{1, band_role::coastal}, {2, band_role::blue}, {3, band_role::green},
            {4, band_role::red},     {5, band_role::nir},  {6, band_role::swir1},
            {7, band_role::swir2}};
  return {{1, band_role::blue},  {2, band_role::green}, {3, band_role::red},
          {4, band_role::nir},   {5, band_role::swir1}, {7, band_role::swir2}};
}

std::string existing_file(fs::path const& dir, std::string const& name, std::string const& field,
                          std::string const& mtl)
{
  fs::path const p = dir / name;
  SINKMAP_EXPECTS(fs::exists(p), bad_input,
                  "product band file missing: '" + p.string() + "' (" + field + " in " + mtl + ")");
  return p.string();
}

}  // namespace

quality_layer landsat_qa_pixel(std::string const& file)
{
  return {"QA_PIXEL",
          file,
          false,
          {{"fill", 1u << 0},
           {"dilated", 1u << 1},
           {"cirrus", 1u << 2},
           {"cloud", 1u << 3},
           {"shadow", 1u << 4},
           {"snow", 1u << 5}}};
}

quality_layer landsat_qa_radsat(std::string const& file, std::uint32_t saturated_bits)
{
  return {"QA_RADSAT", file, false, {{"saturated", saturated_bits}}};
}

std::optional<product> open_landsat_c2l2(std::string const& path)
{
  auto const mtl_path = find_mtl(path);
  if (!mtl_path) return std::nullopt;
  metadata_map const m = read_mtl(*mtl_path);
  fs::path const dir = fs::path(*mtl_path).parent_path();

  product p;
  p.metadata_file = *mtl_path;
  p.kind = "Landsat Collection 2 Level-2";
  p.platform = m.text("IMAGE_ATTRIBUTES.SPACECRAFT_ID");
  p.sensor = m.text("IMAGE_ATTRIBUTES.SENSOR_ID");
  p.date = m.text("IMAGE_ATTRIBUTES.DATE_ACQUIRED");
  std::string const level = m.text("PRODUCT_CONTENTS.PROCESSING_LEVEL");
  SINKMAP_EXPECTS(level.rfind("L2", 0) == 0, bad_input,
                  *mtl_path + ": field PRODUCT_CONTENTS.PROCESSING_LEVEL is '" + level +
                    "'; sinkmap reads Level-2 surface reflectance (L2SP or L2SR)");

  std::uint32_t radsat_bits = 0;
  for (auto const& [n, role] : roles_for(p.platform)) {
    std::string const b = std::to_string(n);
    std::string const field = "PRODUCT_CONTENTS.FILE_NAME_BAND_" + b;
    product_band band;
    band.role = role;
    band.name = "SR_B" + b;
    band.file = existing_file(dir, m.text(field), field, *mtl_path);
    band.scale = m.number("LEVEL2_SURFACE_REFLECTANCE_PARAMETERS.REFLECTANCE_MULT_BAND_" + b);
    band.offset = m.number("LEVEL2_SURFACE_REFLECTANCE_PARAMETERS.REFLECTANCE_ADD_BAND_" + b);
    band.has_nodata = true;
    band.nodata = 0;  // fill
    p.bands.push_back(band);
    radsat_bits |= 1u << (n - 1);  // QA_RADSAT bit n-1: band n saturated
  }

  p.quality.push_back(landsat_qa_pixel(existing_file(dir, m.text("PRODUCT_CONTENTS.FILE_NAME_QUALITY_L1_PIXEL"),
                                                    "PRODUCT_CONTENTS.FILE_NAME_QUALITY_L1_PIXEL", *mtl_path)));
  std::string const radsat_field = "PRODUCT_CONTENTS.FILE_NAME_QUALITY_L1_RADIOMETRIC_SATURATION";
  p.quality.push_back(
    landsat_qa_radsat(existing_file(dir, m.text(radsat_field), radsat_field, *mtl_path), radsat_bits));
  return p;
}

}  // namespace sinkmap::sensors
