// Section "De robuuste systemen" (systemen.tpl): per group its title and intro (the store's
// groups), sentences about the layers the province named in report.toml [layers], the group's
// map, and a table with every layer's key figure.
#include <cmath>

#include "legend/legend.hpp"
#include "report/pages.hpp"
#include "report/text.hpp"

namespace casco::report {
namespace {

// The markers of one layer's figure, shared by its sentence and its table row.
void figure_markers(Page& p, Dict& d, const LayerFigures& lf, const KeyFigure& kf) {
  const LayerRecord& L = p.layer(lf.layer);
  switch (lf.kind) {
    case FigureKind::Share: {
      Dict* s = d.AddSectionDictionary("SHARE");
      show(*s, kf.hectares > 0 ? "SOME" : "NONE");
      set(*s, "SHARE_TEXT", percent(kf.value));
      set(*s, "HA", hectares(kf.hectares));
      break;
    }
    case FigureKind::Places:
      set_count(*d.AddSectionDictionary("PLACES"), "N", kf.value);
      break;
    case FigureKind::Distance: {
      Dict* s = d.AddSectionDictionary("DISTANCE");
      set(*s, "KM", km(kf.value));
      show(*s, "BY_PEOPLE", kf.by_people);
      break;
    }
    case FigureKind::Zones: {
      Dict* s = d.AddSectionDictionary("ZONES");
      set_count(*s, "N", static_cast<double>(kf.names.size()));
      add_list_more(*s, "NAME", kf.names, static_cast<std::size_t>(p.in.config->zone_names));
      break;
    }
    case FigureKind::Sum: {
      // An amount per cell adds up to the amount itself: "inwoners per cel" -> "inwoners".
      std::string unit = L.unit;
      if (auto at = unit.find(" per cel"); at != std::string::npos) unit.resize(at);
      set(*d.AddSectionDictionary("SUM"), "VALUE",
          number(kf.value) + (unit.empty() ? "" : "\u00a0" + unit));
      break;
    }
    case FigureKind::Mean:
      set(*d.AddSectionDictionary("MEAN"), "VALUE", legend::format_value(L, kf.value));
      break;
  }
  const std::string where = p.compass(kf.where);
  if (!where.empty()) set(*d.AddSectionDictionary("WHERE"), "TEXT", where);
}

// A sentence for a layer the province gave a term, as long as the group has room for it.
bool wants_sentence(Page& p, const LayerFigures& lf, const KeyFigure& kf, int& sentences,
                    int& distances) {
  const ReportConfig& c = *p.in.config;
  if (!p.has_term(lf.layer) || sentences >= c.sentences_per_group) return false;
  if (lf.kind == FigureKind::Sum || lf.kind == FigureKind::Mean) return false;
  if (lf.kind == FigureKind::Distance) {
    if (!kf.by_people || distances >= c.distance_sentences) return false;
    ++distances;
  }
  ++sentences;
  return true;
}

void group(Page& p, Dict& d, const GroupFigures& g) {
  Dict* gd = d.AddSectionDictionary("GROUP");
  set(*gd, "TITLE", g.title);
  if (!g.intro.empty()) set(*gd->AddSectionDictionary("INTRO"), "TEXT", g.intro);
  int sentences = 0, distances = 0;
  for (const LayerFigures& lf : g.layers) {
    const KeyFigure& kf = lf.areas[p.k];
    if (wants_sentence(p, lf, kf, sentences, distances)) {
      Dict* s = gd->AddSectionDictionary("SENTENCE");
      set(*s, "TERM", p.term(lf.layer));
      if (const std::string e = p.explain(lf.layer); !e.empty())
        set(*s->AddSectionDictionary("EXPLAIN"), "TEXT", e);
      figure_markers(p, *s, lf, kf);
    }
    Dict* row = gd->AddSectionDictionary("ROW");
    const LayerRecord& L = p.layer(lf.layer);
    set(*row, "TITLE", L.title.empty() ? L.id : L.title);
    figure_markers(p, *row, lf, kf);
  }
  if (Dict* m = p.map(*gd, g.map)) {
    if (!g.map_layer.empty()) {
      set(*m->AddSectionDictionary("LAYER"), "TITLE", p.layer(g.map_layer).title);
    } else {
      std::vector<std::string> names;
      for (const auto& id : g.map_points) names.push_back(p.term(id));
      add_list(*m->AddSectionDictionary("POINTS"), "NAME", names);
    }
  }
}

}  // namespace

void systems_section(Page& p, Dict& d) {
  for (const GroupFigures& g : p.f().groups) group(p, d, g);
}

}  // namespace casco::report
