#include "rules/assess.hpp"

#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogr_api.h>
#include <ogrsf_frmts.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <array>
#include <atomic>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/crs.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/json_text.hpp"
#include "model/rasterize.hpp"
#include "model/stats.hpp"

namespace casco::rules {
namespace {

std::string field_text(const OGRFeature& f, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    int i = f.GetDefnRef()->GetFieldIndex(n);
    if (i >= 0 && f.IsFieldSetAndNotNull(i)) return f.GetFieldAsString(i);
  }
  return {};
}

std::unique_ptr<OGRGeometry> polygonal_part(const OGRGeometry& g) {
  auto t = wkbFlatten(g.getGeometryType());
  if (t == wkbPolygon || t == wkbMultiPolygon) return std::unique_ptr<OGRGeometry>(g.clone());
  auto mp = std::make_unique<OGRMultiPolygon>();
  if (t == wkbGeometryCollection)
    for (const auto* sub : *g.toGeometryCollection()) {
      auto st = wkbFlatten(sub->getGeometryType());
      if (st == wkbPolygon)
        mp->addGeometry(sub);
      else if (st == wkbMultiPolygon)
        for (const auto* p : *sub->toMultiPolygon()) mp->addGeometry(p);
    }
  return mp;
}

double area_of(const OGRGeometry& g) {
  return OGR_G_Area(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&g)));
}

std::unique_ptr<OGRGeometry> study_area(const Store& store) {
  auto ds = store.open_vectors();
  OGRLayer* l = ds->GetLayerByName("v_studiegebied");
  if (!l)
    fail("store '{}' has no study area table (v_studiegebied): rebuild it", store.path().string());
  auto u = std::make_unique<OGRMultiPolygon>();
  for (auto& f : *l)
    if (const OGRGeometry* g = f->GetGeometryRef()) {
      auto p = polygonal_part(*g);
      if (wkbFlatten(p->getGeometryType()) == wkbPolygon)
        u->addGeometry(p.get());
      else
        for (const auto* q : *p->toMultiPolygon()) u->addGeometry(q);
    }
  return u;
}

// A byte mask on a window grid turned into polygons (GDAL polygonize), then cut by the plan.
std::unique_ptr<OGRGeometry> mask_to_geometry(const Grid& w, const std::vector<uint8_t>& mask,
                                              const OGRGeometry& plan,
                                              const OGRSpatialReference& srs) {
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDatasetUniquePtr ds(mem->Create("", w.cols, w.rows, 1, GDT_Byte, nullptr));
  auto gt = w.geotransform();
  ds->SetGeoTransform(gt.data());
  GDALRasterBand* band = ds->GetRasterBand(1);
  if (band->RasterIO(GF_Write, 0, 0, w.cols, w.rows, const_cast<uint8_t*>(mask.data()), w.cols,
                     w.rows, GDT_Byte, 0, 0) != CE_None)
    fail("cannot polygonize: {}", CPLGetLastErrorMsg());
  GDALDriver* memv = GetGDALDriverManager()->GetDriverByName("Memory");
  GDALDatasetUniquePtr vds(memv->Create("", 0, 0, 0, GDT_Unknown, nullptr));
  OGRLayer* layer =
      vds->CreateLayer("hits", const_cast<OGRSpatialReference*>(&srs), wkbPolygon, nullptr);
  OGRFieldDefn fd("v", OFTInteger);
  layer->CreateField(&fd);
  if (GDALPolygonize(band, band, layer, 0, nullptr, nullptr, nullptr) != CE_None)
    fail("cannot polygonize: {}", CPLGetLastErrorMsg());
  OGRMultiPolygon cells;
  for (auto& f : *layer)
    if (f->GetGeometryRef()) cells.addGeometry(f->GetGeometryRef());
  if (cells.IsEmpty()) return nullptr;
  std::unique_ptr<OGRGeometry> merged(cells.UnionCascaded());
  if (!merged) return nullptr;
  std::unique_ptr<OGRGeometry> part(merged->Intersection(&plan));
  if (!part || part->IsEmpty()) return nullptr;
  return polygonal_part(*part);
}

template <typename... Args>
[[noreturn]] void plan_fail(PlanProblem problem, const std::string& plan,
                            fmt::format_string<Args...> f, Args&&... args) {
  throw PlanError(problem, plan, fmt::format(f, std::forward<Args>(args)...));
}

std::string ha(double v) {
  return v >= 100  ? fmt::format("{:.0f}", v)
         : v >= 10 ? fmt::format("{:.1f}", v)
                   : fmt::format("{:.2f}", v);
}

}  // namespace

