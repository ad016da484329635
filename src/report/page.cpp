// A page: its frame (pagina.tpl: title, navigation, table of contents, footer), the sections that
// have figures, and the maps with their legends (legenda.tpl) from the legend module.
#include <fmt/format.h>

#include "casco/version.hpp"
#include "report/pages.hpp"
#include "report/text.hpp"

namespace casco::report {
namespace {

void global(Dict& d, const std::string& key, const std::string& text) {
  d.SetTemplateGlobalValue(key, escape_html(text));
}

// A text inside a CSS string ("…" in @page rules): quotes and backslashes escaped.
std::string css_string(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c != '<' && c != '>') out += c;
  }
  return out;
}

// The legend of a map, never cut short: a colour ramp with its ends, or every class.
void fill_legend(Dict& d, const legend::Legend& lg) {
  if (lg.kind == legend::Legend::Kind::Ramp) {
    Dict* r = d.AddSectionDictionary("RAMP");
    std::string stops;
    for (std::size_t i = 0; i < lg.stops.size(); ++i) {
      if (i) stops += ',';
      stops += legend::css(lg.stops[i]);
    }
    set_raw(*r, "STOPS", stops);
    set(*r, "LOW", lg.low_label());
    set(*r, "HIGH", lg.high_label());
  } else {
    for (const legend::Entry& e : lg.classes) {
      Dict* c = d.AddSectionDictionary("CLASS");
      set(*c, "LABEL", e.label);
      set_raw(*c, "COLOUR", e.drawn ? legend::css(e.rgb) : "transparent");
      show(*c, "UNDRAWN", !e.drawn);
    }
  }
  show(d, "POINTS", lg.points);
  for (const auto& note : lg.notes) set(*d.AddSectionDictionary("NOTE"), "TEXT", note);
}

using Fill = void (*)(Page&, Dict&);

// A section of the page (its title is in pagina.tpl) with its template as BODY.
Dict& section(Page& p, Dict& page, const char* name, const char* file, Fill fill) {
  Dict* s = page.AddSectionDictionary(name);
  Dict* body = s->AddIncludeDictionary("BODY");
  body->SetFilename(file);
  body->ShowSection(p.k == 0 ? "PROVINCE_PAGE" : "ZONE_PAGE");
  fill(p, *body);
  return *s;
}

void navigation(Page& p, Dict& page) {
  const auto& areas = p.f().areas;
  std::vector<std::size_t> links;
  for (std::size_t g = 1; g < areas.size(); ++g)
    if (p.in.written[g] && g != p.k) links.push_back(g);
  if (links.empty()) return;
  Dict* nav = page.AddSectionDictionary("OTHER_PAGES");
  for (std::size_t i = 0; i < links.size(); ++i) {
    Dict* l = nav->AddSectionDictionary("LINK");
    set(*l, "FILE", areas[links[i]].file + ".html");
    set(*l, "NAME", areas[links[i]].name);
    show(*l, "SEP", i > 0);
  }
}

}  // namespace

Dict* Page::map(Dict& parent, const std::string& key, const std::string& name) {
  if (!in.maps || key.empty()) return nullptr;
  const std::string* png = in.maps->png(key, k);
  const legend::Legend* lg = in.maps->legend(key);
  if (!png || !lg) return nullptr;
  Dict* m = parent.AddSectionDictionary(name);
  set_raw(*m, "SRC", png_data_uri(*png));
  set(*m, "NUMBER", std::to_string(++figures));
  Dict* l = m->AddIncludeDictionary("LEGEND");
  l->SetFilename("legenda.tpl");
  fill_legend(*l, *lg);
  return m;
}

std::string Page::term(const std::string& layer) const {
  const LayerWords* w = in.config->words(layer);
  if (w && !w->term.empty()) return w->term;
  const LayerRecord& L = in.store->layer(layer);
  return L.title.empty() ? L.id : L.title;
}

std::string Page::explain(const std::string& layer) const {
  const LayerWords* w = in.config->words(layer);
  return w ? w->explain : "";
}

bool Page::has_term(const std::string& layer) const {
  const LayerWords* w = in.config->words(layer);
  return w && !w->term.empty();
}

std::string Page::compass(int sector) const {
  const auto& c = in.config->compass;
  return sector >= 0 && static_cast<std::size_t>(sector) < c.size() ? c[std::size_t(sector)] : "";
}

std::string render_page(const Templates& t, const PageInput& in, std::size_t k) {
  Page p{in, k};
  const Figures& f = *in.figures;
  const StoreManifest& m = in.store->manifest();
  Dict page("pagina");
  global(page, "AREA", p.area().name);
  global(page, "PROVINCE", f.areas[0].name);
  global(page, "CELL", number(m.grid.cell, 0));
  page.ShowSection(k == 0 ? "PROVINCE_PAGE" : "ZONE_PAGE");
  set_raw(page, "CSS", t.read("stijl.css"));
  set_raw(page, "AREA_CSS", css_string(p.area().name));
  set(page, "VERSION", kVersion);
  set(page, "DATE", in.date);
  set(page, "CREDIT", m.credit);
  navigation(p, page);
  section(p, page, "OVERVIEW", "overzicht.tpl", overview_section);
  if (!f.groups.empty()) section(p, page, "SYSTEMS", "systemen.tpl", systems_section);
  if (f.suitability && !f.suitability->kinds.empty()) {
    Dict& s = section(p, page, "SUITABILITY", "geschiktheid.tpl", suitability_section);
    std::vector<std::string> kinds;
    for (const auto& kind : f.suitability->kinds) kinds.push_back(lower_first(kind.title));
    add_list(s, "KIND", kinds);
  }
  if (f.access) section(p, page, "ACCESS", "bereikbaarheid.tpl", access_section);
  if (f.water) section(p, page, "WATER", "water.tpl", water_section);
  if (!f.allocations.empty()) section(p, page, "ALLOCATION", "toewijzing.tpl", allocation_section);
  section(p, page, "METHOD", "methode.tpl", method_section);
  return t.expand("pagina.tpl", page);
}

}  // namespace casco::report
