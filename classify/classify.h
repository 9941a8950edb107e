// Letter understanding: a debtor's letter (text) in; its language, what it asks for, whether
// the law says collection must halt, by when someone must act, and why.
//
//   Result<std::shared_ptr<const RuleSet>> rules = LoadRuleSet(files);        // rules.h
//   Result<std::shared_ptr<const Model>> model = Model::FromBytes(bytes);      // model.h
//   Classifier classifier(*rules, *model);
//   Classification c = classifier.Classify(text, {.received = Date{2026, 11, 23}});
//
// Pure: no I/O, no threads, no clock (the receipt date is passed in). A Classifier is
// immutable after construction and may be used by many threads at once; it holds the rule
// set and the model by shared_ptr<const>, so a caller that reloads rules builds a new
// Classifier and lets the old one go when the last user is done.
//
// Every span is a byte range [start, end) into the text given to Classify, whatever the
// normalisation did (case folding, rejoined hyphenation, OCR confusions).
#ifndef PURR_CLASSIFY_CLASSIFY_H_
#define PURR_CLASSIFY_CLASSIFY_H_

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace purr::classify {

enum class Language { kUnknown, kNb, kNn, kSv, kDa, kEn };
// "nb", "nn", "sv", "da", "en", "unknown".
const char* LanguageCode(Language language);
// Inverse of LanguageCode; "no" is read as nb. Unknown codes give kUnknown.
Language ParseLanguage(std::string_view code);

enum class Class {
  kDispute,
  kPaymentProof,
  kInstalmentRequest,
  kDeferralRequest,
  kDebtSettlement,
  kBankruptcy,
  kDeceased,
  kIdentityFraud,
  kDataRequest,
  kComplaint,
  kAddressChange,
  kLimitation,
  kOther,
};
inline constexpr int kClassCount = 13;
inline constexpr std::array<Class, kClassCount> kAllClasses = {
    Class::kDispute,       Class::kPaymentProof,  Class::kInstalmentRequest,
    Class::kDeferralRequest, Class::kDebtSettlement, Class::kBankruptcy,
    Class::kDeceased,      Class::kIdentityFraud, Class::kDataRequest,
    Class::kComplaint,     Class::kAddressChange, Class::kLimitation,
    Class::kOther};
// "dispute", "payment_proof", ... as in the corpus labels.
const char* ClassName(Class cls);
std::optional<Class> ParseClass(std::string_view name);
// dispute, debt_settlement, bankruptcy, deceased, identity_fraud, limitation.
bool IsHaltClass(Class cls);

enum class LegalCategory { kNone, kHalt, kStatutoryDeadline };
// "none", "halt", "statutory_deadline".
const char* LegalCategoryName(LegalCategory category);
std::optional<LegalCategory> ParseLegalCategory(std::string_view name);

enum class Jurisdiction { kUnknown, kNo, kSe, kDk };
// "NO", "SE", "DK", "unknown".
const char* JurisdictionCode(Jurisdiction jurisdiction);
Jurisdiction ParseJurisdiction(std::string_view code);

// A calendar date (proleptic Gregorian). Deadlines are dates, not instants.
struct Date {
  int year = 0, month = 0, day = 0;
  bool valid() const;
  std::string ToString() const;  // YYYY-MM-DD
  // Parses YYYY-MM-DD; nullopt for anything else or an impossible date.
  static std::optional<Date> Parse(std::string_view text);
  // REQUIRES: valid() (for both).
  Date AddDays(int days) const;
  // Same day n months later, or the last day of that month when it has no such day
  // (how "one month" is counted under Regulation 1182/71, domain.md A.5).
  Date AddMonths(int months) const;
  friend bool operator==(const Date&, const Date&) = default;
};

// A byte range [start, end) into the original text.
struct Span {
  size_t start = 0, end = 0;
  friend bool operator==(const Span&, const Span&) = default;
};

// The evidence behind a decision.
struct Reason {
  std::string source;  // "rule", "model", "language", "jurisdiction", "legal"
  std::string id;      // the rule id, or the model version
  std::string detail;  // human text: what matched, the model's probability, the statute
  std::vector<Span> spans;
};

struct ClassResult {
  Class cls = Class::kOther;
  double confidence = 0;  // 0..1
  std::vector<Reason> reasons;
};

struct LegalResult {
  LegalCategory category = LegalCategory::kNone;
  Jurisdiction jurisdiction = Jurisdiction::kUnknown;
  std::optional<Date> deadline;  // when someone must have acted; none for category none
  std::string statute;           // the law behind the category and deadline
  std::vector<Reason> reasons;
};

struct LanguageResult {
  Language language = Language::kUnknown;
  double confidence = 0;
};

struct Classification {
  LanguageResult language;
  std::vector<ClassResult> classes;  // highest confidence first; never empty ("other")
  LegalResult legal;
  bool needs_human = false;
  std::vector<std::string> needs_human_reasons;
  std::string model_version;  // empty when classified by rules alone
  std::string rules_version;

  bool Has(Class cls) const;
};

struct ClassifyOptions {
  Date received;  // receipt date; deadlines count from it. Invalid: no deadline, needs_human.
  // Rules alone (no model): a class below this confidence is not reported, and a halt
  // class found below it sends the letter to a human. With a model, the thresholds of each
  // class come from the model file (calibrated by cross-validation, see model.h).
  double min_confidence = 0.5;
  // The case's jurisdiction when the caller knows it; wins over the language.
  Jurisdiction case_jurisdiction = Jurisdiction::kUnknown;
};

class RuleSet;  // classify/rules.h
class Model;    // classify/model.h

class Classifier {
 public:
  // REQUIRES: rules != nullptr. model may be null: rules and language alone then decide.
  Classifier(std::shared_ptr<const RuleSet> rules, std::shared_ptr<const Model> model);

  // Never fails: empty or unreadable text classifies as "other" with needs_human set.
  // Invalid UTF-8 is read byte by byte (bad bytes count as spaces).
  Classification Classify(std::string_view text, const ClassifyOptions& options) const;

  const RuleSet& rules() const { return *rules_; }
  const Model* model() const { return model_.get(); }

 private:
  std::shared_ptr<const RuleSet> rules_;
  std::shared_ptr<const Model> model_;
};

}  // namespace purr::classify

#endif  // PURR_CLASSIFY_CLASSIFY_H_
