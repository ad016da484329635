#pragma once
// Shared by the benchmarks: shows only the median (and keeps the spread) of each benchmark, and
// keeps the medians for the summary with ratios that each benchmark prints at the end.
#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace casco::bench {

class Reporter : public benchmark::ConsoleReporter {
 public:
  // Medians of wall time and of this process's CPU time (the latter is what a shared, loaded
  // machine distorts least for single-threaded work).
  std::map<std::string, double> median_ms, median_cpu_ms, cv;
  void ReportRuns(const std::vector<Run>& runs) override {
    std::vector<Run> shown;
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Aggregate) continue;
      const std::string name = r.run_name.function_name;
      if (r.aggregate_name == "median") {
        median_ms[name] = r.GetAdjustedRealTime();
        median_cpu_ms[name] = r.GetAdjustedCPUTime();
        shown.push_back(r);
      } else if (r.aggregate_name == "cv") {
        cv[name] = r.GetAdjustedRealTime();
      }
    }
    if (!shown.empty()) ConsoleReporter::ReportRuns(shown);
  }
  // The median of a benchmark, NaN when it did not run.
  double median(const std::string& name) const {
    auto it = median_ms.find(name);
    return it == median_ms.end() ? std::nan("") : it->second;
  }
};

}  // namespace casco::bench
