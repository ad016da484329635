// Section "Hoe is dit gemaakt?" (methode.tpl): the model, the rule set, the estimates, and every
// source file with the layers made from it. File names only: no local path reaches a page.
#include <filesystem>
#include <map>

#include "casco/version.hpp"
#include "report/pages.hpp"
#include "report/text.hpp"

namespace casco::report {

void method_section(Page& p, Dict& d) {
  const StoreManifest& m = p.in.store->manifest();
  set(d, "MODEL", m.model_name);
  set(d, "BUILT", nl_date(m.built_at));
  set(d, "MODEL_VERSION", m.casco_version);
  set(d, "DEFINITION", std::filesystem::path(m.definition_file).filename().string());
  set(d, "VERSION", kVersion);
  set(d, "DATE", p.in.date);
  if (const auto& s = p.f().suitability) {
    Dict* r = d.AddSectionDictionary("RULES");
    set(*r, "NAME", s->name);
    set(*r, "VERSION", s->version);
    set(*r, "FILE", s->file);
    set_count(*r, "N", static_cast<double>(s->rules));
    set_count(*r, "ENABLED", static_cast<double>(s->enabled));
  }
  if (p.f().access && !p.f().access->estimate.empty())
    set(*d.AddSectionDictionary("TRAVEL_ESTIMATE"), "TEXT", p.f().access->estimate);
  // Every source file with the layers made from it, and the sources' own credit lines.
  std::map<std::string, std::vector<std::string>> sources;
  std::vector<std::string> credits;
  for (const auto& L : m.layers) {
    if (!L.source.empty())
      sources[std::filesystem::path(L.source).filename().string()].push_back(
          L.title.empty() ? L.id : L.title);
    std::string c = L.attribution;
    while (!c.empty() && (c.back() == '.' || c.back() == ' ')) c.pop_back();
    if (!c.empty() && std::find(credits.begin(), credits.end(), c) == credits.end())
      credits.push_back(c);
  }
  for (const auto& [file, titles] : sources) {
    Dict* row = d.AddSectionDictionary("SOURCE");
    set(*row, "FILE", file);
    add_list(*row, "LAYER", titles);
  }
  if (!credits.empty()) add_list(*d.AddSectionDictionary("CREDITS"), "CREDIT", credits);
  set(d, "CREDIT_LINE", m.credit);
}

}  // namespace casco::report
