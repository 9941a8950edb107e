// The classifier on short letters in the debtors' own words: classes, negations and
// near-misses, legal categories, deadlines per jurisdiction, reasons and spans.
#include "classify/classify.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "tests/classify/corpus.h"

namespace purr::classify {
namespace {

constexpr Date kReceived{2026, 1, 31};

class ClassifierTest : public ::testing::Test {
 protected:
  Classification Classify(const std::string& text, Date received = kReceived,
                          Jurisdiction case_jurisdiction = Jurisdiction::kUnknown) const {
    ClassifyOptions options;
    options.received = received;
    options.case_jurisdiction = case_jurisdiction;
    return classifier_.Classify(text, options);
  }
  static std::set<std::string> Names(const Classification& c) {
    std::set<std::string> out;
    for (const auto& cls : c.classes) out.insert(ClassName(cls.cls));
    return out;
  }
  Classifier classifier_{testing::ShippedRules(), testing::ShippedModel()};
};

struct LetterCase {
  const char* text;
  std::set<std::string> classes;  // exactly these
  const char* legal;
};

class ClassifyLetters : public ClassifierTest, public ::testing::WithParamInterface<LetterCase> {};

// Exactly these classes, or the letter goes to a human: a letter decided alone must have the
// right class set. The legal category is right either way.
TEST_P(ClassifyLetters, FindsExactlyTheClasses) {
  Classification c = Classify(GetParam().text);
  if (Names(c) != GetParam().classes) {
    EXPECT_TRUE(c.needs_human) << GetParam().text << ": " << ::testing::PrintToString(Names(c));
  }
  EXPECT_STREQ(LegalCategoryName(c.legal.category), GetParam().legal) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    DebtorsWords, ClassifyLetters,
    ::testing::Values(
        // Issue 4's negation example: an instalment request, not a dispute.
        LetterCase{"Hei. Jeg bestrider ikke kravet, men ber om en nedbetalingsplan. Jeg kan betale 500 kr i måneden.",
                   {"instalment_request"}, "none"},
        LetterCase{"Hei. Jeg bestrider kravet. Jeg har aldri bestilt dette abonnementet.", {"dispute"}, "halt"},
        LetterCase{"Hej. Jag bestrider inte kravet men vill ha en avbetalningsplan, 800 kr i månaden.",
                   {"instalment_request"}, "none"},
        LetterCase{"Hej. Jag bestrider härmed kravet. Jag har aldrig beställt någon telefon.", {"dispute"}, "halt"},
        LetterCase{"Hej. Jeg gør indsigelse mod kravet, jeg har aldrig bestilt varen.", {"dispute"}, "halt"},
        LetterCase{"Hello, I am not disputing the debt, but I would like a payment plan of 50 pounds a month.",
                   {"instalment_request"}, "none"},
        LetterCase{"Hei. Jeg er ikke konkurs, men trenger litt mer tid. Jeg betaler etter neste lønning.",
                   {"deferral_request"}, "none"},
        LetterCase{"Hei. Min far døde 3. mars. Jeg skriver på vegne av dødsboet etter ham.", {"deceased"}, "halt"},
        LetterCase{"Hej. Min pappa har avlidit. Dödsboet efter honom företräds av mig.", {"deceased"}, "halt"},
        LetterCase{"Hei. Kravet er foreldet, det er over tre år gammelt. Jeg påberoper meg foreldelse.",
                   {"limitation"}, "halt"},
        LetterCase{"Hei. Jeg er utsatt for ID-tyveri og har anmeldt det til politiet.", {"identity_fraud"}, "halt"},
        LetterCase{"Hej. Skifteretten har indledt gældssanering for mig.", {"debt_settlement"}, "halt"},
        LetterCase{"Hello. My company was declared bankrupt last week; the trustee in bankruptcy is Mr Hall.",
                   {"bankruptcy"}, "halt"},
        LetterCase{"Hei. Jeg ber om innsyn i alle personopplysninger dere har om meg, jf. GDPR artikkel 15.",
                   {"data_request"}, "statutory_deadline"},
        LetterCase{"Hej! Jag har flyttat. Min nya adress är Storgatan 5, 111 22 Stockholm.", {"address_change"}, "none"},
        LetterCase{"Hei. Jeg har betalt kravet i dag, vedlagt kvittering fra nettbanken.", {"payment_proof"}, "none"},
        // "never ordered" describes the theft in an identity-theft letter (unless_classes).
        LetterCase{"Hej. Jeg har aldrig bestilt noget hos Elshop. Nogen har brugt mine oplysninger, "
                   "og det er anmeldt til politiet.",
                   {"identity_fraud"}, "halt"},
        // (A payment plan inside a debt settlement is the settlement's plan: the calibrated
        // model of 2026-12-07 adds instalment_request to "... og jeg skal betale 500 kr i
        // måneden etter planen" without asking a human; docs/classifier.md lists the family.)
        // Quoted agency text is not the writer's statement (domain.md D.7).
        LetterCase{"Hei. Brevet deres var adressert til \"Dødsboet etter Kari Nilsen\". Jeg er Kari "
                   "Nilsen og lever i beste velgående. Dette klager jeg på.",
                   {"complaint"}, "none"},
        LetterCase{"Betalt nå i kveld, KID 0088104512071.\n\n> Har De innsigelser mot kravet, eller er De "
                   "under gjeldsforhandling eller konkursbehandling, må De gi beskjed.",
                   {"payment_proof"}, "none"},
        // A third party's bankruptcy explains a delay; it is not the debtor's.
        LetterCase{"Hej. Firmaet jeg arbejdede for gik konkurs i september, og jeg har ikke fået løn. "
                   "Kan jeg få henstand til den 15. januar?",
                   {"deferral_request"}, "none"},
        // A negation does not reach across "men": the second clause is a dispute.
        LetterCase{"Hei. Jeg har ikke noe imot å betale strømmen, men jeg bestrider gebyret på 900 kr.",
                   {"dispute"}, "halt"},
        // Nynorsk "not in disagreement with the claim" is no dispute.
        LetterCase{"Hei. Eg er ikkje usamd i kravet og skuldar pengane, men kan eg få utsetjing til "
                   "20. januar? Eg er permittert.",
                   {"deferral_request"}, "none"},
        // OCR reads "m" as "rn".
        LetterCase{"Hei. Jeg ber om en nedbetalingsplan, 500 kr i rnåneden.", {"instalment_request"}, "none"}));

// A halt rule of low weight the model does not back is a possible halt for a human, not a
// finding; never silently dropped.
TEST_F(ClassifierTest, WeakHaltEvidenceGoesToAHumanAsPossible) {
  Classification c = Classify("Hei. Jeg leste om en konkurs i avisen i går. Kan dere sende fakturaen på nytt?");
  EXPECT_FALSE(c.Has(Class::kBankruptcy));
  EXPECT_NE(c.legal.category, LegalCategory::kHalt);
  ASSERT_TRUE(c.needs_human);
  bool possible = std::any_of(c.needs_human_reasons.begin(), c.needs_human_reasons.end(),
                              [](const std::string& r) { return r.find("possible bankruptcy") == 0; });
  EXPECT_TRUE(possible) << ::testing::PrintToString(c.needs_human_reasons);
}

// Weak halt evidence the calibration is sure of is reported from the class's weak_report,
// learnt in training; a model without one (written before it existed) sends the letter to a
// human as before.
TEST(WeakHaltEvidence, IsReportedFromTheLearntBarOnly) {
  const std::string letter =
      "Hello,\n\nThe invoice you are collecting was for tools bought by my sole proprietorship, "
      "Berg Plumbing. The district court in Oslo declared the business bankrupt on 3 March "
      "2026, and since a sole proprietor answers for the business, the bankruptcy is mine. The "
      "estate is handled by attorney Nina Lie, please send your claim to her.\n\nRegards,\nPer Berg\n";
  ClassifyOptions options;
  options.received = kReceived;
  options.case_jurisdiction = Jurisdiction::kNo;
  const int bankruptcy = static_cast<int>(Class::kBankruptcy);
  auto classify_with = [&](const std::string& weak) {
    Result<std::shared_ptr<const Model>> model =
        Model::FromBytes(testing::ShippedModelWithWeakReport(bankruptcy, weak));
    EXPECT_TRUE(model.ok()) << model.status().ToString();
    return Classifier(testing::ShippedRules(), model.ok() ? *model : nullptr).Classify(letter, options);
  };
  auto possible = [](const Classification& c) {
    return std::any_of(c.needs_human_reasons.begin(), c.needs_human_reasons.end(),
                       [](const std::string& r) { return r.find("possible bankruptcy") == 0; });
  };

  const Classification reported = classify_with("0.5");
  EXPECT_TRUE(reported.Has(Class::kBankruptcy));
  EXPECT_EQ(reported.legal.category, LegalCategory::kHalt);
  EXPECT_FALSE(possible(reported)) << ::testing::PrintToString(reported.needs_human_reasons);

  for (const std::string& weak : {std::string(), std::string("1")}) {
    const Classification asked = classify_with(weak);
    EXPECT_FALSE(asked.Has(Class::kBankruptcy)) << weak;
    ASSERT_TRUE(asked.needs_human) << weak;
    EXPECT_TRUE(possible(asked)) << ::testing::PrintToString(asked.needs_human_reasons);
  }
}

TEST_F(ClassifierTest, HaltOnlyInQuotedTextGoesToAHuman) {
  Classification c = Classify("Jeg har betalt i dag.\n\n> Bestrider De kravet, må De gi beskjed innen 14 dager.");
  EXPECT_FALSE(c.Has(Class::kDispute));
  bool possible = std::any_of(c.needs_human_reasons.begin(), c.needs_human_reasons.end(),
                              [](const std::string& r) { return r.find("possible dispute") == 0; });
  EXPECT_TRUE(possible) << ::testing::PrintToString(c.needs_human_reasons);
}

TEST_F(ClassifierTest, DeadlinesPerJurisdiction) {
  struct Case {
    const char* text;
    Date received;
    const char* jurisdiction;
    Date deadline;
  } cases[] = {
      {"Hei. Jeg ber om innsyn i personopplysningene dere har om meg.", {2026, 1, 31}, "NO", {2026, 2, 28}},
      {"Hej. Jag begär registerutdrag över mina personuppgifter enligt GDPR.", {2024, 1, 31}, "SE", {2024, 2, 29}},
      {"Hej. Jeg anmoder om indsigt i de personoplysninger I har om mig.", {2026, 5, 15}, "DK", {2026, 6, 15}},
      {"Hello, under GDPR I request a copy of my personal data. Call me on +46 70 123 45 67.", {2026, 12, 31},
       "SE", {2027, 1, 31}},
      // An English letter placed by its Swedish postal address ("NNN NN Town").
      {"Hello, under GDPR I request a copy of my personal data.\nRichard Hollis\nVastra Vagen 17\n511 58 Kinna",
       {2026, 3, 10}, "SE", {2026, 4, 10}},
  };
  for (const Case& c : cases) {
    Classification result = Classify(c.text, c.received);
    EXPECT_EQ(result.legal.category, LegalCategory::kStatutoryDeadline) << c.text;
    EXPECT_STREQ(JurisdictionCode(result.legal.jurisdiction), c.jurisdiction) << c.text;
    ASSERT_TRUE(result.legal.deadline.has_value()) << c.text;
    EXPECT_EQ(*result.legal.deadline, c.deadline) << c.text << " got " << result.legal.deadline->ToString();
    EXPECT_NE(result.legal.statute.find("12"), std::string::npos) << result.legal.statute;
  }
}

TEST_F(ClassifierTest, HaltIsImmediateWithTheCountrysStatute) {
  Classification no = Classify("Hei. Jeg bestrider kravet, jeg har aldri bestilt noe.");
  ASSERT_EQ(no.legal.category, LegalCategory::kHalt);
  EXPECT_EQ(*no.legal.deadline, kReceived);
  EXPECT_NE(no.legal.statute.find("inkassoloven"), std::string::npos);
  Classification dk = Classify("Hej. Jeg bestrider kravet, jeg har aldrig bestilt noget.");
  EXPECT_EQ(dk.legal.jurisdiction, Jurisdiction::kDk);
  EXPECT_NE(dk.legal.statute.find("god inkassoskik"), std::string::npos);
  ASSERT_FALSE(dk.legal.reasons.empty());
  bool has_legal_rule = std::any_of(dk.legal.reasons.begin(), dk.legal.reasons.end(),
                                    [](const Reason& r) { return r.id == "legal.dispute"; });
  EXPECT_TRUE(has_legal_rule);
}

TEST_F(ClassifierTest, NoReceiptDateMeansNoDeadlineAndAHuman) {
  Classification c = Classify("Hei. Jeg bestrider kravet, jeg har aldri bestilt noe.", Date{});
  EXPECT_EQ(c.legal.category, LegalCategory::kHalt);
  EXPECT_FALSE(c.legal.deadline.has_value());
  EXPECT_TRUE(c.needs_human);
}

TEST_F(ClassifierTest, EnglishWithoutCountrySignalsNeedsAHuman) {
  Classification c = Classify("Hello, I dispute this claim. I never ordered anything from this shop.");
  EXPECT_EQ(c.legal.category, LegalCategory::kHalt);
  EXPECT_EQ(c.legal.jurisdiction, Jurisdiction::kUnknown);
  EXPECT_TRUE(c.needs_human);
}

TEST_F(ClassifierTest, CaseJurisdictionWins) {
  Classification c = Classify("Hello, I dispute this claim, I never ordered it.", kReceived, Jurisdiction::kSe);
  EXPECT_EQ(c.legal.jurisdiction, Jurisdiction::kSe);
}

TEST_F(ClassifierTest, ReasonsPointAtTheTriggeringWords) {
  const std::string text = "Til inkasso.\nJeg BESTRIDER kravet fullt ut.";
  Classification c = Classify(text);
  ASSERT_TRUE(c.Has(Class::kDispute));
  const ClassResult& dispute = *std::find_if(c.classes.begin(), c.classes.end(),
                                             [](const ClassResult& r) { return r.cls == Class::kDispute; });
  bool found = false;
  for (const Reason& r : dispute.reasons) {
    if (r.id != "dispute.nb.bestrider") continue;
    ASSERT_FALSE(r.spans.empty());
    EXPECT_EQ(text.substr(r.spans[0].start, r.spans[0].end - r.spans[0].start), "BESTRIDER");
    found = true;
  }
  EXPECT_TRUE(found);
  EXPECT_FALSE(c.model_version.empty());
  EXPECT_EQ(c.rules_version, testing::ShippedRules()->version());
}

TEST_F(ClassifierTest, HaltClassFromARuleIsKeptWhenTheModelDisagrees) {
  // A bare sentence unlike any training letter: the model has little to go on.
  Classification c = Classify("kravet er foreldet");
  EXPECT_TRUE(c.Has(Class::kLimitation));
  EXPECT_EQ(c.legal.category, LegalCategory::kHalt);
}

TEST_F(ClassifierTest, EmptyAndUnreadableTextGoToAHuman) {
  for (const std::string& text : {std::string(), std::string("   \n\n  "), std::string("\xFF\xFE\xFD", 3)}) {
    Classification c = Classify(text);
    ASSERT_EQ(c.classes.size(), 1u);
    EXPECT_EQ(c.classes[0].cls, Class::kOther);
    EXPECT_TRUE(c.needs_human);
    EXPECT_EQ(c.legal.category, LegalCategory::kNone);
  }
}

TEST_F(ClassifierTest, LanguageOfShortLetters) {
  struct Case {
    const char* text;
    Language language;
  } cases[] = {
      {"Hei, jeg har ikke fått varen og vil ikke betale før dere har sjekket saken.", Language::kNb},
      {"Hej, jeg har ikke fået varen og vil ikke betale, før I har undersøgt sagen.", Language::kDa},
      {"Hej, jag har inte fått varan och vill inte betala innan ni har kollat ärendet.", Language::kSv},
      {"Hello, I have not received the goods and will not pay until you have checked.", Language::kEn},
      {"Hei, eg har ikkje fått varene og vil ikkje betala før de har sjekka saka.", Language::kNn},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Classify(c.text).language.language, c.language) << c.text;
  }
}

TEST_F(ClassifierTest, SharedAcrossThreadsGivesTheSameResults) {
  const std::string text = testing::Corpus().front().example.text;
  const std::set<std::string> expected = Names(Classify(text));
  std::vector<std::thread> threads;
  std::vector<int> same(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) same[static_cast<size_t>(t)] += Names(Classify(text)) == expected;
    });
  }
  for (auto& thread : threads) thread.join();
  for (int n : same) EXPECT_EQ(n, 25);
}

TEST(Date, CalendarArithmetic) {
  EXPECT_EQ((Date{2024, 1, 31}.AddMonths(1)), (Date{2024, 2, 29}));
  EXPECT_EQ((Date{2023, 12, 31}.AddMonths(2)), (Date{2024, 2, 29}));
  EXPECT_EQ((Date{2026, 12, 15}.AddMonths(1)), (Date{2027, 1, 15}));
  EXPECT_EQ((Date{2026, 2, 20}.AddDays(14)), (Date{2026, 3, 6}));
  EXPECT_EQ((Date{2026, 1, 1}.AddDays(-1)), (Date{2025, 12, 31}));
  EXPECT_EQ(Date::Parse("2026-02-29"), std::nullopt);
  EXPECT_EQ(Date::Parse("2026-2-1"), std::nullopt);
  EXPECT_EQ(Date::Parse("2024-02-29")->ToString(), "2024-02-29");
}

}  // namespace
}  // namespace purr::classify
