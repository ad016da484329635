#include "present/scenario_files.hpp"

#include <fstream>

#include "core/error.hpp"
#include "core/files.hpp"
#include "present/scenario_text.hpp"
#include "render/quicklook.hpp"

namespace casco::present {
namespace {

namespace fs = std::filesystem;

void write_text(const fs::path& p, const std::string& text) {
  AtomicOutput out(p);
  {
    std::ofstream f(out.temp_path(), std::ios::binary);
    f << text;
    if (!f) fail("cannot write '{}'", p.string());
  }
  out.commit();
}

}  // namespace

void write_scenario(const Store& store, const scenario::ScenarioResult& r,
                    const std::vector<scenario::ZoneKindArea>& zones, const fs::path& dir) {
  fs::create_directories(dir);
  for (auto& [raster, name] :
       {std::pair<const Raster*, const char*>{&r.allocation, "allocatie.tif"},
        {&r.margin, "betwist.tif"}}) {
    AtomicOutput out(dir / name);
    write_geotiff(*raster, out.temp_path());
    out.commit();
  }
  write_text(dir / "claims.csv", claims_csv(r));
  write_text(dir / "gebieden.csv", zones_csv(r.kinds, zones));
  write_text(dir / "allocatie.json", scenario::allocation_json(store, r));
  QuicklookOptions with_areas;
  with_areas.class_areas = true;
  write_map(store, r.allocation, scenario::allocation_record(r), dir / "allocatie.png", with_areas);
  write_map(store, scenario::contested_raster(store, r), scenario::contested_record(r),
            dir / "betwist.png", with_areas);
}

}  // namespace casco::present
