// IdentifierIndex and NameIndex: the matching rules of cases/linker.h, one table or test per
// rule, and the index against a brute-force reference on generated ledgers and letters.
#include "cases/linker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdint>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace purr::cases {

void PrintTo(const LinkHit& h, std::ostream* os) {
  *os << IdKindName(h.kind) << " " << h.value << " case " << h.case_id << " customer " << h.customer
      << " [" << h.start << ", " << h.end << ") edits " << h.edits;
}

namespace {

KnownId Id(IdKind kind, std::string value, std::string case_id = "", std::string customer = "") {
  return {kind, std::move(value), std::move(case_id), std::move(customer)};
}
KnownId Case(std::string value) { return Id(IdKind::kCase, value, value, "K1"); }

class LinkerTest : public ::testing::Test {
 protected:
  void Index(std::vector<KnownId> ids) { index_ = IdentifierIndex::Build(std::move(ids)); }

  // "S310372-3 <s 310372 3>" for an exact hit, "S310372-3~1 <S31072-3>" for one error: the
  // known value, then the span of the text it was found in.
  std::vector<std::string> Hits(std::string_view text) const {
    std::vector<std::string> out;
    for (const LinkHit& h : index_->Find(text)) {
      EXPECT_LE(h.start, h.end);
      EXPECT_LE(h.end, text.size());
      out.push_back(h.value + (h.edits ? "~1" : "") + " <" +
                    std::string(text.substr(h.start, h.end - h.start)) + ">");
    }
    return out;
  }

  std::shared_ptr<const IdentifierIndex> index_;
};

using Expected = std::vector<std::string>;

struct FormatCase {
  const char* known;
  const char* text;
  const char* found;  // the span expected to hold the identifier, nullptr: no hit
};

// The creditors' formats from the ledgers we see, written as customers write them.
constexpr FormatCase kFormats[] = {
    {"S310372-3", "Gjelder sak S310372-3, takk.", "S310372-3"},
    {"S310372-3", "sak s310372 3\n", "s310372 3"},
    {"NR/2291/0457", "Deres ref. NR/2291/0457.", "NR/2291/0457"},
    {"NR/2291/0457", "nr 2291 0457", "nr 2291 0457"},
    {"NR/2291/0457", "(NR22910457)", "NR22910457"},
    {"CCM-3910457", "Ärende: CCM-3910457;", "CCM-3910457"},
    {"CCM-3910457", "ccm.3910457", "ccm.3910457"},
    {"26-119 512", "kundenummer 26119512", "26119512"},
    {"26119512", "kundenummer 26-119 512\n", "26-119 512"},
    {"S-2025-0001", "s-2025-0001", "s-2025-0001"},
    {"S-2025-0001", "Sak: S 2025 0001!", "S 2025 0001"},
    {"S-2025-0001", "S2025-0001", "S2025-0001"},
    {"S-2025-0001", "S_2025_0001", "S_2025_0001"},
    {"F-2025-0003", "faktura F-2025-0003 og", "F-2025-0003"},
    {"F-2025-0003", "faktura f / 2025 / 0003", "f / 2025 / 0003"},
    {"000012345678903", "Betalings-id: +71<000012345678903+85123456<", "000012345678903"},
    {"000012345678903", "FIK 0000 1234 5678 903", "0000 1234 5678 903"},
    {"01079193", "KID: 01079193", "01079193"},
    {"01079193", "KID 0107 9193 kr 1 250,00", "0107 9193"},
    // OCR confusions are folded: the same identifier, no edit.
    {"S310372-3", "S31O372-3", "S31O372-3"},
    {"S310372-3", "5310372-3", "5310372-3"},
    {"NR/2291/0457", "NR/229l/O457", "NR/229l/O457"},
    {"CCM-3910457", "CCM-39IO4S7", "CCM-39IO4S7"},
    {"88-123 456", "BB-123 456", "BB-123 456"},
    // Other punctuation ends an identifier.
    {"S-2025-0001", "S-2025:0001", nullptr},
    {"26119512", "26,119,512", nullptr},
    {"26119512", "26\t119 512", nullptr},
    {"S-2025-0001", "S-2025-\n0001", nullptr},
};

TEST_F(LinkerTest, FindsEveryFormatAsWritten) {
  for (const FormatCase& c : kFormats) {
    Index({Case(c.known)});
    Expected want;
    if (c.found) want.push_back(std::string(c.known) + " <" + c.found + ">");
    EXPECT_EQ(Hits(c.text), want) << c.known << " in " << c.text;
  }
}

TEST_F(LinkerTest, FindsIdentifiersJoinedByUnicodeSpacesAndDashes) {
  const std::string nbsp = "\xC2\xA0", narrow_nbsp = "\xE2\x80\xAF", en_dash = "\xE2\x80\x93";
  Index({Case("26119512"), Case("S-2025-0001")});
  const std::string customer = "26" + nbsp + "119" + narrow_nbsp + "512";
  const std::string case_id = "S" + en_dash + "2025" + en_dash + "0001";
  EXPECT_EQ(Hits("kunde " + customer + ", sak " + case_id),
            (Expected{"26119512 <" + customer + ">", "S-2025-0001 <" + case_id + ">"}));
}

TEST_F(LinkerTest, ReportsKindCaseAndCustomer) {
  Index({Id(IdKind::kInvoice, "F-2025-0003", "S-2025-0001", "K-884211")});
  std::vector<LinkHit> hits = index_->Find("Faktura F-2025-0003");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0],
            (LinkHit{IdKind::kInvoice, "F-2025-0003", "S-2025-0001", "K-884211", 8, 19, 0}));
  EXPECT_EQ(IdKindName(hits[0].kind), "invoice");
}

