#include "sim/schema.hpp"

#include <cmath>
#include <fmt/format.h>

#include "sim/calendar.hpp"

namespace salesim {
using nlohmann::json;

std::optional<json> parse_json_text(const std::string& text, const std::string& source, std::vector<Problem>& problems) {
  auto where = [&](size_t offset) {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < offset && i < text.size(); ++i) {
      if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
    }
    return fmt::format("{}:{}:{}", source, line, col);
  };
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    if (auto k = what.find("syntax error"); k != std::string::npos) what = what.substr(k);
    problems.push_back({where(e.byte == 0 ? 0 : e.byte - 1), fmt::format("not valid JSON: {}", what)});
  } catch (const json::out_of_range& e) {
    // "number overflow parsing '1e999'": the exception carries no offset, so find the number.
    std::string what = e.what();
    size_t at = text.size();
    if (auto q = what.find('\''); q != std::string::npos)
      if (auto q2 = what.find('\'', q + 1); q2 != std::string::npos) at = text.find(what.substr(q + 1, q2 - q - 1));
    if (auto k = what.find("number overflow"); k != std::string::npos) what = what.substr(k);
    problems.push_back({at == std::string::npos || at == text.size() ? source : where(at),
                        fmt::format("not valid JSON: {} (a number must fit in a double)", what)});
  } catch (const json::exception& e) {
    problems.push_back({source, fmt::format("not valid JSON: {}", e.what())});
  }
  return std::nullopt;
}

std::string describe(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::string: {
      std::string s = v.get<std::string>();
      if (s.size() > 40) s = s.substr(0, 37) + "...";
      return fmt::format("\"{}\"", s);
    }
    case json::value_t::array: return fmt::format("an array of {}", v.size());
    case json::value_t::object: return "an object";
    default: return v.dump();
  }
}

namespace {

std::string escape_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string fmt_num(double x) { return fmt::format("{:g}", x); }

bool type_matches(const std::string& type, const json& v) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_boolean();
  if (type == "number") return v.is_number();
  if (type == "integer") {
    // A whole number written as a float (2.0, 1e3) is an integer if an int64 holds it: the value is
    // converted to one after validation, and 1e84 has no int64 to become (a fuzzer finding).
    if (v.is_number_integer()) return true;
    const double x = v.is_number_float() ? v.get<double>() : 0.5;
    return std::floor(x) == x && x >= -0x1p63 && x < 0x1p63;
  }
  return false;
}

class Validator {
 public:
  explicit Validator(std::vector<Problem>& p) : problems_(p) {}

  json check(const json& s, const json& v, const std::string& at) {
    if (s.contains("type")) {
      const std::string type = s["type"];
      if (!type_matches(type, v)) {
        const std::string article = (type == "object" || type == "array" || type == "integer") ? "an " : "a ";
        fail(at, fmt::format("expected {}{}, got {}", article, type, describe(v)));
        return v;
      }
    }
    if (v.is_number() && !v.is_boolean()) check_number(s, v.get<double>(), at);
    if (v.is_string()) check_string(s, v.get<std::string>(), at);
    if (s.contains("enum")) {
      bool ok = false;
      for (const auto& e : s["enum"]) ok = ok || e == v;
      if (!ok) fail(at, fmt::format("must be one of {}, got {}", enum_list(s["enum"]), describe(v)));
    }
    if (v.is_object()) return check_object(s, v, at);
    if (v.is_array()) return check_array(s, v, at);
    if (s.value("type", "") == "integer" && v.is_number_float()) return json(v.get<int64_t>());
    return v;
  }

 private:
  void fail(const std::string& at, std::string what) { problems_.push_back({at, std::move(what)}); }

  static std::string enum_list(const json& e) {
    std::string out;
    for (size_t i = 0; i < e.size(); ++i) out += (i ? ", " : "") + e[i].dump();
    return out;
  }

  void check_number(const json& s, double x, const std::string& at) {
    if (!std::isfinite(x)) fail(at, "must be a finite number");
    if (s.contains("minimum") && x < s["minimum"].get<double>())
      fail(at, fmt::format("must be >= {}, got {}", fmt_num(s["minimum"]), fmt_num(x)));
    if (s.contains("exclusiveMinimum") && x <= s["exclusiveMinimum"].get<double>())
      fail(at, fmt::format("must be > {}, got {}", fmt_num(s["exclusiveMinimum"]), fmt_num(x)));
    if (s.contains("maximum") && x > s["maximum"].get<double>())
      fail(at, fmt::format("must be <= {}, got {}", fmt_num(s["maximum"]), fmt_num(x)));
    if (s.contains("exclusiveMaximum") && x >= s["exclusiveMaximum"].get<double>())
      fail(at, fmt::format("must be < {}, got {}", fmt_num(s["exclusiveMaximum"]), fmt_num(x)));
  }

