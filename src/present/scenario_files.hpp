#pragma once
// The files of an allocation (casco allocate -o DIR): rasters, tables, the record `casco compare`
// reads, and the maps. Presentation: the computing is src/scenario.
#include <filesystem>
#include <vector>

#include "model/store.hpp"
#include "scenario/scenario.hpp"

namespace casco::present {

// Writes DIR/allocatie.tif (kind + 1 per cell), betwist.tif (margin), allocatie.png, betwist.png,
// claims.csv, gebieden.csv and allocatie.json (what `casco compare` reads), each atomically.
void write_scenario(const Store& store, const scenario::ScenarioResult& r,
                    const std::vector<scenario::ZoneKindArea>& zones,
                    const std::filesystem::path& dir);

}  // namespace casco::present
