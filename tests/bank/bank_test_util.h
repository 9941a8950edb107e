// Vocabulary for the bank tests: read a conformance file, parse it, sum and list what came out.
#ifndef PURR_TESTS_BANK_BANK_TEST_UTIL_H_
#define PURR_TESTS_BANK_BANK_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bank/bank.h"

namespace purr::bank::testing {

// The shared conformance corpus (../shared/conformance/bank from the repository root).
inline std::string ConformanceDir() {
  return std::string(PURR_SOURCE_DIR) + "/../shared/conformance/bank/";
}

inline std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline bool HaveConformance() {
  return std::ifstream(ConformanceDir() + "SOURCES.md").good();
}

inline ParseResult ParseConformance(const std::string& name, ParseOptions options = {}) {
  std::string bytes = ReadBytes(ConformanceDir() + name);
  EXPECT_FALSE(bytes.empty()) << "missing conformance file " << name;
  return Parse(bytes, options);
}

inline int64_t SumSigned(const ParseResult& r) {
  int64_t sum = 0;
  for (const Transaction& t : r.transactions) sum += t.SignedAmountMinor();
  return sum;
}

inline std::vector<int64_t> Amounts(const ParseResult& r) {
  std::vector<int64_t> out;
  for (const Transaction& t : r.transactions) out.push_back(t.SignedAmountMinor());
  return out;
}

inline size_t CountErrors(const ParseResult& r) {
  size_t n = 0;
  for (const Diagnostic& d : r.diagnostics) n += d.severity == Diagnostic::Severity::kError;
  return n;
}

// Discards everything; for calls whose Status is all that matters.
class NullSink : public TransactionSink {
 public:
  void OnTransaction(Transaction) override { ++transactions; }
  void OnDiagnostic(Diagnostic) override { ++diagnostics; }
  int transactions = 0, diagnostics = 0;
};

// Human-readable dump for failure messages.
inline std::string Dump(const ParseResult& r) {
  std::ostringstream out;
  out << "format=" << r.format << " status=" << r.file_status.ToString() << "\n";
  for (const Transaction& t : r.transactions) {
    out << "  " << t.position << " " << DirectionName(t.direction) << (t.reversal ? " R" : "")
        << " " << t.amount_minor << " " << t.currency << " " << t.booking_date << " refs=[";
    for (const std::string& ref : t.references) out << ref << ";";
    out << "] text=\"" << t.text << "\" payer=\"" << t.payer_name << "\" id=" << t.payment_id
        << "\n";
  }
  for (const Diagnostic& d : r.diagnostics) {
    out << "  ! " << d.position << ": " << SeverityName(d.severity) << ": " << d.message << "\n";
  }
  return out.str();
}

}  // namespace purr::bank::testing

#endif  // PURR_TESTS_BANK_BANK_TEST_UTIL_H_