namespace {

// GDAL reads a GeoJSON "crs" member it cannot resolve as WGS84, the GeoJSON default; a plan that
// names a CRS must get that CRS or a clear error, so the member is checked here.
void check_geojson_crs(const std::filesystem::path& file, GDALDataset& ds) {
  if (!ds.GetDriver() || std::string(ds.GetDriver()->GetDescription()) != "GeoJSON") return;
  std::ifstream in(file, std::ios::binary);
  const nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  if (!doc.is_object() || !doc.contains("crs")) return;
  const nlohmann::json& crs = doc["crs"];
  const nlohmann::json* name = nullptr;
  if (crs.is_object() && crs.contains("properties") && crs["properties"].is_object() &&
      crs["properties"].contains("name") && crs["properties"]["name"].is_string())
    name = &crs["properties"]["name"];
  if (!name)
    fail(
        "'{}' has a \"crs\" member casco cannot read: write {{\"type\": \"name\", "
        "\"properties\": {{\"name\": \"EPSG:28992\"}}}} or leave it out for WGS84",
        file.string());
  const std::string text = name->get<std::string>();
  OGRSpatialReference declared;
  CPLPushErrorHandler(CPLQuietErrorHandler);
  const OGRErr err = declared.SetFromUserInput(text.c_str());
  CPLPopErrorHandler();
  if (err != OGRERR_NONE)
    fail(
        "'{}' declares the coordinate reference system '{}', which is unknown: save the plan in a "
        "known CRS (e.g. EPSG:28992 or WGS84)",
        file.string(), text);
}

}  // namespace