struct ErrorCase {
  const char* text;
  int hits;  // 0 or 1
};

// "S310372-3" normalises to 8 characters: one error is tolerated, two are not.
constexpr ErrorCase kErrors[] = {
    {"S310372-4", 1},   // substitution
    {"S310732-3", 1},   // adjacent transposition
    {"S3103722-3", 1},  // insertion
    {"S31072-3", 1},    // deletion
    {"S310372-33", 1},  // insertion at the end
    {"310372-3", 1},    // deletion at the start
    {"S310752-4", 0},   // two substitutions
    {"S301372-4", 0},   // transposition and substitution
    {"S3107-3", 0},     // two deletions
    {"S317032-3", 0},   // transposition of non-adjacent characters
};

TEST_F(LinkerTest, ToleratesOneErrorOfEachKind) {
  Index({Case("S310372-3")});
  for (const ErrorCase& c : kErrors) {
    Expected want;
    if (c.hits) want.push_back(std::string("S310372-3~1 <") + c.text + ">");
    EXPECT_EQ(Hits(c.text), want) << c.text;
  }
}

TEST_F(LinkerTest, ShortIdentifiersMatchOnlyExactly) {
  Index({Case("C1234"), Case("123456")});
  EXPECT_EQ(Hits("kunde C1234"), Expected{"C1234 <C1234>"});
  EXPECT_EQ(Hits("kunde c-1234"), Expected{"C1234 <c-1234>"});
  EXPECT_EQ(Hits("kunde C1235 C12345 C124"), Expected{});
  EXPECT_EQ(Hits("ref 123457 og 12345 1234567 213456"), Expected{});
  EXPECT_EQ(Hits("ref 123456"), Expected{"123456 <123456>"});
  Index({Case("1234567")});
  EXPECT_EQ(Hits("ref 1234568"), Expected{"1234567~1 <1234568>"});
  EXPECT_EQ(Hits("ref 123457"), Expected{"1234567~1 <123457>"});
}

