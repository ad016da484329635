#pragma once
// Internal to src/water: reading BRO groundwater XML as the BRO public REST API delivers it — a
// grondwaterstandonderzoek (GLD, dsgld/1.0: WaterML 2.0 time series of heads in m NAP, without
// coordinates) and a grondwatermonitoringsput (GMW, dsgmw/1.1: the well's position and per tube
// the tube top, screen and the ground level). wells.cpp joins each GLD to the tube of its GMW.
// The XML is parsed by expat, streaming (a sensor dossier of tens of MB is never held whole).
#include <filesystem>
#include <string>
#include <vector>

#include "water/groundwater.hpp"

namespace casco::water::bro {

struct Tube {
  std::string number;
  double tube_top = Well::kNaN, screen_top = Well::kNaN, screen_bottom = Well::kNaN;  // m NAP
};

// GMW_PO or GMW_PPO: the well as it is now (the dispatch gives current positions).
struct MonitoringWell {
  std::string id, file;
  std::string crs;  // of x, y: from the location's srsName, e.g. "EPSG:28992"
  double x = Well::kNaN, y = Well::kNaN;
  double ground = Well::kNaN;  // groundLevelPosition, m NAP (may be nil)
  std::vector<Tube> tubes;
};

// A reading that passed the per-reading checks, with its precedence within its day: regular
// readings of a fully assessed observation (3) over provisional (2) over other regular ones (1)
// over control measurements (0).
struct RankedReading {
  int day = 0;  // days since 1970-01-01, in Dutch winter time (UTC+1)
  double head = 0;
  int rank = 0;
};

// GLD_O: the readings of one tube.
struct LevelDossier {
  std::string id, file;
  std::string well, tube;  // monitoringPoint: GMW broId and tubeNumber
  std::vector<RankedReading> readings;
  std::size_t rows = 0;  // measurement points in the file
  Skipped skipped;       // missing (no value, censored, bad time), rejected, undecided
};

struct Document {
  enum Kind { None, Gld, Gmw } kind = None;
  LevelDossier gld;
  MonitoringWell gmw;
};

// True when `head` (the first bytes of a file) starts an XML document.
bool looks_like_xml(const std::string& head);

// True when `head` (the first few kB of an XML file) is a GMW dispatch (cheap, for looking up
// the wells next to a single GLD file without parsing every sibling).
bool looks_like_gmw(const std::string& head);

// Parses a BRO GLD or GMW dispatch. Throws casco::Error naming the file (and the line, for XML
// that is not well-formed) for anything else or for a GLD/GMW without what casco needs.
Document read_document(const std::filesystem::path& file);

// "2021-10-11T01:00:00+02:00" (or ...Z, or a date alone) → the day in Dutch winter time (UTC+1),
// as hydropandas and brodata also read GLD times. False when the text is not such a time.
bool parse_time_day(const std::string& s, int& day);

}  // namespace casco::water::bro
