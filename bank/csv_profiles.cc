// CSV profiles from YAML (bank/profiles/nordic.yaml is compiled in). See docs/formats/csv.md.
#include <yaml-cpp/yaml.h>

#include <mutex>

#include "bank/bank.h"

namespace purr::bank {
namespace internal {
extern const char kBuiltinProfilesYaml[];
}  // namespace internal

namespace {

Status BadKey(const std::string& profile, const std::string& key, const std::string& why) {
  return Status::InvalidInput("CSV profile \"" + profile + "\": " + key + ": " + why);
}

Result<char> ReadChar(const YAML::Node& node, const std::string& profile, const std::string& key,
                      std::initializer_list<std::pair<const char*, char>> allowed) {
  if (!node) return char{0};
  std::string value = node.as<std::string>();
  for (const auto& [name, c] : allowed) {
    if (value == name) return c;
  }
  return BadKey(profile, key, "unsupported value \"" + value + "\"");
}

Result<CsvProfile> ReadProfile(const YAML::Node& node) {
  CsvProfile p;
  // A name that is empty, null (`name:`, or a lone tag such as `name: !x`) or not a scalar is
  // no name: `--profile NAME` could never pick the profile.
  if (!node.IsMap() || !node["name"] || !node["name"].IsScalar() ||
      node["name"].Scalar().empty()) {
    return Status::InvalidInput("CSV profile without a name");
  }
  p.name = node["name"].as<std::string>();
  if (node["description"]) p.description = node["description"].as<std::string>();
  Result<char> sep = ReadChar(node["separator"], p.name, "separator",
                              {{";", ';'}, {",", ','}, {"tab", '\t'}, {"auto", 0}});
  if (!sep.ok()) return sep.status();
  p.separator = *sep;
  Result<char> dec = ReadChar(node["decimal"], p.name, "decimal",
                              {{",", ','}, {".", '.'}, {"auto", 0}});
  if (!dec.ok()) return dec.status();
  p.decimal = *dec;
  if (node["encoding"]) p.encoding = node["encoding"].as<std::string>();
  if (p.encoding != "auto" && p.encoding != "utf-8" && p.encoding != "windows-1252" &&
      p.encoding != "iso-8859-1") {
    return BadKey(p.name, "encoding", "unsupported value \"" + p.encoding + "\"");
  }
  if (node["date_formats"]) p.date_formats = node["date_formats"].as<std::vector<std::string>>();
  if (p.date_formats.empty()) return BadKey(p.name, "date_formats", "none given");
  if (node["default_currency"]) p.default_currency = node["default_currency"].as<std::string>();
  if (node["skip_lines"]) p.skip_lines = node["skip_lines"].as<int>();
  const YAML::Node columns = node["columns"];
  if (!columns || !columns.IsMap()) return BadKey(p.name, "columns", "missing");
  std::pair<const char*, std::vector<std::string>*> fields[] = {
      {"booking_date", &p.booking_date}, {"value_date", &p.value_date},
      {"amount", &p.amount},             {"credit", &p.credit},
      {"debit", &p.debit},               {"currency", &p.currency},
      {"reference", &p.reference},       {"text", &p.text},
      {"payer_name", &p.payer_name},     {"payer_account", &p.payer_account},
      {"bank_reference", &p.bank_reference}, {"end_to_end_id", &p.end_to_end_id},
      {"account", &p.account}};
  for (const auto& entry : columns) {
    std::string key = entry.first.as<std::string>();
    bool known = false;
    for (auto& [name, target] : fields) {
      if (key == name) {
        *target = entry.second.IsSequence() ? entry.second.as<std::vector<std::string>>()
                                            : std::vector<std::string>{entry.second.as<std::string>()};
        known = true;
      }
    }
    if (!known) return BadKey(p.name, "columns." + key, "unknown field");
  }
  if (p.booking_date.empty()) return BadKey(p.name, "columns.booking_date", "missing");
  if (p.amount.empty() && p.credit.empty() && p.debit.empty()) {
    return BadKey(p.name, "columns", "needs amount, or credit and debit");
  }
  return p;
}

}  // namespace

Result<std::shared_ptr<const CsvProfiles>> CsvProfiles::FromYaml(std::string_view yaml) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (!root["profiles"] || !root["profiles"].IsSequence()) {
      return Status::InvalidInput("CSV profiles: no 'profiles' list");
    }
    std::vector<CsvProfile> profiles;
    for (const YAML::Node& node : root["profiles"]) {
      Result<CsvProfile> p = ReadProfile(node);
      if (!p.ok()) return p.status();
      profiles.push_back(std::move(*p));
    }
    return std::make_shared<const CsvProfiles>(std::move(profiles));
  } catch (const YAML::Exception& e) {
    return Status::InvalidInput(std::string("CSV profiles: ") + e.what());
  }
}

std::shared_ptr<const CsvProfiles> CsvProfiles::Builtin() {
  static const std::shared_ptr<const CsvProfiles> builtin = [] {
    Result<std::shared_ptr<const CsvProfiles>> loaded = FromYaml(internal::kBuiltinProfilesYaml);
    // The shipped file is checked by the tests; an error here is a build defect.
    return loaded.ok() ? *loaded : std::make_shared<const CsvProfiles>(std::vector<CsvProfile>{});
  }();
  return builtin;
}

const CsvProfile* CsvProfiles::Find(std::string_view name) const {
  for (const CsvProfile& p : profiles_) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace purr::bank