TEST_F(LinkerTest, NeverInsideALongerRun) {
  Index({Case("123456")});
  EXPECT_EQ(Hits("x123456 123456y 91234560"), Expected{});
  EXPECT_EQ(Hits("\xC3\xB8"
                 "123456 l\xC3\xA5nenr123456"),
            Expected{});  // ø, å are letters
  EXPECT_EQ(Hits("\xC2\xAB"
                 "123456"
                 "\xC2\xBB"),
            Expected{"123456 <123456>"});  // «»
  Index({Case("1234567")});
  EXPECT_EQ(Hits("tlf 912345678"), Expected{});
  EXPECT_EQ(Hits("(1234567)"), Expected{"1234567 <1234567>"});
}

TEST_F(LinkerTest, PrefersTheExactHitAtTheSamePlace) {
  Index({Case("F-2025-0001"), Case("F-2025-0002"), Case("F-2025-0011")});
  EXPECT_EQ(Hits("F-2025-0001"), Expected{"F-2025-0001 <F-2025-0001>"});
  EXPECT_EQ(Hits("F-2025-0001 1"), Expected{"F-2025-0001 <F-2025-0001>"});
}

TEST_F(LinkerTest, ReportsEveryIdentifierAFuzzySpanFits) {
  Index({Case("S310372-3"), Case("S310372-5")});
  EXPECT_EQ(Hits("S310372-4"), (Expected{"S310372-3~1 <S310372-4>", "S310372-5~1 <S310372-4>"}));
}

TEST_F(LinkerTest, KeepsTheLongestOfOverlappingFuzzyHits) {
  Index({Case("12345678")});
  EXPECT_EQ(Hits("1234567 9"), Expected{"12345678~1 <1234567 9>"});
}

TEST_F(LinkerTest, ExactHitsMayOverlap) {
  Index({Id(IdKind::kCustomer, "S310372", "S310372-3", "S310372"), Case("S310372-3")});
  EXPECT_EQ(Hits("S310372-3"), (Expected{"S310372 <S310372>", "S310372-3 <S310372-3>"}));
}

TEST_F(LinkerTest, ReportsEveryCaseOfASharedIdentifier) {
  Index({Id(IdKind::kCustomer, "K-884211", "S-1", "K-884211"),
         Id(IdKind::kCustomer, "K-884211", "S-2", "K-884211"),
         Id(IdKind::kCustomer, "K-884211", "S-1", "K-884211"),  // a duplicate
         Id(IdKind::kInvoice, "k884211", "S-3", "K-884211")});
  EXPECT_EQ(index_->size(), 3u);
  std::vector<LinkHit> hits = index_->Find("kundenr. K 884211");
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].kind, IdKind::kInvoice);
  EXPECT_EQ(hits[1].case_id, "S-1");
  EXPECT_EQ(hits[2].case_id, "S-2");
}

TEST_F(LinkerTest, SkipsValuesWithNothingToFind) {
  Index({Case(""), Case("--/ ."), Case(std::string(65, '7')), Case(std::string(64, '7')),
         Case("x" + std::string(kMaxIdValueBytes, ' '))});
  EXPECT_EQ(index_->size(), 1u);
  EXPECT_EQ(index_->skipped(), 4u);
  EXPECT_EQ(Hits(std::string(64, '7')).size(), 1u);
  EXPECT_EQ(Hits(std::string(65, '7')).size(), 1u);  // one insertion
  EXPECT_EQ(Hits(std::string(66, '7')).size(), 0u);
}

TEST_F(LinkerTest, EmptyTextAndEmptyIndexFindNothing) {
  Index({Case("S310372-3")});
  EXPECT_EQ(Hits(""), Expected{});
  EXPECT_EQ(Hits(" - / "), Expected{});
  Index({});
  EXPECT_EQ(Hits("S310372-3"), Expected{});
  EXPECT_EQ(index_->size(), 0u);
}