std::vector<Plan> read_plans(const std::filesystem::path& file, const Store& store,
                             const std::string& default_kind) {
  ensure_gdal_registered();
  if (!std::filesystem::exists(file)) fail("plan file '{}' does not exist", file.string());
  GDALDatasetUniquePtr ds(GDALDataset::Open(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!ds || ds->GetLayerCount() == 0)
    fail(
        "cannot read '{}' as a plan: use GeoJSON, GeoPackage or another vector format with "
        "polygons ({})",
        file.string(), CPLGetLastErrorMsg());
  check_geojson_crs(file, *ds);
  OGRLayer* layer = ds->GetLayer(0);
  OGRSpatialReference target =
      make_srs(store.grid().crs_wkt.empty() ? store.grid().crs : store.grid().crs_wkt, "store CRS");
  const OGRSpatialReference* declared = layer->GetSpatialRef();
  if (!declared)
    fail("'{}' declares no coordinate reference system: save it with one (e.g. EPSG:28992)",
         file.string());
  OGRSpatialReference src(*declared);
  src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  Transform ct = make_transform(src, target);
  std::string src_name = src.GetAuthorityCode(nullptr)
                             ? fmt::format("EPSG:{}", src.GetAuthorityCode(nullptr))
                             : src.GetName();
  auto study = study_area(store);

  std::vector<Plan> plans;
  int n = 0;
  for (auto& f : *layer) {
    ++n;
    Plan p;
    p.name = field_text(*f, {"naam", "name", "titel", "title", "plan", "id"});
    if (p.name.empty()) p.name = fmt::format("plan {}", n);
    std::string label = fmt::format("'{}': plan '{}' (feature {})", file.string(), p.name, n);
    p.kind = field_text(*f, {"kind", "soort"});
    if (p.kind.empty()) p.kind = default_kind;
    if (p.kind.empty())
      plan_fail(PlanProblem::NoKind, p.name,
                "{} has no kind of development: pass --kind or give the plan a 'kind' attribute",
                label);
    OGRGeometry* g = f->GetGeometryRef();
    if (!g || g->IsEmpty())
      plan_fail(PlanProblem::NoGeometry, p.name,
                "{} has no geometry: draw the plan area as a polygon", label);
    if (g->getDimension() != 2)
      plan_fail(PlanProblem::NotPolygon, p.name,
                "{} is a {}, not a polygon: a plan is an area; draw its outline as a polygon",
                label, g->getGeometryName());
    if (ct) {
      if (g->transform(ct.get()) != OGRERR_NONE)
        plan_fail(PlanProblem::CannotReproject, p.name, "{} cannot be reprojected from {}", label,
                  src_name);
      p.reprojected_from = src_name;
    }
    std::unique_ptr<OGRGeometry> geom(g->clone());
    if (!geom->IsValid()) {
      std::unique_ptr<OGRGeometry> fixed(geom->MakeValid());
      if (!fixed || fixed->IsEmpty())
        plan_fail(PlanProblem::CannotRepair, p.name,
                  "{} has a broken outline that cannot be repaired", label);
      geom = polygonal_part(*fixed);
      warn("{}: the outline crosses itself; repaired with GEOS MakeValid", label);
      p.notes.push_back("de omtrek snijdt zichzelf; hersteld (MakeValid)");
    }
    geom = polygonal_part(*geom);
    if (geom->IsEmpty() || area_of(*geom) <= 0)
      plan_fail(PlanProblem::NoArea, p.name, "{} has no area", label);
    if (!geom->Intersects(study.get())) {
      OGRPoint c;
      geom->Centroid(&c);
      plan_fail(
          PlanProblem::OutsideStudyArea, p.name,
          "{} lies outside the study area of the model (its centre is at {:.0f}, {:.0f} in {}): "
          "check the file's CRS "
          "and coordinates",
          label, c.getX(), c.getY(), store.grid().crs);
    }
    if (!study->Contains(geom.get())) {
      std::unique_ptr<OGRGeometry> inside(geom->Intersection(study.get()));
      double out_ha = (area_of(*geom) - (inside ? area_of(*inside) : 0)) / 10000.0;
      if (out_ha > 0.01)
        p.notes.push_back(
            fmt::format("{} ha van het plan ligt buiten het studiegebied", ha(out_ha)));
    }
    p.geometry = std::move(geom);
    plans.push_back(std::move(p));
  }
  if (plans.empty()) fail("'{}' holds no plan: it has no features", file.string());
  return plans;
}

Assessment assess(const Store& store, const CompiledRules& rules, const Plan& plan,
                  bool with_parts) {
  const Grid& g = store.grid();
  Assessment a;
  a.plan = plan.name;
  a.kind = rules.kind();
  a.notes = plan.notes;
  a.reprojected_from = plan.reprojected_from;
  a.crs = store.grid().crs;
  for (const auto& n : rules.notes()) a.notes.push_back(n);
  a.area_ha = area_of(*plan.geometry) / 10000.0;

  OGREnvelope e;
  plan.geometry->getEnvelope(&e);
  // The window of cells the plan touches (an outline may reach far beyond the grid).
  const int c0 = std::max(0, g.col_of(e.MinX)), r0 = std::max(0, g.row_of(e.MaxY));
  const int c1 = std::min(g.cols, Grid::clamp_cell(std::ceil(g.px(e.MaxX)), g.cols));
  const int r1 = std::min(g.rows, Grid::clamp_cell(std::ceil(g.py(e.MinY)), g.rows));
  a.results.resize(rules.rules().size());
  for (std::size_t i = 0; i < rules.rules().size(); ++i) a.results[i].rule = rules.rules()[i];
  if (c0 >= c1 || r0 >= r1) return a;

  Grid w = g;
  w.x0 = g.x0 + c0 * g.cell;
  w.y0 = g.y0 - r0 * g.cell;
  w.cols = c1 - c0;
  w.rows = r1 - r0;
  Raster cov =
      coverage(w, {to_pixel_shape(*plan.geometry, w)});  // exact share of each cell in the plan
  // Windows of the layers the rules read, in parallel (opening a GeoPackage table dominates).
  std::vector<Raster> layers(rules.layers().size());
  tbb::parallel_for(std::size_t{0}, layers.size(), [&](std::size_t i) {
    layers[i] = store.read_window(rules.layers()[i], c0, r0, w.cols, w.rows);
  });
  std::vector<const float*> ptrs;
  for (const auto& r : layers) ptrs.push_back(r.values.data());

  const std::size_t n = w.size();
  std::vector<float> hit(n), score(n, 0.0f);
  std::vector<uint8_t> forbidden(n, 0);
  double plan_cells = 0;
  for (float c : cov.values) plan_cells += c;
  for (std::size_t i = 0; i < rules.rules().size(); ++i) {
    const Rule& rule = *rules.rules()[i];
    rules.condition(i).evaluate(ptrs.data(), n, hit.data());
    double cells = 0;
    for (std::size_t k = 0; k < n; ++k)
      if (hit[k] != 0 && !std::isnan(hit[k])) {
        cells += cov.values[k];
        if (rule.is_score)
          score[k] += static_cast<float>(rule.score);
        else if (rule.verdict == Verdict::Verboden && cov.values[k] > 0)
          forbidden[k] = 1;
      }
    RuleResult& res = a.results[i];
    res.area_ha = cells * g.cell_area_ha();
    res.share = plan_cells > 0 ? cells / plan_cells : 0;
    if (res.area_ha > 0 && !rule.is_score) a.verdict = std::max(a.verdict, rule.verdict);
    if (with_parts && res.area_ha > 0) {
      std::vector<uint8_t> mask(n);
      for (std::size_t k = 0; k < n; ++k)
        mask[k] = (hit[k] != 0 && !std::isnan(hit[k]) && cov.values[k] > 0) ? 1 : 0;
      OGRSpatialReference srs = make_srs(g.crs_wkt.empty() ? g.crs : g.crs_wkt, "store CRS");
      res.part = mask_to_geometry(w, mask, *plan.geometry, srs);
    }
  }
  double weighted = 0;
  std::size_t contradictory = 0;
  for (std::size_t k = 0; k < n; ++k) {
    weighted += cov.values[k] * score[k];
    if (forbidden[k] && score[k] > 0) ++contradictory;
  }
  a.score = plan_cells > 0 ? weighted / plan_cells : 0;
  if (contradictory)
    a.notes.push_back(
        fmt::format("tegenstrijdig: {} cel(len) zijn verboden maar krijgen ook een positieve score",
                    contradictory));
  return a;
}

void write_parts(const std::vector<Assessment>& all, const Store& store,
                 const std::filesystem::path& out) {
  std::string ext = out.extension().string();
  const char* driver_name = ext == ".gpkg"                          ? "GPKG"
                            : (ext == ".geojson" || ext == ".json") ? "GeoJSON"
                                                                    : nullptr;
  if (!driver_name) fail("cannot tell the format of '{}': use .geojson or .gpkg", out.string());
  AtomicOutput file(out);
  GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver_name);
  GDALDatasetUniquePtr ds(drv->Create(file.temp_path().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) fail("cannot write '{}': {}", out.string(), CPLGetLastErrorMsg());
  OGRSpatialReference srs =
      make_srs(store.grid().crs_wkt.empty() ? store.grid().crs : store.grid().crs_wkt, "store CRS");
  OGRLayer* layer = ds->CreateLayer("toetsing", &srs, wkbMultiPolygon, nullptr);
  for (auto [name, type] :
       std::initializer_list<std::pair<const char*, OGRFieldType>>{{"plan", OFTString},
                                                                   {"kind", OFTString},
                                                                   {"rule", OFTString},
                                                                   {"title", OFTString},
                                                                   {"verdict", OFTString},
                                                                   {"area_ha", OFTReal},
                                                                   {"share", OFTReal},
                                                                   {"reason", OFTString}}) {
    OGRFieldDefn fd(name, type);
    layer->CreateField(&fd);
  }
  for (const auto& a : all)
    for (const auto& r : a.results) {
      if (!r.part) continue;
      OGRFeature f(layer->GetLayerDefn());
      f.SetField("plan", a.plan.c_str());
      f.SetField("kind", a.kind.c_str());
      f.SetField("rule", r.rule->id.c_str());
      f.SetField("title", r.rule->title.c_str());
      f.SetField("verdict", r.rule->is_score ? "score" : to_string(r.rule->verdict));
      f.SetField("area_ha", r.area_ha);
      f.SetField("share", r.share);
      f.SetField("reason", r.rule->reason.c_str());
      f.SetGeometry(
          std::unique_ptr<OGRGeometry>(OGRGeometryFactory::forceToMultiPolygon(r.part->clone()))
              .get());
      if (layer->CreateFeature(&f) != OGRERR_NONE)
        fail("cannot write '{}': {}", out.string(), CPLGetLastErrorMsg());
    }
  ds.reset();
  file.commit();
}

// ---------------------------------------------------------------- suitability

Suitability evaluate_suitability(const CompiledRules& rules,
                                 const std::vector<const Raster*>& layers, const Grid& g) {
  if (layers.size() != rules.layers().size())
    fail("evaluate_suitability: {} layers for {} slots", layers.size(), rules.layers().size());
  for (const Raster* r : layers)
    if (r->values.size() != g.size())
      fail("evaluate_suitability: a layer of {} cells on a grid of {}", r->values.size(), g.size());
  Suitability s;
  s.verdict = Raster(g, Raster::Uninitialized{});
  s.score = Raster(g, Raster::Uninitialized{});
  const std::size_t n = g.size();
  std::atomic<std::size_t> contradictory{0};
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, n, 1 << 15),
      [&](const tbb::blocked_range<std::size_t>& range) {
        const std::size_t off = range.begin(), len = range.size();
        std::vector<const float*> ptrs(layers.size());
        for (std::size_t i = 0; i < layers.size(); ++i) ptrs[i] = layers[i]->values.data() + off;
        float* verdict = s.verdict.values.data() + off;
        float* score = s.score.values.data() + off;
        std::fill(verdict, verdict + len, 0.0f);
        std::fill(score, score + len, 0.0f);
        std::vector<float> hit(len);
        for (std::size_t r = 0; r < rules.rules().size(); ++r) {
          const Rule& rule = *rules.rules()[r];
          rules.condition(r).evaluate(ptrs.data(), len, hit.data());
          if (rule.is_score) {
            const float sc = static_cast<float>(rule.score);
            for (std::size_t k = 0; k < len; ++k)
              score[k] += (hit[k] != 0.0f && hit[k] == hit[k]) ? sc : 0.0f;
          } else {
            const float v = static_cast<float>(rule.verdict);
            for (std::size_t k = 0; k < len; ++k)
              verdict[k] = (hit[k] != 0.0f && hit[k] == hit[k] && v > verdict[k]) ? v : verdict[k];
          }
        }
        std::size_t c = 0;
        for (std::size_t k = 0; k < len; ++k) c += verdict[k] == 4.0f && score[k] > 0;
        contradictory += c;
      });
  s.contradictory_cells = contradictory;
  return s;
}

