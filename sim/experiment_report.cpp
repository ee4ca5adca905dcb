#include "sim/experiment_report.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <set>

namespace salesim {
using nlohmann::json;

namespace {

// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
const char* const kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"};
constexpr size_t kPaletteSize = 6;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string px(double v) { return fmt::format("{:.1f}", v); }

// Short numbers for axes and labels: 12.5k, 3.4M, 31.6% (for shares).
std::string short_num(double v, const std::string& unit, double step = 0) {
  if (!std::isfinite(v)) return "n/a";
  if (v == 0) return unit == "share" ? "0%" : "0";
  if (unit == "share") {
    const double s = step > 0 ? step * 100 : std::abs(v) * 100 / 50;
    const int dec = s >= 1 || s == 0 ? 0 : std::min(3, int(std::ceil(-std::log10(s))));
    return fmt::format("{:.{}f}%", v * 100, dec);
  }
  const double a = std::max(std::abs(v), step);
  double div = 1;
  const char* suffix = "";
  if (a >= 1e9) { div = 1e9; suffix = "B"; }
  else if (a >= 1e6) { div = 1e6; suffix = "M"; }
  else if (a >= 1e4) { div = 1e3; suffix = "k"; }
  const double s = step > 0 ? step / div : std::abs(v / div) / 100;
  const int dec = s >= 1 || s == 0 ? 0 : std::min(4, int(std::ceil(-std::log10(s) - 1e-9)));
  return fmt::format("{:.{}f}{}", v / div, dec, suffix);
}

// Round numbers for ticks: steps of 1, 2 or 5 times a power of ten, covering [lo, hi].
std::vector<double> nice_ticks(double& lo, double& hi, int target) {
  if (!(hi > lo)) {
    const double pad = lo == 0 ? 1 : std::abs(lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / target, mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (raw <= m * mag) { step = m * mag; break; }
  lo = std::floor(lo / step + 1e-9) * step;
  hi = std::ceil(hi / step - 1e-9) * step;
  std::vector<double> t;
  for (double v = lo; v <= hi + step * 1e-6; v += step) t.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
  return t;
}

std::vector<double> log_ticks(double lo, double hi) {
  std::vector<double> t;
  for (double e = std::floor(std::log10(lo)); e <= std::ceil(std::log10(hi)); ++e)
    for (double m : {1.0, 2.0, 5.0}) {
      const double v = m * std::pow(10, e);
      if (v >= lo * 0.999 && v <= hi * 1.001) t.push_back(v);
    }
  if (t.size() < 2) t = {lo, hi};
  return t;
}

struct Scale {
  double lo = 0, hi = 1, p0 = 0, p1 = 1;
  bool log = false;
  double operator()(double v) const {
    const double t = log ? (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : (v - lo) / (hi - lo);
    return p0 + t * (p1 - p0);
  }
};

// One chart of a KPI against a parameter: series of means with 95% bands (or error bars), and the
// individual runs as faint dots.
struct Series {
  std::string name;
  std::vector<double> x, mean, lo, hi;
  bool line = true;
  bool markers = true;
};
struct XYChart {
  std::string title, unit, xlabel, xunit;
  bool xlog = false, ylog = false;
  std::vector<std::string> categories;  // categorical x: x values are indexes
  std::vector<Series> series;
  std::vector<double> dot_x, dot_y;
  std::vector<double> hmarks;  // horizontal reference lines (e.g. the fitted value), dashed
  int w = 400, h = 260;
};

std::string render_xy(const XYChart& c) {
  const double ml = 62, mr = 16, mt = 34, mb = 46;
  double xmin = 1e300, xmax = -1e300, ymin = 1e300, ymax = -1e300;
  auto see_x = [&](double x) { if (std::isfinite(x) && (!c.xlog || x > 0)) { xmin = std::min(xmin, x); xmax = std::max(xmax, x); } };
  auto see_y = [&](double y) { if (std::isfinite(y) && (!c.ylog || y > 0)) { ymin = std::min(ymin, y); ymax = std::max(ymax, y); } };
  for (const auto& s : c.series)
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.mean[i])) continue;
      see_x(s.x[i]);
      see_y(s.mean[i]);
      see_y(s.lo[i]);
      see_y(s.hi[i]);
    }
  for (size_t i = 0; i < c.dot_x.size(); ++i)
    if (std::isfinite(c.dot_y[i])) { see_x(c.dot_x[i]); see_y(c.dot_y[i]); }
  for (double m : c.hmarks) see_y(m);
  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}" role="img" aria-label="{2}">)",
      c.w, c.h, esc(c.title + " vs " + c.xlabel));
  svg += fmt::format(R"(<text x="{}" y="16" class="t">{}</text>)", ml, esc(c.title));
  if (!c.unit.empty()) svg += fmt::format(R"(<text x="{}" y="29" class="u">{}</text>)", ml, esc(c.unit == "share" ? "share, %" : c.unit));
  if (xmin > xmax || ymin > ymax) {
    svg += fmt::format(R"(<text x="{}" y="{}" class="u" text-anchor="middle">no value in any run (the KPI is undefined here)</text></svg>)",
                       c.w / 2, c.h / 2);
    return svg;
  }
  Scale X{xmin, xmax, ml, c.w - mr, c.xlog}, Y{ymin, ymax, c.h - mb, mt, c.ylog};
  std::vector<double> xt, yt;
  if (!c.categories.empty()) {
    X.lo = -0.5;
    X.hi = double(c.categories.size()) - 0.5;
    for (size_t i = 0; i < c.categories.size(); ++i) xt.push_back(double(i));
  } else if (c.xlog) {
    if (!(xmax > xmin)) { X.lo = xmin / 1.5; X.hi = xmax * 1.5; }
    xt = log_ticks(X.lo, X.hi);
  } else {
    xt = nice_ticks(X.lo, X.hi, 5);
  }
  if (c.ylog) {
    if (!(ymax > ymin)) { Y.lo = ymin / 2; Y.hi = ymax * 2; }
    Y.lo = std::pow(10, std::floor(std::log10(Y.lo)));
    Y.hi = std::pow(10, std::ceil(std::log10(Y.hi)));
    for (double e = std::log10(Y.lo); e <= std::log10(Y.hi) + 1e-9; ++e) yt.push_back(std::pow(10, e));
  } else {
    yt = nice_ticks(Y.lo, Y.hi, 5);
  }
  const double ystep = yt.size() > 1 ? yt[1] - yt[0] : 0, xstep = xt.size() > 1 ? xt[1] - xt[0] : 0;
  // Grid and axes.
  for (double v : yt) {
    svg += fmt::format(R"(<line x1="{}" x2="{}" y1="{}" y2="{}" class="g"/>)", px(ml), px(c.w - mr), px(Y(v)), px(Y(v)));
    svg += fmt::format(R"(<text x="{}" y="{}" class="a" text-anchor="end">{}</text>)", px(ml - 5), px(Y(v) + 4),
                       c.ylog ? fmt::format("{:g}", v) : short_num(v, c.unit, ystep));
  }
  for (size_t i = 0; i < xt.size(); ++i) {
    const double v = xt[i];
    std::string label = !c.categories.empty() ? c.categories[i] : short_num(v, c.xunit, c.xlog ? 0 : xstep);
    if (label.size() > 16) label = label.substr(0, 15) + "…";
    svg += fmt::format(R"(<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" class="k"/>)", px(X(v)), px(c.h - mb), px(c.h - mb + 4));
    svg += fmt::format(R"(<text x="{}" y="{}" class="a" text-anchor="middle">{}</text>)", px(X(v)), px(c.h - mb + 16), esc(label));
  }
  svg += fmt::format(R"(<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" class="k"/>)", px(ml), px(c.w - mr), px(c.h - mb));
  svg += fmt::format(R"(<text x="{}" y="{}" class="a" text-anchor="middle">{}</text>)", px((ml + c.w - mr) / 2), px(c.h - 8),
                     esc(c.xlabel));
  for (double m : c.hmarks)
    if (std::isfinite(m) && m >= Y.lo && m <= Y.hi)
      svg += fmt::format(R"(<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" class="m"/>)", px(ml), px(c.w - mr), px(Y(m)));
  // Runs, then bands, then means on top.
  for (size_t i = 0; i < c.dot_x.size(); ++i)
    if (std::isfinite(c.dot_y[i]) && std::isfinite(c.dot_x[i]))
      svg += fmt::format(R"(<circle cx="{}" cy="{}" r="2" class="d"/>)", px(X(c.dot_x[i])), px(Y(c.dot_y[i])));
  for (size_t si = 0; si < c.series.size(); ++si) {
    const Series& s = c.series[si];
    const char* col = kPalette[si % kPaletteSize];
    std::vector<size_t> ok;
    for (size_t i = 0; i < s.x.size(); ++i)
      if (std::isfinite(s.mean[i]) && std::isfinite(s.x[i])) ok.push_back(i);
    if (s.line) {
      std::string upper, lower;
      bool band = ok.size() > 1;
      for (size_t i : ok) band = band && std::isfinite(s.lo[i]) && std::isfinite(s.hi[i]);
      if (band) {
        std::string pts;
        for (size_t i : ok) pts += fmt::format("{},{} ", px(X(s.x[i])), px(Y(s.hi[i])));
        for (auto it = ok.rbegin(); it != ok.rend(); ++it) pts += fmt::format("{},{} ", px(X(s.x[*it])), px(Y(s.lo[*it])));
        svg += fmt::format(R"(<polygon points="{}" fill="{}" fill-opacity="0.18" stroke="none"/>)", pts, col);
      }
      std::string pts;
      for (size_t i : ok) pts += fmt::format("{},{} ", px(X(s.x[i])), px(Y(s.mean[i])));
      svg += fmt::format(R"(<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>)", pts, col);
    } else {
      for (size_t i : ok)
        if (std::isfinite(s.lo[i]) && std::isfinite(s.hi[i]))
          svg += fmt::format(R"(<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}" stroke-width="1.2"/>)", px(X(s.x[i])),
                             px(Y(s.lo[i])), px(Y(s.hi[i])), col);
    }
    for (size_t i : ok)
      if (s.markers)
        svg += fmt::format(R"(<circle cx="{}" cy="{}" r="{}" fill="{}"><title>{}: {}</title></circle>)", px(X(s.x[i])),
                         px(Y(s.mean[i])), s.line ? 3 : 2.5, col, esc(s.name.empty() ? c.title : s.name),
                         esc(short_num(s.mean[i], c.unit, 0)));
  }
  return svg + "</svg>";
}