TEST_F(LinkerTest, SurvivesInvalidUtf8) {
  Index({Case("S310372-3"), Case("26119512")});
  EXPECT_EQ(Hits("\xFF\xFE S310372-3 \xC3"), Expected{"S310372-3 <S310372-3>"});
  EXPECT_EQ(Hits("\xC3S310372-3\xE2\x80"), Expected{"S310372-3 <S310372-3>"});
  EXPECT_EQ(Hits("26\xC2"
                 "119 512"),
            Expected{});  // a truncated sequence breaks the number
  uint64_t state = 11;
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    for (int i = 0; i < 200; ++i) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      text.push_back(static_cast<char>(state >> 56));
      if ((state >> 40) % 50 == 0) text += "S310372-3";
    }
    Hits(text);  // spans checked inside
  }
}

TEST_F(LinkerTest, FindsIdentifiersInAMegabyteLetter) {
  Index({Case("S310372-3"), Case("NR/2291/0457"), Case("01079193")});
  std::string text = "S310372-3\n";
  while (text.size() < (1 << 20)) {
    text +=
        "Hei, jeg viser til brev av 12.03.2025 om kr 1 250,00 og ber om betalingsutsettelse "
        "til 30. april. Tlf 912 34 567, kontonr. 1234.56.78903. Med vennlig hilsen\n";
  }
  text += "KID 0107 9193";
  EXPECT_EQ(Hits(text), (Expected{"S310372-3 <S310372-3>", "01079193 <0107 9193>"}));
}

TEST_F(LinkerTest, FindsFromManyThreadsAtOnce) {
  Index({Case("S310372-3"), Case("01079193")});
  const std::string text = "sak S310372-4, KID 0107 9193";
  const std::vector<LinkHit> want = index_->Find(text);
  ASSERT_EQ(want.size(), 2u);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) wrong += index_->Find(text) != want;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong, 0);
}

// ---- Brute force ----------------------------------------------------------------------------

// The rules of linker.h written the dumb way: decode the text, try every delimited window
// against every known identifier with a dynamic-programming edit distance.
class BruteForce {
 public:
  explicit BruteForce(const std::vector<KnownId>& ids) {
    std::set<std::tuple<IdKind, std::string, std::string, std::string>> seen;
    for (const KnownId& id : ids) {
      std::string key = Fold(id.value);
      if (key.empty() || key.size() > kMaxIdLength || id.value.size() > kMaxIdValueBytes) continue;
      if (!seen.insert({id.kind, id.value, id.case_id, id.customer}).second) continue;
      by_key_[key].push_back(id);
      by_size_[key.size()].insert(key);
      max_key_ = std::max(max_key_, key.size());
    }
  }

  std::vector<LinkHit> Find(std::string_view text) const {
    std::vector<Char> chars = Decode(text);
    std::vector<Hit> hits;
    auto word = [&](size_t i) { return chars[i].cls == kId || chars[i].cls == kLetter; };
    for (size_t s = 0; s < chars.size(); ++s) {
      if (chars[s].cls != kId || (s > 0 && word(s - 1))) continue;
      std::string window;
      for (size_t e = s; e < chars.size() && (chars[e].cls == kId || chars[e].cls == kJoin); ++e) {
        if (chars[e].cls != kId) continue;
        window += chars[e].fold;
        if (window.size() > max_key_ + 1) break;
        if (e + 1 < chars.size() && word(e + 1)) continue;
        // Every known identifier; those more than one character longer or shorter are
        // skipped without the distance, which would be over one.
        for (size_t size = window.size() - 1; size <= window.size() + 1; ++size) {
          auto same_size = by_size_.find(size);
          if (same_size == by_size_.end()) continue;
          for (const std::string& key : same_size->second) {
            int d = Distance(window, key);
            if (d == 0 || (d == 1 && key.size() >= kMinFuzzyLength)) {
              hits.push_back({chars[s].offset, chars[e].offset + chars[e].size, key, d});
            }
          }
        }
      }
    }
    return Resolve(hits);
  }

