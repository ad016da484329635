#pragma once
// The kernenstructuur as people and programs read it: a table of the kernen by class with the
// reasons (text, CSV or JSON), and the places with their class and the kern areas as files.
#include <filesystem>
#include <string>

#include "access/kernen.hpp"

namespace casco::present {

// Why a place has its class, in words: "Stad want inwoners = 59.028, station = 1 (regel: …)".
std::string kern_reason(const access::PlaceResult& p);

std::string format_kernen(const access::KernenConfig& cfg, const access::KernenResult& r,
                          const std::string& format);
// Points with their class (.geojson or .gpkg); `areas` (optional) the kern areas as polygons.
void write_places(const access::KernenResult& r, const Store& store,
                  const std::filesystem::path& out, const std::filesystem::path& areas = {});

}  // namespace casco::present