std::string legend(const std::vector<std::string>& names, const std::string& title) {
  if (names.size() < 2) return "";
  std::string h = "<div class=\"legend\">" + esc(title) + " ";
  for (size_t i = 0; i < names.size(); ++i)
    h += fmt::format(R"(<span><i class="sw" style="background:{}"></i>{}</span>)", kPalette[i % kPaletteSize], esc(names[i]));
  return h + "</div>";
}

// Morris results of one KPI as a tornado: parameters sorted by mu*, bars coloured by the direction
// of the effect, sigma drawn beneath each bar.
std::string tornado(const std::string& kpi, std::vector<Sensitivity> items) {
  std::stable_sort(items.begin(), items.end(), [](const Sensitivity& a, const Sensitivity& b) {
    return (std::isfinite(a.ee.mu_star) ? a.ee.mu_star : -1) > (std::isfinite(b.ee.mu_star) ? b.ee.mu_star : -1);
  });
  const std::string& unit = kpi_unit(kpi);
  const double label_w = 250, value_w = 64, w = 610, row = 30, top = 40;
  const double h = top + row * double(items.size()) + 34;
  double hi = 0;
  for (const auto& s : items) {
    if (std::isfinite(s.ee.mu_star)) hi = std::max(hi, s.ee.mu_star);
    if (std::isfinite(s.ee.sigma)) hi = std::max(hi, s.ee.sigma);
  }
  double lo = 0;
  if (hi <= 0) hi = 1;
  const auto ticks = nice_ticks(lo, hi, 4);
  Scale X{lo, hi, label_w, w - value_w, false};
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 0;
  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}" role="img" aria-label="Morris effects on {2}">)",
      w, px(h), esc(kpi));
  svg += fmt::format(R"(<text x="8" y="16" class="t">{}</text><text x="8" y="30" class="u">{}</text>)", esc(kpi),
                     esc("mu* (bar) and sigma (thin bar) per full range of each parameter" +
                         (unit.empty() ? std::string() : ", " + std::string(unit == "share" ? "share, %" : unit))));
  for (double v : ticks) {
    svg += fmt::format(R"(<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" class="g"/>)", px(X(v)), px(top - 4), px(h - 28));
    svg += fmt::format(R"(<text x="{}" y="{}" class="a" text-anchor="middle">{}</text>)", px(X(v)), px(h - 14), short_num(v, unit, step));
  }
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& s = items[i];
    const double y = top + row * double(i);
    std::string label = s.parameter;
    if (label.size() > 42) label = "…" + label.substr(label.size() - 41);
    svg += fmt::format(R"(<text x="{}" y="{}" class="l" text-anchor="end">{}</text>)", px(label_w - 8), px(y + 14), esc(label));
    if (!std::isfinite(s.ee.mu_star)) {
      svg += fmt::format(R"(<text x="{}" y="{}" class="u">undefined</text>)", px(label_w + 4), px(y + 14));
      continue;
    }
    const char* col = s.ee.mu >= 0.5 * s.ee.mu_star ? kPalette[0] : s.ee.mu <= -0.5 * s.ee.mu_star ? kPalette[1] : "#8a8a8a";
    svg += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="14" fill="{}"><title>mu* {} mu {} sigma {} ({} effects)</title></rect>)",
                       px(X(0)), px(y + 3), px(std::max(0.5, X(s.ee.mu_star) - X(0))), col, esc(short_num(s.ee.mu_star, unit)),
                       esc(short_num(s.ee.mu, unit)), esc(short_num(s.ee.sigma, unit)), s.ee.n);
    if (std::isfinite(s.ee.sigma))
      svg += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="4" fill="#333" fill-opacity="0.55"/>)", px(X(0)), px(y + 20),
                         px(std::max(0.5, X(s.ee.sigma) - X(0))));
    svg += fmt::format(R"(<text x="{}" y="{}" class="a">{}</text>)", px(X(std::max(s.ee.mu_star, std::isfinite(s.ee.sigma) ? s.ee.sigma : 0)) + 5),
                       px(y + 14), esc(short_num(s.ee.mu_star, unit)));
  }
  return svg + "</svg>";
}

