// Size bombs in bank files: refused or bounded with a clear error, within the configured
// limits for memory and time. Memory is the process's peak resident set (getrusage), which
// only grows: each test measures how much its own work added.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "bank/bank.h"
#include "tests/bank/builders.h"

namespace purr::bank {
namespace {

using testing::Entry;
using testing::TxDtls;

// AddressSanitizer keeps freed memory in quarantine (256 MB by default), so under it the peak
// resident set says nothing about what the parser holds: the memory bounds are not checked.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kCheckMemory = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kCheckMemory = false;
#else
constexpr bool kCheckMemory = true;
#endif
#else
constexpr bool kCheckMemory = true;
#endif

int64_t PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class CountingSink : public TransactionSink {
 public:
  void OnTransaction(Transaction) override { ++transactions; }
  void OnDiagnostic(Diagnostic) override { ++diagnostics; }
  int64_t transactions = 0;
  int64_t diagnostics = 0;
};

// 10 levels of elements purr does not know, inside each of 200,000 entries, fed 1 MB at a
// time as the daemon feeds a large file: every entry read, memory bounded by one entry (the
// document is about 75 MB; none of it is held).
TEST(BankBomb, CamtWithTenLevelsOfNestingRepeatedStreamsInBoundedMemory) {
  std::string nest;
  for (int level = 0; level < 10; ++level) nest += "<Lvl" + std::to_string(level) + ">";
  nest += "deep";
  for (int level = 9; level >= 0; --level) nest += "</Lvl" + std::to_string(level) + ">";
  const std::string entry = Entry("10.00", "NOK", TxDtls("<RmtInf><Ustrd>F-1</Ustrd></RmtInf>" + nest));
  const std::string head =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.02\">\n"
      "<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M1</MsgId></GrpHdr><Ntfctn><Id>N1</Id>\n";
  const std::string tail = "</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>\n";
  constexpr int kEntries = 200000;

  const int64_t before = PeakRssMb();
  const auto start = std::chrono::steady_clock::now();
  CountingSink sink;
  CamtStreamParser parser(sink);
  std::string chunk = head;
  int64_t fed = 0;
  for (int i = 0; i < kEntries; ++i) {
    chunk += entry;
    if (chunk.size() >= (1 << 20)) {
      ASSERT_TRUE(parser.Feed(chunk).ok());
      fed += static_cast<int64_t>(chunk.size());
      chunk.clear();
    }
  }
  chunk += tail;
  fed += static_cast<int64_t>(chunk.size());
  ASSERT_TRUE(parser.Feed(chunk).ok());
  Status done = parser.Finish();
  ASSERT_TRUE(done.ok()) << done.ToString();
  EXPECT_EQ(sink.transactions, kEntries);
  EXPECT_GT(fed, 64 << 20);
  if (kCheckMemory) {
    EXPECT_LT(PeakRssMb() - before, 64) << "MB added while streaming " << (fed >> 20) << " MB";
  }
  EXPECT_LT(SecondsSince(start), 120.0);
}

// A "fixed-width" file of one 1 GB line: rejected as a whole, with the reason, in linear
// time and without a copy of the line (the input itself is the only gigabyte).
void ExpectOneHugeLineRejected(const std::string& start_of_line, const std::string& reason) {
  SCOPED_TRACE(start_of_line);
  const int64_t before = PeakRssMb();
  std::string bytes(size_t{1} << 30, '0');
  bytes.replace(0, start_of_line.size(), start_of_line);
  const auto start = std::chrono::steady_clock::now();
  ParseResult r = Parse(bytes);
  EXPECT_LT(SecondsSince(start), 60.0);
  ASSERT_FALSE(r.file_status.ok());
  EXPECT_NE(r.file_status.message().find(reason), std::string::npos) << r.file_status.message();
  EXPECT_TRUE(r.transactions.empty());
  if (kCheckMemory) {
    EXPECT_LT(PeakRssMb() - before, 1024 + 64);
  }
}

TEST(BankBomb, FixedWidthFileOfOneGigabyteLineIsRejectedWithoutACopy) {
  ExpectOneHugeLineRejected("NY000010", "more than 10000 records could not be read");
  ExpectOneHugeLineRejected("01BGMAX               0120040525173035010331P",
                            "more than 10000 records could not be read");
}

}  // namespace
}  // namespace purr::bank
