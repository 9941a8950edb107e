// Fuzzes the YAML bank profiles (CsvProfiles::FromYaml, as an operator's own profile file is
// read): never crash; an error names what is wrong; a profile set that loads parses a fixed
// export under each of its profiles, and the parser keeps its promises there too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "bank/bank.h"
#include "tests/fuzz/bank_fuzz_util.h"

namespace {

constexpr std::string_view kExport =
    "Bokfoert;Rentedato;Beloep;Valuta;Tekst;KID;Betaler\n"
    "01.12.2026;01.12.2026;1 250,00;NOK;Faktura 10023;0000100238;Kari Nordmann\n"
    "2026-12-02;2026-12-02;-99.50;SEK;Avgift;;\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace purr::bank;
  if (size > 16 * 1024) return 0;
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto profiles = CsvProfiles::FromYaml(yaml);
  if (!profiles.ok()) {
    if (profiles.status().message().empty()) std::abort();
    return 0;
  }
  for (const CsvProfile& profile : (*profiles)->all()) {
    if (profile.name.empty() || (*profiles)->Find(profile.name) == nullptr) std::abort();
    fuzz::CheckingSink sink;
    ParseCsv(kExport, profile, sink);
  }
  return 0;
}