 private:
  enum Class { kId, kJoin, kLetter, kOther };
  struct Char {
    size_t offset, size;
    Class cls;
    char fold;
  };
  struct Hit {
    size_t start, end;
    std::string key;
    int edits;
  };

  static char FoldChar(char c) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    switch (c) {
      case 'o':
        return '0';
      case 'i':
      case 'l':
        return '1';
      case 's':
        return '5';
      case 'b':
        return '8';
      default:
        return c;
    }
  }
  static bool IsAlnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
  static std::string Fold(std::string_view value) {
    std::string out;
    for (char c : value) {
      if (IsAlnum(c)) out += FoldChar(c);
    }
    return out;
  }

  // Full UTF-8 decoding; an invalid byte is a character of its own.
  static std::vector<Char> Decode(std::string_view t) {
    std::vector<Char> out;
    for (size_t i = 0; i < t.size();) {
      unsigned char c = static_cast<unsigned char>(t[i]);
      size_t n = c < 0x80                 ? 1
                 : c >= 0xC2 && c <= 0xDF ? 2
                 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4
                                          : 0;
      uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
      for (size_t k = 1; k < n; ++k) {
        if (i + k >= t.size() || (static_cast<unsigned char>(t[i + k]) & 0xC0) != 0x80) {
          n = 0;
          break;
        }
        cp = cp << 6 | (static_cast<unsigned char>(t[i + k]) & 0x3F);
      }
      if (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) n = 0;
      if (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) n = 0;
      if (n == 0) {
        out.push_back({i, 1, kOther, 0});
        ++i;
        continue;
      }
      Class cls = kOther;
      if (cp < 0x80 && IsAlnum(static_cast<char>(cp))) cls = kId;
      if (cp == ' ' || cp == '-' || cp == '/' || cp == '.' || cp == '_' || cp == 0xA0 ||
          cp == 0xAD || cp == 0x2009 || cp == 0x202F || (cp >= 0x2010 && cp <= 0x2015) ||
          cp == 0x2212) {
        cls = kJoin;
      }
      if (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) cls = kLetter;
      out.push_back({i, n, cls, cls == kId ? FoldChar(static_cast<char>(cp)) : '\0'});
      i += n;
    }
    return out;
  }

  // Optimal string alignment distance (adjacent transpositions count one), or 2 once it
  // is sure to be more than 1 (every cell of a row past 1).
  static int Distance(const std::string& a, const std::string& b) {
    if (a.size() > b.size() + 1 || b.size() > a.size() + 1) return 2;
    const size_t w = b.size() + 1;
    int d[(kMaxIdLength + 2) * (kMaxIdLength + 2)];
    for (size_t j = 0; j < w; ++j) d[j] = static_cast<int>(j);
    for (size_t i = 1; i <= a.size(); ++i) {
      d[i * w] = static_cast<int>(i);
      int row_min = d[i * w];
      for (size_t j = 1; j < w; ++j) {
        int& x = d[i * w + j];
        x = std::min({d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1,
                      d[(i - 1) * w + j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
          x = std::min(x, d[(i - 2) * w + j - 2] + 1);
        }
        row_min = std::min(row_min, x);
      }
      if (row_min > 1) return 2;
    }
    return std::min(d[a.size() * w + b.size()], 2);
  }

  static bool Overlap(const Hit& a, const Hit& b) { return a.start < b.end && b.start < a.end; }

  std::vector<LinkHit> Resolve(const std::vector<Hit>& hits) const {
    std::vector<Hit> kept, fuzzy;
    for (const Hit& h : hits) {
      if (h.edits == 0) kept.push_back(h);
    }
    for (const Hit& h : hits) {
      if (h.edits == 1 &&
          std::none_of(kept.begin(), kept.end(), [&](const Hit& e) { return Overlap(h, e); })) {
        fuzzy.push_back(h);
      }
    }
    std::sort(fuzzy.begin(), fuzzy.end(), [](const Hit& a, const Hit& b) {
      return std::make_tuple(a.key, b.end - b.start, a.start) <
             std::make_tuple(b.key, a.end - a.start, b.start);
    });
    std::vector<Hit> taken;
    for (const Hit& h : fuzzy) {
      if (std::none_of(taken.begin(), taken.end(),
                       [&](const Hit& t) { return t.key == h.key && Overlap(h, t); })) {
        taken.push_back(h);
      }
    }
    kept.insert(kept.end(), taken.begin(), taken.end());
    std::vector<LinkHit> out;
    for (const Hit& h : kept) {
      for (const KnownId& id : by_key_.at(h.key)) {
        out.push_back({id.kind, id.value, id.case_id, id.customer, h.start, h.end, h.edits});
      }
    }
    std::sort(out.begin(), out.end(), [](const LinkHit& a, const LinkHit& b) {
      return std::tie(a.start, a.end, a.edits, a.kind, a.value, a.case_id, a.customer) <
             std::tie(b.start, b.end, b.edits, b.kind, b.value, b.case_id, b.customer);
    });
    return out;
  }

  std::map<std::string, std::vector<KnownId>> by_key_;
  std::map<size_t, std::set<std::string>> by_size_;
  size_t max_key_ = 0;
};

// Ledgers full of near neighbours and letters full of damaged identifiers.
class Generator {
 public:
  explicit Generator(uint64_t seed) : state_(seed) {}

  uint64_t Next(uint64_t n) {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return (state_ >> 33) % n;
  }

  std::string Digits(size_t n, int alphabet = 10) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += static_cast<char>('0' + Next(alphabet));
    return s;
  }

  std::string NewId() {
    int few = 3;  // a small alphabet makes neighbours
    switch (Next(12)) {
      case 0:
        return "S" + Digits(6, few) + "-" + Digits(1);
      case 1:
        return "NR/" + Digits(4, few) + "/" + Digits(4, few);
      case 2:
        return "CCM-" + Digits(7, few);
      case 3:
        return Digits(2) + "-" + Digits(3, few) + " " + Digits(3, few);
      case 4:
        return "S-2025-" + Digits(4, few);
      case 5:
        return "F-2025-" + Digits(4, few);
      case 6:
        return Digits(15, few);  // FIK
      case 7:
        return Digits(8, few);  // KID
      case 8:
        return Digits(3 + Next(4), few);  // short customer numbers
      case 9:
        return "AB" + Digits(3 + Next(3), few);  // around the fuzzy threshold
      default:
        return ids_.empty() ? Digits(7) : Damage(ids_[Next(ids_.size())], 1);
    }
  }

  std::vector<KnownId> Ledger(size_t n) {
    std::vector<KnownId> out;
    while (out.size() < n) {
      std::string value = NewId();
      if (Fold(value).empty()) continue;
      ids_.push_back(value);
      IdKind kind = static_cast<IdKind>(Next(4));
      out.push_back({kind, value, "S" + std::to_string(Next(n / 3 + 1)),
                     "K" + std::to_string(Next(n / 5 + 1))});
      if (Next(10) == 0) out.push_back(out.back());  // duplicates
    }
    return out;
  }

  // One random edit (or, with OCR, a confusion or separator change) per round.
  std::string Damage(std::string s, int rounds) {
    static constexpr std::string_view kChars = "0123456789abcdefsoilb -/.";
    for (int r = 0; r < rounds && !s.empty(); ++r) {
      size_t p = Next(s.size());
      switch (Next(5)) {
        case 0:
          s[p] = kChars[Next(kChars.size())];
          break;
        case 1:
          s.insert(s.begin() + p, kChars[Next(kChars.size())]);
          break;
        case 2:
          s.erase(p, 1);
          break;
        case 3:
          if (p + 1 < s.size()) std::swap(s[p], s[p + 1]);
          break;
        default:
          s.insert(p, Next(2) ? " " : "\xE2\x80\x93");
          break;
      }
    }
    return s;
  }

  std::string Mention(std::string s) {
    switch (Next(8)) {
      case 0:
        return Damage(s, 1);
      case 1:
        return Damage(s, 2);
      case 2: {
        for (char& c : s) {
          if (c == '0' && Next(2)) c = 'O';
          if (c == '1' && Next(2)) c = 'l';
          if (c == '5' && Next(2)) c = 'S';
          if (c >= 'A' && c <= 'Z' && Next(2)) c = static_cast<char>(c - 'A' + 'a');
        }
        return s;
      }
      case 3: {
        std::string out;
        for (char c : s) {
          if (c != '-' && c != '/' && c != ' ') out += c;
          if (Next(4) == 0) out += Next(2) ? " " : "\xC2\xA0";
        }
        return out;
      }
      default:
        return s;
    }
  }

  std::string Letter(size_t chunks) {
    static constexpr std::string_view kWords[] = {"Hei",
                                                  "jeg",
                                                  "har",
                                                  "betalt",
                                                  "faktura",
                                                  "sak",
                                                  "nr.",
                                                  "Ref:",
                                                  "kr",
                                                  "1 250,00",
                                                  "12.03.2025",
                                                  "tlf",
                                                  "bel\xC3\xB8p",
                                                  "\xC3\x98ystein",
                                                  "KID",
                                                  "og",
                                                  "-",
                                                  "/",
                                                  "(",
                                                  ")",
                                                  "\n",
                                                  ",",
                                                  "\xFF",
                                                  "\xC3",
                                                  "\xC2\xAB",
                                                  "\t",
                                                  "Med vennlig hilsen",
                                                  "s",
                                                  "b",
                                                  "O"};
    std::string text;
    for (size_t i = 0; i < chunks; ++i) {
      switch (Next(6)) {
        case 0:
        case 1:
          text += Mention(ids_[Next(ids_.size())]);
          break;
        case 2:
          text += Digits(1 + Next(9), 3);
          break;
        default:
          text += kWords[Next(std::size(kWords))];
          break;
      }
      static constexpr std::string_view kGaps[] = {" ", " ", " ", "", "-", ". ", ", ", "\n", " / "};
      text += kGaps[Next(std::size(kGaps))];
    }
    return text;
  }

  static std::string Fold(std::string_view value) {
    std::string out;
    for (char c : value) {
      if (std::isalnum(static_cast<unsigned char>(c))) out += c;
    }
    return out;
  }

 private:
  uint64_t state_;
  std::vector<std::string> ids_;
};

