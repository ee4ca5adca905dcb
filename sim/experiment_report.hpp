// Self-contained HTML reports of experiments: inline SVG charts drawn here (KPI vs parameter with
// 95% confidence bands, Morris tornado charts, calibration traces), no scripts, nothing fetched.
// `salesim report DIR` writes them; docs/experiments.md#report shows one.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/experiment.hpp"

namespace salesim {

// A sweep (or sensitivity) directory: rows sorted by run id. A shard's report says it is partial.
std::string sweep_report_html(const Experiment& ex, const std::vector<ResultRow>& rows, int shard = 0, int shards = 1);
// A calibration directory: its calibration.json (salesim calibrate).
std::string calibration_report_html(const nlohmann::json& calibration);

}  // namespace salesim