  void check_string(const json& s, const std::string& x, const std::string& at) {
    if (s.value("format", "") == "date" && !Date::parse(x))
      fail(at, fmt::format("\"{}\" is not a date (expected YYYY-MM-DD)", x));
    if (s.contains("minLength") && x.size() < s["minLength"].get<size_t>())
      fail(at, fmt::format("must have at least {} characters", s["minLength"].get<size_t>()));
  }

  json check_array(const json& s, const json& v, const std::string& at) {
    if (s.contains("minItems") && v.size() < s["minItems"].get<size_t>())
      fail(at, fmt::format("needs at least {} items, got {}", s["minItems"].get<size_t>(), v.size()));
    if (s.contains("maxItems") && v.size() > s["maxItems"].get<size_t>())
      fail(at, fmt::format("takes at most {} items, got {}", s["maxItems"].get<size_t>(), v.size()));
    if (!s.contains("items")) return v;
    json out = json::array();
    for (size_t i = 0; i < v.size(); ++i) out.push_back(check(s["items"], v[i], at + "/" + std::to_string(i)));
    return out;
  }

  // Objects are closed: a key the schema does not define is an error (typos must not pass silently).
  // "x-models" makes an object a tagged union on its "model" key: each model brings its own keys.
  json check_object(const json& s, const json& v, const std::string& at) {
    json props = s.value("properties", json::object());
    if (s.contains("x-models")) {
      const json& models = s["x-models"];
      const std::string dflt = s.contains("properties") && s["properties"].contains("model")
                                   ? s["properties"]["model"].value("default", "")
                                   : "";
      std::string model = v.contains("model") && v["model"].is_string() ? v["model"].get<std::string>() : dflt;
      if (!models.contains(model)) {
        std::vector<std::string> names;
        for (auto it = models.begin(); it != models.end(); ++it) names.push_back("\"" + it.key() + "\"");
        if (!v.contains("model") || v["model"].is_string())
          fail(at + "/model", fmt::format("unknown model {}; known models: {}",
                                          v.contains("model") ? describe(v["model"]) : "(none given)",
                                          fmt::join(names, ", ")));
        else
          fail(at + "/model", fmt::format("expected a string, got {}", describe(v["model"])));
        return v;
      }
      const json mp = models[model].value("properties", json::object());
      for (auto it = mp.begin(); it != mp.end(); ++it) props[it.key()] = it.value();
    }
    const bool open = s.value("additionalProperties", false) == true;
    json out = json::object();
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string here = at + "/" + escape_token(it.key());
      if (!props.contains(it.key())) {
        if (open) {
          out[it.key()] = s.contains("additionalSchema") ? check(s["additionalSchema"], it.value(), here) : it.value();
        } else {
          fail(here, fmt::format("unknown key \"{}\"{}", it.key(), suggestion(props, it.key())));
        }
        continue;
      }
      out[it.key()] = check(props[it.key()], it.value(), here);
    }
    for (const auto& r : s.value("required", json::array()))
      if (!v.contains(r.get<std::string>()))
        fail(at + "/" + escape_token(r.get<std::string>()), "is required but missing");
    for (auto it = props.begin(); it != props.end(); ++it) {
      if (out.contains(it.key())) continue;
      if (it.value().contains("default")) out[it.key()] = check(it.value(), it.value()["default"], at + "/" + escape_token(it.key()));
      else if (it.value().value("type", "") == "object" && it.value().value("required", json::array()).empty() &&
               !it.value().value("x-optional", false))
        out[it.key()] = check(it.value(), json::object(), at + "/" + escape_token(it.key()));
    }
    return out;
  }

  // Nearest known key by edit distance, as a hint for typos.
  static std::string suggestion(const json& props, const std::string& key) {
    std::string best;
    size_t best_d = 3;
    for (auto it = props.begin(); it != props.end(); ++it) {
      const std::string& k = it.key();
      std::vector<size_t> prev(k.size() + 1), cur(k.size() + 1);
      for (size_t j = 0; j <= k.size(); ++j) prev[j] = j;
      for (size_t i = 1; i <= key.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= k.size(); ++j)
          cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (key[i - 1] != k[j - 1])});
        std::swap(prev, cur);
      }
      if (prev[k.size()] < best_d) { best_d = prev[k.size()]; best = k; }
    }
    if (best.empty()) {
      std::vector<std::string> names;
      for (auto it = props.begin(); it != props.end(); ++it) names.push_back(it.key());
      if (names.size() <= 12) return fmt::format(" (expected one of: {})", fmt::join(names, ", "));
      return "";
    }
    return fmt::format(" (did you mean \"{}\"?)", best);
  }

  std::vector<Problem>& problems_;
};

}  // namespace

json validate_and_fill(const json& schema, const json& doc, std::vector<Problem>& problems) {
  Validator v(problems);
  return v.check(schema, doc, "");
}

}  // namespace salesim