void ExpectSameAsBruteForce(size_t ids, size_t letters, uint64_t seed) {
  Generator gen(seed);
  std::vector<KnownId> ledger = gen.Ledger(ids);
  BruteForce reference(ledger);
  auto index = IdentifierIndex::Build(ledger);
  size_t total = 0, fuzzy = 0, ambiguous = 0;
  for (size_t i = 0; i < letters; ++i) {
    std::string text = gen.Letter(10 + gen.Next(40));
    std::vector<LinkHit> want = reference.Find(text);
    ASSERT_EQ(index->Find(text), want) << "letter " << i << ": " << text;
    total += want.size();
    for (size_t k = 0; k < want.size(); ++k) {
      fuzzy += want[k].edits;
      ambiguous += k > 0 && want[k].edits && want[k - 1].start == want[k].start &&
                   want[k - 1].end == want[k].end && want[k - 1].value != want[k].value;
    }
  }
  // The generated letters exercise what they should.
  EXPECT_GT(total, letters);
  EXPECT_GT(fuzzy, letters / 10);
  EXPECT_GT(ambiguous, 0u);
}

TEST(LinkerBruteForceTest, AgreesOnALedgerOfThousands) { ExpectSameAsBruteForce(3000, 1500, 1); }

TEST(LinkerBruteForceTest, AgreesOnADenseSmallLedger) { ExpectSameAsBruteForce(200, 3000, 2); }

