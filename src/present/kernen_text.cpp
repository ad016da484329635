// The kernenstructuur as text, CSV, JSON and geodata (points and areas).
#include "present/kernen_text.hpp"

#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "access/kernen.hpp"
#include "core/crs.hpp"
#include "core/dutch.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/json_text.hpp"

namespace casco::present {

using namespace casco::access;
namespace {

std::string facilities_text(const PlaceResult& p) {
  std::string s;
  for (const auto& [kind, n] : p.facilities)
    if (n > 0) s += fmt::format("{}{} {}", s.empty() ? "" : ", ", n, kind);
  return s.empty() ? "geen voorzieningen" : s;
}

nlohmann::json number_or_null(double v) {
  return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v);
}

std::string csv_text(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string kern_reason(const PlaceResult& p) {
  if (!p.inside.empty()) return "ligt binnen de kern " + p.inside;
  if (p.reason_rule.empty()) return "geen klasse is van toepassing";
  std::string values;
  for (const auto& [name, v] : p.reason_values)
    values += fmt::format("{}{} = {}", values.empty() ? "" : ", ", name,
                          std::isnan(v) ? std::string("onbekend") : dutch_number(v, 0));
  return fmt::format("{} want {} (regel: {})", p.class_title, values.empty() ? "altijd" : values,
                     p.reason_rule);
}

std::string format_kernen(const KernenConfig& cfg, const KernenResult& r,
                          const std::string& format) {
  if (format == "json") {
    nlohmann::json j;
    j["name"] = cfg.name;
    j["inwoners_bron"] = {{"laag", r.population_layer}, {"titel", r.population_title}};
    for (const auto& p : r.places)
      j["places"].push_back({{"id", p.id},
                             {"name", p.name},
                             {"class", p.class_id},
                             {"title", p.class_title},
                             {"inwoners", p.population},
                             {"inwoners_bron_plaatsen", number_or_null(p.source_population)},
                             {"oppervlakte_ha", p.area_ha},
                             {"zone", p.zone},
                             {"binnen", p.inside},
                             {"voorzieningen", p.facilities},
                             {"reason", kern_reason(p)},
                             {"x", p.x},
                             {"y", p.y}});
    return json_text(j, 2, "the kernen table") + "\n";
  }
  if (format == "csv") {
    std::string o = "id,name,class,inwoners,oppervlakte_ha,binnen,voorzieningen,reason\n";
    for (const auto& p : r.places)
      o += fmt::format("{},{},{},{:.0f},{:.2f},{},{},{}\n", csv_text(p.id), csv_text(p.name),
                       p.class_id, p.population, p.area_ha, csv_text(p.inside),
                       csv_text(facilities_text(p)), csv_text(kern_reason(p)));
    return o;
  }
  std::map<std::string, int> counts;
  std::size_t kernen = 0;
  double people = 0;
  for (const auto& p : r.places)
    if (p.inside.empty()) {
      counts[p.class_title]++;
      ++kernen;
      people += p.population;
    }
  std::string o = fmt::format("{} — {} kernen\n", cfg.name, kernen);
  o += fmt::format(
      "Inwoners per kern: de laag '{}' ({}) opgeteld binnen het gebied van de kern; samen {} "
      "inwoners. Een kern is de aaneengesloten bebouwing rond het punt van de plaats ({}), "
      "gedeeld met buurkernen; een plaats zonder bebouwing in de buurt krijgt een cirkel van {} "
      "m.\n",
      r.population_layer, r.population_title, dutch_number(people, 0), cfg.areas.cells,
      dutch_number(cfg.areas.hamlet_radius_m, 0));
  if (!r.outline_layer.empty())
    o += fmt::format(
        "Kerngebieden uit '{}' ({}): een plaats binnen zo'n gebied krijgt het hele gebied ({} "
        "gebieden met een plaats, {} zonder); alleen plaatsen daarbuiten groeien over de "
        "bebouwing.\n",
        r.outline_layer, r.outline_title, dutch_number(static_cast<double>(r.outlines_used), 0),
        dutch_number(static_cast<double>(r.outlines_without_place), 0));
  if (r.unnamed_cells)
    o += fmt::format("Bebouwing zonder plaatsnaam in de buurt: {} ha met {} inwoners.\n",
                     dutch_number(static_cast<double>(r.unnamed_cells) * r.cell_ha, 0),
                     dutch_number(r.unnamed_people, 0));
  for (const auto& c : cfg.classes) o += fmt::format("  {:<32} {:>4}\n", c.title, counts[c.title]);
  std::string current;
  std::vector<const PlaceResult*> inside;
  for (const auto& p : r.places) {
    if (!p.inside.empty()) {
      inside.push_back(&p);
      continue;
    }
    if (p.class_title != current) {
      current = p.class_title;
      o += fmt::format("\n{}\n", current);
    }
    o += fmt::format("  {:<28} {:>8} inw. {:>6} ha  {} — {}\n", p.name,
                     dutch_number(p.population, 0), dutch_number(p.area_ha, 0), facilities_text(p),
                     kern_reason(p));
  }
  if (!inside.empty()) {
    o += fmt::format("\n{} plaatsen liggen binnen een andere kern:", inside.size());
    for (std::size_t k = 0; k < inside.size(); ++k)
      o += fmt::format("{} {} ({})", k ? "," : "", inside[k]->name, inside[k]->inside);
    o += "\n";
  }
  return o;
}

void write_places(const KernenResult& r, const Store& store, const std::filesystem::path& out,
                  const std::filesystem::path& areas) {
  auto driver_for = [](const std::filesystem::path& p) {
    std::string ext = p.extension().string();
    const char* name = ext == ".gpkg"                          ? "GPKG"
                       : (ext == ".geojson" || ext == ".json") ? "GeoJSON"
                                                               : nullptr;
    if (!name) fail("cannot tell the format of '{}': use .geojson or .gpkg", p.string());
    return GetGDALDriverManager()->GetDriverByName(name);
  };
  ensure_gdal_registered();
  OGRSpatialReference srs =
      make_srs(store.grid().crs_wkt.empty() ? store.grid().crs : store.grid().crs_wkt, "store CRS");
  auto add_fields = [](OGRLayer* l) {
    for (auto [name, type] :
         std::initializer_list<std::pair<const char*, OGRFieldType>>{{"naam", OFTString},
                                                                     {"klasse", OFTString},
                                                                     {"titel", OFTString},
                                                                     {"inwoners", OFTReal},
                                                                     {"oppervlakte_ha", OFTReal},
                                                                     {"binnen", OFTString},
                                                                     {"voorzieningen", OFTString},
                                                                     {"reden", OFTString}}) {
      OGRFieldDefn fd(name, type);
      l->CreateField(&fd);
    }
  };
  auto set_fields = [](OGRFeature& f, const PlaceResult& p) {
    f.SetField("naam", p.name.c_str());
    f.SetField("klasse", p.class_id.c_str());
    f.SetField("titel", p.class_title.c_str());
    f.SetField("inwoners", std::round(p.population));
    f.SetField("oppervlakte_ha", p.area_ha);
    f.SetField("binnen", p.inside.c_str());
    f.SetField("voorzieningen", facilities_text(p).c_str());
    f.SetField("reden", kern_reason(p).c_str());
  };
  {
    AtomicOutput file(out);
    GDALDatasetUniquePtr ds(
        driver_for(out)->Create(file.temp_path().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!ds) fail("cannot write '{}': {}", out.string(), CPLGetLastErrorMsg());
    OGRLayer* l = ds->CreateLayer("kernen", &srs, wkbPoint, nullptr);
    add_fields(l);
    for (const auto& p : r.places) {
      OGRFeature f(l->GetLayerDefn());
      set_fields(f, p);
      OGRPoint pt(p.x, p.y);
      f.SetGeometry(&pt);
      if (l->CreateFeature(&f) != OGRERR_NONE) fail("cannot write '{}'", out.string());
    }
    ds.reset();
    file.commit();
  }
  if (areas.empty()) return;
  // The zones raster as polygons (GDAL polygonize), one feature per piece, with the kern's fields.
  const Grid& g = r.areas.grid;
  GDALDatasetUniquePtr mem(GetGDALDriverManager()->GetDriverByName("MEM")->Create(
      "", g.cols, g.rows, 1, GDT_Int32, nullptr));
  auto gt = g.geotransform();
  mem->SetGeoTransform(gt.data());
  std::vector<int32_t> zones(g.size());
  for (std::size_t i = 0; i < zones.size(); ++i) zones[i] = static_cast<int32_t>(r.areas.values[i]);
  GDALRasterBand* band = mem->GetRasterBand(1);
  if (band->RasterIO(GF_Write, 0, 0, g.cols, g.rows, zones.data(), g.cols, g.rows, GDT_Int32, 0,
                     0) != CE_None)
    fail("cannot polygonize the kern areas: {}", CPLGetLastErrorMsg());
  AtomicOutput file(areas);
  GDALDatasetUniquePtr ds(
      driver_for(areas)->Create(file.temp_path().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) fail("cannot write '{}': {}", areas.string(), CPLGetLastErrorMsg());
  OGRLayer* l = ds->CreateLayer("kerngebieden", &srs, wkbPolygon, nullptr);
  OGRFieldDefn zf("zone", OFTInteger);
  l->CreateField(&zf);
  add_fields(l);
  if (GDALPolygonize(band, band, l, 0, nullptr, nullptr, nullptr) != CE_None)
    fail("cannot polygonize the kern areas: {}", CPLGetLastErrorMsg());
  std::map<int, const PlaceResult*> by_zone;
  for (const auto& p : r.places)
    if (p.zone > 0) by_zone[p.zone] = &p;
  l->ResetReading();
  std::vector<OGRFeatureUniquePtr> features;
  for (auto& f : *l) features.emplace_back(f.release());
  for (auto& f : features) {
    auto it = by_zone.find(f->GetFieldAsInteger("zone"));
    if (it == by_zone.end()) continue;
    set_fields(*f, *it->second);
    if (l->SetFeature(f.get()) != OGRERR_NONE) fail("cannot write '{}'", areas.string());
  }
  ds.reset();
  file.commit();
}

}  // namespace casco::present