const char* const kStyle = R"(<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1d2330;margin:0;background:#f5f6f8}
main{max-width:1300px;margin:0 auto;padding:22px 26px 40px}
h1{font-size:23px;margin:0 0 2px}h2{font-size:17px;margin:30px 0 10px;padding-bottom:4px;border-bottom:1px solid #d9dce1}
p{margin:6px 0;max-width:980px}.note{color:#5b6270;font-size:12.5px}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 18px;font-size:13px;margin:10px 0;background:#fff;border:1px solid #e1e4e8;border-radius:6px;padding:10px 14px;max-width:980px}
.meta b{font-weight:600;color:#5b6270}code{font-size:12.5px;background:#eef0f3;padding:0 3px;border-radius:3px}
.grid{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}.card{background:#fff;border:1px solid #e1e4e8;border-radius:6px;padding:8px 8px 4px;max-width:660px}
h3{font-size:14px;margin:18px 0 8px;font-weight:600}h3 code{font-size:13px}
svg text{font-family:inherit}.t{font-size:13px;font-weight:600;fill:#1d2330}.u{font-size:11px;fill:#6b7280}.a{font-size:10.5px;fill:#4b5260}
.l{font-size:12px;fill:#1d2330}.g{stroke:#e6e8ec;stroke-width:1}.k{stroke:#9aa0aa;stroke-width:1}.d{fill:#7b8190;fill-opacity:.35}
.m{stroke:#1d2330;stroke-width:1;stroke-dasharray:4 3}
.legend{font-size:12px;color:#4b5260;margin:2px 4px 4px}.legend span{margin-right:12px;white-space:nowrap}
.sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.tw{overflow:auto;max-height:560px;background:#fff;border:1px solid #e1e4e8;border-radius:6px}
table{border-collapse:collapse;font-size:12px;font-variant-numeric:tabular-nums}
th,td{padding:3px 9px;border-bottom:1px solid #eef0f3;text-align:right;white-space:nowrap}th{background:#f0f2f5;position:sticky;top:0;font-weight:600}
td.s,th.s{text-align:left}.bar{display:inline-block;height:8px;background:#D55E00;opacity:.7;vertical-align:middle;margin-left:6px}
</style>)";

std::string page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
         "<title>" + esc(title) + "</title>" + kStyle + "</head><body><main>\n" + body + "\n</main></body></html>\n";
}

// The last two segments of a pointer make a readable axis title.
std::string short_pointer(const std::string& p) {
  const size_t a = p.rfind('/');
  if (a == std::string::npos || a == 0) return p;
  const size_t b = p.rfind('/', a - 1);
  return b == std::string::npos ? p : p.substr(b + 1);
}

bool parse_number(const std::string& s, double& v) {
  if (s.empty()) return false;
  char* end = nullptr;
  v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(v);
}

std::string stat_cell(const Stats& s, const std::string& unit) {
  if (s.n == 0) return "n/a";
  std::string out = short_num(s.mean, unit, 0);
  if (std::isfinite(s.ci_low)) out += fmt::format(" <span class=\"note\">[{}, {}]</span>", short_num(s.ci_low, unit, 0), short_num(s.ci_high, unit, 0));
  return out;
}

bool design_uses_log(const Experiment& ex, const std::string& pointer) {
  for (const auto& b : ex.resolved.value("design", json::array()))
    for (const auto& p : b.value("parameters", json::array()))
      if (p.value("pointer", "") == pointer && p.value("scale", "linear") == "log") return true;
  return false;
}

}  // namespace

std::string sweep_report_html(const Experiment& ex, const std::vector<ResultRow>& rows, int shard, int shards) {
  const size_t nk = kpi_names().size();
  auto kidx = [&](const std::string& k) { return size_t(std::find(kpi_names().begin(), kpi_names().end(), k) - kpi_names().begin()); };
  const auto stats = point_stats(ex, rows);
  std::vector<std::vector<std::vector<double>>> runs(ex.points.size(), std::vector<std::vector<double>>(nk));
  for (const auto& r : rows)
    for (size_t k = 0; k < nk; ++k) runs[ex.point_of(r.run)][k].push_back(r.kpis[k]);

  const std::string title = ex.name.empty() ? ex.source : ex.name;
  std::string b = "<h1>" + esc(title) + "</h1>\n";
  if (!ex.description.empty()) b += "<p>" + esc(ex.description) + "</p>\n";
  b += "<div class=\"meta\">";
  auto meta = [&](const std::string& k, const std::string& v) { b += "<b>" + esc(k) + "</b><span>" + v + "</span>"; };
  meta("experiment", "<code>" + esc(ex.source) + "</code>");
  meta("base scenario", "<code>" + esc(ex.scenario_file) + "</code>");
  if (!ex.fixed.empty()) {
    std::string s;
    for (const auto& o : ex.fixed) {
      const std::string full = o.pointer + "=" + o.value;
      const std::string shown = full.size() > 70 ? full.substr(0, 69) + "…" : full;
      if (!s.empty()) s += ", ";
      s += "<code title=\"" + esc(full) + "\">" + esc(shown) + "</code>";
    }
    meta("set in every run", s);
  }
  std::string varied;
  for (const auto& c : ex.columns) varied += (varied.empty() ? "" : ", ") + ("<code>" + esc(c) + "</code>");
  meta("varied", varied.empty() ? "nothing" : varied);
  meta("runs", fmt::format("{} points × {} replication{} = {} runs{}", ex.points.size(), ex.replications,
                           ex.replications == 1 ? "" : "s", ex.runs(),
                           shards > 1 ? fmt::format(" — <b>this is shard {}/{} only ({} runs)</b>", shard, shards, rows.size()) : ""));
  meta("seeds", fmt::format("derived from experiment seed {}{}", ex.seed,
                            ex.common_random_numbers ? "; common random numbers (replication r uses the same seed at every point)" : "; independent per point and replication"));
  meta("experiment hash", fmt::format("<code>{:016x}</code>", ex.hash));
  b += "</div>\n";
  if (!ex.morris)
    b += "<p class=\"note\">Means with 95% confidence intervals (Student t over replications); grey dots are individual runs. "
         "Shares are shown in %. Every KPI is in <code>summary.csv</code> and every run in <code>results.csv</code>.</p>\n";

  // Sensitivity first: it is what a Morris experiment is for.
  if (ex.morris && shards == 1) {
    const auto sens = sensitivity(ex, rows);
    b += "<h2>Sensitivity (Morris elementary effects)</h2>\n";
    b += fmt::format("<p class=\"note\">{} trajectories on a {}-level grid, {} evaluations per KPI. <b>mu*</b> (mean absolute elementary "
                     "effect) ranks how much each parameter moves the KPI over its whole range; <b>sigma</b> (their standard "
                     "deviation) large against mu* means the effect is non-linear or depends on the other parameters. Bar colour: "
                     "<span style=\"color:{}\">■</span> raises the KPI, <span style=\"color:{}\">■</span> lowers it, "
                     "<span style=\"color:#8a8a8a\">■</span> either, depending on the others.</p>\n",
                     ex.morris->trajectories, ex.morris->levels, ex.morris->trajectories * int(ex.morris->parameters.size() + 1),
                     kPalette[0], kPalette[1]);
    b += "<div class=\"grid\">";
    for (const auto& k : ex.kpis) {
      std::vector<Sensitivity> items;
      for (const auto& s : sens)
        if (s.kpi == k) items.push_back(s);
      b += "<div class=\"card\">" + tornado(k, items) + "</div>";
    }
    b += "</div>\n";
  }

  // KPI against each varied parameter.
  if (!ex.morris && !ex.columns.empty()) {
    b += "<h2>KPIs against the varied parameters</h2>\n";
    for (size_t c = 0; c < ex.columns.size(); ++c) {
      b += "<h3>against <code>" + esc(ex.columns[c]) + "</code></h3>\n<div class=\"grid\">";
      // Numeric axis if every value is a number; otherwise categories in order of appearance.
      bool numeric = true;
      std::vector<double> xv(ex.points.size(), kNaN);
      std::vector<std::string> cats;
      std::map<std::string, size_t> cat_index;
      for (size_t p = 0; p < ex.points.size(); ++p) {
        const std::string& cell = ex.cells[p][c];
        if (!parse_number(cell, xv[p]) && !cell.empty()) numeric = false;
        if (!cat_index.count(cell)) { cat_index[cell] = cats.size(); cats.push_back(cell.empty() ? "(unset)" : cell); }
      }
      if (!numeric)
        for (size_t p = 0; p < ex.points.size(); ++p) xv[p] = double(cat_index[ex.cells[p][c]]);
      // Series: one per combination of the other varied parameters, if there are few.
      std::vector<std::string> group_names;
      std::map<std::string, size_t> group_of;
      std::vector<size_t> gp(ex.points.size());
      for (size_t p = 0; p < ex.points.size(); ++p) {
        std::string key;
        for (size_t o = 0; o < ex.columns.size(); ++o)
          if (o != c) key += (key.empty() ? "" : ", ") + short_pointer(ex.columns[o]) + "=" + ex.cells[p][o];
        auto [it, inserted] = group_of.emplace(key, group_names.size());
        if (inserted) group_names.push_back(key);
        gp[p] = it->second;
      }
      std::set<std::pair<size_t, double>> seen;
      bool unique = true;
      for (size_t p = 0; p < ex.points.size(); ++p)
        if (std::isfinite(xv[p])) unique = unique && seen.insert({gp[p], xv[p]}).second;
      const bool lines = numeric && unique && group_names.size() <= kPaletteSize && ex.points.size() / group_names.size() >= 2 &&
                         ex.points.size() <= 60 * group_names.size();
      for (const auto& k : ex.kpis) {
        const size_t ki = kidx(k);
        XYChart ch;
        ch.title = k;
        ch.unit = kpi_unit(k);
        ch.xlabel = ex.columns[c];
        ch.xlog = numeric && design_uses_log(ex, ex.columns[c]);
        if (!numeric) ch.categories = cats;
        const size_t ng = lines ? group_names.size() : 1;
        ch.series.resize(ng);
        for (size_t g = 0; g < ng; ++g) {
          ch.series[g].line = lines;
          ch.series[g].name = lines ? group_names[g] : "";
        }
        std::vector<size_t> order(ex.points.size());
        for (size_t p = 0; p < order.size(); ++p) order[p] = p;
        auto key = [&](size_t p) { return std::isfinite(xv[p]) ? xv[p] : std::numeric_limits<double>::infinity(); };
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t bb) { return key(a) < key(bb); });
        for (size_t p : order) {
          if (!std::isfinite(xv[p]) || stats[p][ki].n == 0) continue;
          Series& s = ch.series[lines ? gp[p] : 0];
          s.x.push_back(xv[p]);
          s.mean.push_back(stats[p][ki].mean);
          s.lo.push_back(stats[p][ki].ci_low);
          s.hi.push_back(stats[p][ki].ci_high);
          if (ex.replications > 1)
            for (double y : runs[p][ki]) { ch.dot_x.push_back(xv[p]); ch.dot_y.push_back(y); }
        }
        b += fmt::format("<div class=\"card\" style=\"width:{}px\">", ch.w) + render_xy(ch);
        if (lines) b += legend(group_names, "");
        b += "</div>";
      }
      b += "</div>\n";
    }
  }

  // The points table.
  const size_t max_points = 300;
  b += "<h2>Points</h2>\n<div class=\"tw\"><table><tr><th>point</th>";
  for (const auto& c : ex.columns) b += "<th class=\"s\">" + esc(c) + "</th>";
  b += "<th>runs</th>";
  for (const auto& k : ex.kpis) b += "<th>" + esc(k) + "</th>";
  b += "</tr>\n";
  for (size_t p = 0; p < ex.points.size() && p < max_points; ++p) {
    b += fmt::format("<tr><td>{}</td>", p);
    for (const auto& cell : ex.cells[p]) b += "<td class=\"s\">" + esc(cell.size() > 40 ? cell.substr(0, 39) + "…" : cell) + "</td>";
    b += fmt::format("<td>{}</td>", runs[p].empty() ? 0 : runs[p][0].size());
    for (const auto& k : ex.kpis) b += "<td>" + stat_cell(stats[p][kidx(k)], kpi_unit(k)) + "</td>";
    b += "</tr>\n";
  }
  b += "</table></div>\n";
  if (ex.points.size() > max_points)
    b += fmt::format("<p class=\"note\">First {} of {} points; the rest are in summary.csv.</p>\n", max_points, ex.points.size());
  b += "<p class=\"note\">Made by salesim report. Units and KPI definitions: docs/model.md#kpis; file formats: docs/experiments.md.</p>";
  return page(title, b);
}

std::string calibration_report_html(const json& c) {
  auto num = [](const json& v) { return v.is_number() ? v.get<double>() : kNaN; };
  const std::string title = "Calibration of " + c.value("scenario", std::string("a scenario"));
  std::string b = "<h1>" + esc(title) + "</h1>\n<div class=\"meta\">";
  auto meta = [&](const std::string& k, const std::string& v) { b += "<b>" + esc(k) + "</b><span>" + v + "</span>"; };
  meta("targets file", "<code>" + esc(c.value("targets_file", std::string())) + "</code>");
  meta("method", esc(c.value("method", std::string())) + fmt::format(", {} replications per evaluation (the same seeds each time)",
                                                                   c.value("replications", 0)));
  meta("evaluations", fmt::format("{}; stopped because {}", c.value("evaluations", 0), esc(c.value("stop_reason", std::string()))));
  meta("objective", fmt::format("{} at the start → <b>{}</b> fitted (weighted mean squared relative error)",
                                short_num(num(c["objective_start"]), "", 0), short_num(num(c["objective_fitted"]), "", 0)));
  if (c.contains("set") && !c["set"].empty()) {
    std::string s;
    for (auto it = c["set"].begin(); it != c["set"].end(); ++it) s += (s.empty() ? "" : ", ") + ("<code>" + esc(it.key() + "=" + it.value().dump()) + "</code>");
    meta("set while calibrating", s);
  }
  b += "</div>\n";

  const json& trace = c.value("trace", json::array());
  b += "<h2>Search</h2>\n<div class=\"grid\">";
  {
    XYChart ch;
    ch.title = "objective";
    ch.unit = "weighted mean squared relative error (log scale)";
    ch.xlabel = "evaluation";
    ch.ylog = true;
    Series s{"objective", {}, {}, {}, {}, true, true}, best{"best so far", {}, {}, {}, {}, true, false};
    double run_best = 1e300;
    for (size_t i = 0; i < trace.size(); ++i) {
      const double y = num(trace[i]["objective"]);
      s.x.push_back(double(i + 1));
      s.mean.push_back(y > 0 ? y : kNaN);
      if (std::isfinite(y)) run_best = std::min(run_best, y);
      best.x.push_back(double(i + 1));
      best.mean.push_back(run_best > 0 && run_best < 1e300 ? run_best : kNaN);
    }
    s.lo = s.hi = std::vector<double>(s.x.size(), kNaN);
    best.lo = best.hi = std::vector<double>(best.x.size(), kNaN);
    ch.series = {s, best};
    ch.w = 520;
    b += fmt::format("<div class=\"card\" style=\"width:{}px\">", ch.w) + render_xy(ch) + legend({"objective", "best so far"}, "") + "</div>";
  }
  const json& params = c.value("parameters", json::array());
  for (size_t p = 0; p < params.size(); ++p) {
    XYChart ch;
    ch.title = params[p].value("pointer", std::string());
    ch.unit = fmt::format("bounds [{}, {}]; dashed: fitted {}", short_num(num(params[p]["min"]), "", 0),
                          short_num(num(params[p]["max"]), "", 0), short_num(num(params[p]["fitted"]), "", 0));
    ch.xlabel = "evaluation";
    Series s{"value", {}, {}, {}, {}, true, true};
    for (size_t i = 0; i < trace.size(); ++i) {
      s.x.push_back(double(i + 1));
      s.mean.push_back(num(trace[i]["values"][p]));
    }
    s.lo = s.hi = std::vector<double>(s.x.size(), kNaN);
    ch.series = {s};
    ch.hmarks = {num(params[p]["fitted"])};
    b += fmt::format("<div class=\"card\" style=\"width:{}px\">", ch.w) + render_xy(ch) + "</div>";
  }
  b += "</div>\n<h2>Targets</h2>\n<div class=\"tw\"><table><tr><th class=\"s\">KPI</th><th>target</th><th>weight</th><th>start</th>"
       "<th>fitted</th><th class=\"s\">relative error (fitted)</th></tr>\n";
  for (const auto& t : c.value("targets", json::array())) {
    const std::string unit = t.value("unit", std::string());
    const double e = num(t["relative_error"]);
    b += fmt::format("<tr><td class=\"s\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"s\">{}<span class=\"bar\" "
                     "style=\"width:{}px\"></span></td></tr>\n",
                     esc(t.value("kpi", std::string())), short_num(num(t["target"]), unit, 0), short_num(num(t["weight"]), "", 0),
                     short_num(num(t["start"]), unit, 0), short_num(num(t["fitted"]), unit, 0),
                     std::isfinite(e) ? fmt::format("{:+.1f}%", e * 100) : "n/a", std::isfinite(e) ? std::min(200.0, std::abs(e) * 400) : 0.0);
  }
  b += "</table></div>\n<p class=\"note\">The fitted scenario is <code>scenario.json</code> beside this page; every evaluation is in "
       "<code>calibration.csv</code>. Made by salesim report.</p>";
  return page(title, b);
}

}  // namespace salesim