// ---- Names ----------------------------------------------------------------------------------

class NameTest : public ::testing::Test {
 protected:
  void Index(std::vector<KnownName> names) { index_ = NameIndex::Build(std::move(names)); }

  // "K1 Kari Nordmann <KARI NORDMANN>": customer, known name, span of the text.
  std::vector<std::string> Hits(std::string_view text) const {
    std::vector<std::string> out;
    for (const NameHit& h : index_->Find(text)) {
      out.push_back(h.customer + " " + h.name + " <" +
                    std::string(text.substr(h.start, h.end - h.start)) + ">");
    }
    return out;
  }

  std::shared_ptr<const NameIndex> index_;
};

TEST_F(NameTest, FindsASignatureCaseInsensitively) {
  Index({{"K1", "Kari Nordmann"}, {"K2", "\xC3\x98ystein \xC3\x85s"}});
  EXPECT_EQ(Hits("Med vennlig hilsen\nKari Nordmann\n"),
            Expected{"K1 Kari Nordmann <Kari Nordmann>"});
  EXPECT_EQ(Hits("KARI  NORDMANN"), Expected{"K1 Kari Nordmann <KARI  NORDMANN>"});
  EXPECT_EQ(Hits("hilsen \xC3\xB8ystein \xC3\xA5s."),
            Expected{"K2 \xC3\x98ystein \xC3\x85s <\xC3\xB8ystein \xC3\xA5s>"});
}