Suitability suitability(const Store& store, const CompiledRules& rules) {
  std::vector<Raster> layers = store.read_all(rules.layers());
  if (rules.layers().empty())
    fail("the rules for '{}' read no model layer; there is nothing to map", rules.kind());
  std::vector<const Raster*> ptrs;
  for (const auto& r : layers) ptrs.push_back(&r);
  return evaluate_suitability(rules, ptrs, store.grid());
}

std::vector<ClassArea> class_areas(const Store& store, const Raster& verdict,
                                   const std::vector<std::string>& zone_layers) {
  std::vector<ClassArea> rows;
  for (const auto& zl : zone_layers) {
    const auto& zones = store.zones(zl);
    const auto ha = zone_class_hectares(verdict, store.read(zl), zones, 5);
    for (const auto& r : zones) {
      ClassArea c;
      c.zone_layer = zl;
      c.code = r.code;
      c.name = r.name;
      for (int k = 0; k < 5; ++k) {
        c.ha[k] = ha[static_cast<std::size_t>(r.zone)][static_cast<std::size_t>(k)];
        c.total_ha += c.ha[k];
      }
      rows.push_back(c);
    }
  }
  return rows;
}

std::string format_class_areas(const std::vector<ClassArea>& rows, const std::string& kind,
                               const std::string& format) {
  static const char* names[5] = {"vrij", "voorwaarde", "afstemming", "nee_tenzij", "verboden"};
  if (format == "json") {
    nlohmann::json j;
    j["kind"] = kind;
    auto& arr = j["zones"] = nlohmann::json::array();
    for (const auto& r : rows) {
      nlohmann::json z = {
          {"zones", r.zone_layer}, {"code", r.code}, {"name", r.name}, {"total_ha", r.total_ha}};
      for (int k = 0; k < 5; ++k) z["ha"][names[k]] = r.ha[k];
      arr.push_back(z);
    }
    return json_text(j, 2, "the assessment") + "\n";
  }
  std::string out;
  if (format == "csv") {
    out =
        "zones,code,name,vrij_ha,voorwaarde_ha,afstemming_ha,nee_tenzij_ha,verboden_ha,totaal_ha\n";
    for (const auto& r : rows)
      out += fmt::format("{},{},\"{}\",{:.2f},{:.2f},{:.2f},{:.2f},{:.2f},{:.2f}\n", r.zone_layer,
                         r.code, r.name, r.ha[0], r.ha[1], r.ha[2], r.ha[3], r.ha[4], r.total_ha);
    return out;
  }
  std::string current;
  for (const auto& r : rows) {
    if (r.zone_layer != current) {
      current = r.zone_layer;
      out += fmt::format("\nGeschiktheid voor {}: hectare per klasse, per zone van '{}'\n", kind,
                         current);
      out += fmt::format("{:<28} {:>10} {:>11} {:>11} {:>11} {:>10} {:>10}\n", "naam", "vrij",
                         "voorwaarde", "afstemming", "nee,tenzij", "verboden", "totaal");
    }
    out +=
        fmt::format("{:<28} {:>10.0f} {:>11.0f} {:>11.0f} {:>11.0f} {:>10.0f} {:>10.0f}\n",
                    r.name.substr(0, 28), r.ha[0], r.ha[1], r.ha[2], r.ha[3], r.ha[4], r.total_ha);
  }
  return out;
}

}  // namespace casco::rules
