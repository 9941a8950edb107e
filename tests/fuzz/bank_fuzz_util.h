// Shared by the bank fuzz targets: a sink that checks invariants of what parsers deliver.
#ifndef PURR_TESTS_FUZZ_BANK_FUZZ_UTIL_H_
#define PURR_TESTS_FUZZ_BANK_FUZZ_UTIL_H_

#include <cstdlib>
#include <string>

#include "bank/bank.h"

namespace purr::bank::fuzz {

// Inputs beyond this size only make the fuzzer slower, not wiser.
inline constexpr size_t kMaxInput = 64 * 1024;

class CheckingSink : public TransactionSink {
 public:
  void OnTransaction(Transaction t) override {
    // Invariants every parser promises; abort() makes libFuzzer keep the input.
    if (t.amount_minor < 0 || t.payment_id.empty() || t.format.empty() ||
        t.references.size() != t.reference_details.size()) {
      std::abort();
    }
    if (!t.booking_date.empty() && t.booking_date.size() != 10) std::abort();
    ++transactions;
  }
  void OnDiagnostic(Diagnostic d) override {
    if (d.position.empty() || d.message.empty()) std::abort();
  }
  size_t transactions = 0;
};

}  // namespace purr::bank::fuzz

#endif  // PURR_TESTS_FUZZ_BANK_FUZZ_UTIL_H_