TEST_F(NameTest, ReadsTheLedgersSurnameFirstForm) {
  Index({{"K1", "Nordmann, Kari"}, {"K3", "Anne-Lise O'Brien"}});
  EXPECT_EQ(Hits("Kari Nordmann"), Expected{"K1 Nordmann, Kari <Kari Nordmann>"});
  EXPECT_EQ(Hits("anne lise o\xE2\x80\x99"
                 "brien"),
            Expected{"K3 Anne-Lise O'Brien <anne lise o\xE2\x80\x99"
                     "brien>"});
}

TEST_F(NameTest, ANameHeldByTwoCustomersIdentifiesNobody) {
  Index({{"K1", "Kari Nordmann"},
         {"K2", "kari nordmann"},
         {"K3", "Ola Hansen"},
         {"K3", "Ola Hansen"}});
  EXPECT_EQ(Hits("Kari Nordmann"), Expected{});
  EXPECT_EQ(Hits("Ola Hansen"), Expected{"K3 Ola Hansen <Ola Hansen>"});
  EXPECT_EQ(index_->size(), 1u);
}

TEST_F(NameTest, OnlyWholeWordsOfFullNames) {
  Index({{"K1", "Kari Nordmann"}, {"K2", "Cher"}});
  EXPECT_EQ(Hits("Kari Nordmannsen"), Expected{});
  EXPECT_EQ(Hits("Kari\nNordmann"), Expected{});
  EXPECT_EQ(Hits("Cher"), Expected{});
  EXPECT_EQ(index_->size(), 1u);
}

TEST_F(NameTest, SurvivesAnyBytes) {
  Index({{"K1", "Kari Nordmann"}, {"K2", "\xFF\xC3 x"}, {"K3", "\xC3\x98 \xC3"}});
  EXPECT_EQ(Hits("\xFF"
                 "Kari Nordmann\xC3"),
            Expected{"K1 Kari Nordmann <Kari Nordmann>"});
  EXPECT_EQ(Hits(""), Expected{});
  Generator gen(5);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    for (int i = 0; i < 100; ++i) text.push_back(static_cast<char>(gen.Next(256)));
    if (round % 2) text += " Kari Nordmann";
    EXPECT_EQ(Hits(text).size(), static_cast<size_t>(round % 2)) << text;
  }
  Index({});
  EXPECT_EQ(Hits("Kari Nordmann"), Expected{});
}

}  // namespace
}  // namespace purr::cases
