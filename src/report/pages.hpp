#pragma once
// Internal to the report: one page's dictionaries for the templates, filled from the figures
// (page*.cpp, one file per section). No sentence is written here: the templates hold them.
#include <string>
#include <vector>

#include "report/config.hpp"
#include "report/figures.hpp"
#include "report/maps.hpp"
#include "report/templates.hpp"

namespace casco::report {

struct PageInput {
  const Figures* figures = nullptr;
  const Store* store = nullptr;
  const ReportConfig* config = nullptr;
  const ReportMaps* maps = nullptr;  // null: pages without maps
  std::vector<bool> written;         // per area: its page is written (links go only there)
  std::string date;                  // the report's date, as people read it
};

struct Page {
  const PageInput& in;
  std::size_t k = 0;  // the area of the page
  int figures = 0;    // maps numbered so far

  const Figures& f() const { return *in.figures; }
  const Area& area() const { return in.figures->areas[k]; }
  const LayerRecord& layer(const std::string& id) const { return in.store->layer(id); }
  // The section `name` in `parent` with the map `key` of this page (SRC, NUMBER, ALT_AREA and the
  // include LEGEND); null when the map was not drawn.
  Dict* map(Dict& parent, const std::string& key, const std::string& name = "MAP");
  // How a layer is named in a sentence (report.toml [layers]), and its explanation.
  std::string term(const std::string& layer) const;
  std::string explain(const std::string& layer) const;
  bool has_term(const std::string& layer) const;
  std::string compass(int sector) const;
};

// The page of area k as HTML.
std::string render_page(const Templates& t, const PageInput& in, std::size_t k);

// The sections (page_*.cpp): each fills the dictionary of its template.
void overview_section(Page& p, Dict& d);
void systems_section(Page& p, Dict& d);
void suitability_section(Page& p, Dict& d);
void access_section(Page& p, Dict& d);
void water_section(Page& p, Dict& d);
void allocation_section(Page& p, Dict& d);
void method_section(Page& p, Dict& d);

}  // namespace casco::report
