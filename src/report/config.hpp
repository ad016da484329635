#pragma once
// What a province's report shows and in which words: `report.toml` in the report folder of its
// data (data/drenthe/report/), next to the templates (*.tpl) that hold the HTML and every
// sentence. The engine knows no layer, group or place by name: they come from here and from the
// store. Format: docs/report.md.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace casco::report {

// How a layer is named inside a sentence ("een station"), and a one-clause explanation for
// residents ("natuur die in heel Europa beschermd is").
struct LayerWords {
  // term: the layer in a sentence; explain: what a resident may need explained; data: the data
  // the layer holds, named in the list of rules that wait for it ("de kaart van de beekdalen").
  std::string term, explain, data;
};

// Data that water layers wait for (the water section lists what is missing and the rules that
// wait for it).
struct WaterWait {
  std::string data;                 // "het hoogtemodel AHN"
  std::string how;                  // how to get it ("casco data fetch … --only ahn_dtm")
  std::vector<std::string> layers;  // the layers it gives
};

struct ReportConfig {
  std::filesystem::path dir;       // the folder of report.toml and the templates
  std::string zones;               // the zones layer with a page per zone; "" = the model's borders
  std::string population;          // layer with people per cell; "" = no population figures
  std::string population_source;   // "CBS 2024": where the count comes from
  std::string population_map;      // the layer mapped for where people live; "" = population
  std::string homes;               // layer with homes per cell; "" = none
  std::vector<std::string> kinds;  // kinds of development mapped; empty = every kind
  std::vector<std::string> leave_out_groups;  // groups not shown among the systems
  std::map<std::string, LayerWords> layers;   // by layer id
  std::vector<std::string> compass;           // 8 directions from east, counter-clockwise
  std::vector<std::string> norms_missed;      // legend of the missed-norms map: 0, 1, 2, 3+
  int place_labels = 8;                       // kernen named on a map, largest first
  int zone_names = 4;                         // zones named in a sentence before "and n others"
  int sentences_per_group = 5;                // sentences under a group's title
  int distance_sentences = 2;                 // of which about distances
  std::vector<WaterWait> water_waits;

  const LayerWords* words(const std::string& layer) const;
};

// Reads `dir`/report.toml; throws casco::Error naming file:line:column for a malformed file or an
// unknown key, and a clear error when the folder has no report.toml.
ReportConfig load_report_config(const std::filesystem::path& dir);

}  // namespace casco::report
