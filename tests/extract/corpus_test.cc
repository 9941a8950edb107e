// Sweep over the labelled letter corpus (fixtures/letters): extraction never
// fails, every span lies in the text, and the references the letters quote are
// found with their checks.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "extract/entities.h"

namespace purr::extract {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path LettersDir() {
  return fs::path(PURR_SOURCE_DIR) / "fixtures" / "letters";
}

std::vector<Entity> Extract(const std::string& relative,
                            const std::string& language) {
  ExtractOptions o;
  o.language = language;
  return ExtractEntities(ReadFile(LettersDir() / relative), o);
}

bool Has(const std::vector<Entity>& all, const std::string& type,
         const std::string& value, bool valid) {
  for (const Entity& e : all) {
    if (e.type == type && e.value == value && e.valid == valid) return true;
  }
  return false;
}

TEST(ExtractCorpus, EveryLetterGivesWellFormedEntities) {
  std::map<std::string, int> per_type;
  int letters = 0;
  for (const char* lang : {"nb", "sv", "da", "en"}) {
    for (const auto& entry : fs::directory_iterator(LettersDir() / lang)) {
      if (entry.path().extension() != ".txt") continue;
      const std::string text = ReadFile(entry.path());
      ++letters;
      ExtractOptions o;
      o.language = lang;
      for (const Entity& e : ExtractEntities(text, o)) {
        ASSERT_LT(e.start, e.end) << entry.path();
        ASSERT_LE(e.end, text.size()) << entry.path();
        EXPECT_FALSE(e.value.empty()) << entry.path() << " " << e.type;
        ++per_type[e.type];
      }
    }
  }
  EXPECT_GE(letters, 240);
  // Figures of the corpus as written (see docs/extract.md): a drop means a
  // regression.
  EXPECT_GE(per_type["amount"], 200);
  EXPECT_GE(per_type["date"], 250);
  EXPECT_GE(per_type["case_number"], 150);
  EXPECT_GE(per_type["kid"], 7);
  EXPECT_GE(per_type["ocr_reference"], 8);
  EXPECT_GE(per_type["fi_payment"], 4);
  EXPECT_GE(per_type["postal_address"], 10);
}

// Without a language hint, "kr" amounts get the currency of the letter's
// country: the marker-word guess must tell Norwegian from Danish.
TEST(ExtractCorpus, BareKronerTakeTheLettersCurrencyWithoutAHint) {
  const std::map<std::string, std::string> currency = {
      {"nb", "NOK"}, {"sv", "SEK"}, {"da", "DKK"}};
  for (const auto& [lang, code] : currency) {
    int right = 0, total = 0;
    for (const auto& entry : fs::directory_iterator(LettersDir() / lang)) {
      if (entry.path().extension() != ".txt") continue;
      const std::string text = ReadFile(entry.path());
      for (const Entity& e : ExtractEntities(text, {})) {
        const std::string matched = text.substr(e.start, e.end - e.start);
        if (e.type != "amount" ||
            matched.find_first_of("NSDEU\xC2\xE2") != std::string::npos)
          continue;  // an explicit code or symbol
        ++total;
        right += e.detail == code;
      }
    }
    EXPECT_GE(total, 40) << lang;
    EXPECT_GE(right * 100, total * 95)
        << lang << ": " << right << " of " << total;
  }
}

TEST(ExtractCorpus, NorwegianLettersKids) {
  EXPECT_TRUE(Has(Extract("nb/002_payment_proof_power.txt", "nb"), "kid",
                  "186252763", true));
  EXPECT_TRUE(Has(Extract("nb/002_payment_proof_power.txt", "nb"),
                  "bank_account", "15033852808", true));
  EXPECT_TRUE(Has(Extract("nb/025_paid_complaint_reminder_fee.txt", "nb"),
                  "kid", "390996031", true));
  EXPECT_TRUE(Has(Extract("nb/031_quotes_letter_no_objection_paid.txt", "nb"),
                  "kid", "2601815908309", true));
  EXPECT_TRUE(Has(Extract("nb/036_partial_payment_proof.txt", "nb"), "kid",
                  "6563212231", true));
  EXPECT_TRUE(Has(Extract("nb/026_access_request_and_dispute.txt", "nb"),
                  "national_id", "27917743636", true));
}

// Letters about a mistyped reference quote both numbers, the typed one without
// a label.
TEST(ExtractCorpus, MistypedReferencesAreUnlabelledCandidates) {
  const auto nb = Extract("nb/054_paid_wrong_kid.txt", "nb");
  EXPECT_TRUE(Has(nb, "kid", "189555927", false));
  EXPECT_TRUE(Has(nb, "kid", "189555972", true));
  const auto sv = Extract("sv/023_betalt_fel_ocr.txt", "sv");
  EXPECT_TRUE(Has(sv, "ocr_reference", "521974998371", false));
  EXPECT_TRUE(Has(sv, "ocr_reference", "521974998317", true));
  const auto en = Extract("en/023_paid_wrong_kid.txt", "en");
  EXPECT_TRUE(Has(en, "kid", "30374797893", false) ||
              Has(en, "kid", "30374797893", true));
}

TEST(ExtractCorpus, DanishFiLinesAndWrongPaymentId) {
  EXPECT_TRUE(Has(Extract("da/002_paid_water_bill_fi.txt", "da"), "fi_payment",
                  "+71<000579868282883 +80729022<", true));
  const auto wrong = Extract("da/054_paid_wrong_fi_reference.txt", "da");
  EXPECT_TRUE(Has(wrong, "fi_payment", "000004125242773", false));
  EXPECT_TRUE(Has(wrong, "fi_payment", "+71<000004125242737 +81672326<", true));
  EXPECT_TRUE(Has(wrong, "amount", "187500", true));
}

TEST(ExtractCorpus, SwedishAndEnglishReferences) {
  const auto en = Extract("en/028_quoting_earlier_dispute_now_paid.txt", "en");
  EXPECT_TRUE(Has(en, "ocr_reference", "151964975792", true));
  EXPECT_TRUE(Has(en, "bank_account", "731-9056", true));
  EXPECT_TRUE(Has(Extract("en/039_paid_dentist_iban.txt", "en"), "bank_account",
                  "DE89370400440532013000", true));
}

}  // namespace
}  // namespace purr::extract
