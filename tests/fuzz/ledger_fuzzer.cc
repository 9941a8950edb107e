// libFuzzer target for the ledger import (CSV and JSON lines): never crash, every reported
// issue has a line inside the input, every invoice satisfies the documented invariants.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "matching/ledger.h"
#include "matching/matcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 16)) return 0;  // bigger inputs only slow the search down
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto ledger = purr::matching::ParseLedger(bytes);
  if (!ledger.ok()) return 0;
  int lines = 1;
  for (char c : bytes) lines += c == '\n';
  for (const auto& issue : ledger->issues) {
    if (issue.line < 1 || issue.line > lines) std::abort();
  }
  for (const auto& inv : ledger->invoices) {
    if (inv.invoice.empty() || inv.customer.empty() || inv.amount_minor < 0 ||
        inv.amount_minor >= 1000000000000000 || inv.currency.size() != 3) {
      std::abort();
    }
  }
  // What was accepted must also be matchable.
  auto matcher = purr::matching::Matcher::Build(ledger->invoices);
  purr::matching::Payment p;
  p.amount_minor = 100;
  p.currency = "NOK";
  p.references = {std::string(bytes.substr(0, 30))};
  p.text = std::string(bytes.substr(0, 200));
  matcher->Match(p);
  return 0;
}
