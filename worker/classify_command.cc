// purr classify: letters in; language, classes, legal category, deadline, entities and the
// reasons for each out. No output carries the letter's text, so every identity and account
// number in it is masked (extract::Mask / extract::MaskSensitive; docs/privacy.md).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "classify/classify.h"
#include "extract/entities.h"
#include "worker/classify_examples.h"
#include "worker/cli.h"
#include "worker/commands.h"
#include "worker/letter_input.h"

namespace purr {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr const char* kUsage =
    "purr classify [--json] [--rules DIR] [--model FILE|none] [--received YYYY-MM-DD] "
    "[--jurisdiction NO|SE|DK] [--min-confidence P] FILE...";

constexpr const char* kDescription =
    "Reads debtors' letters and says what they ask for (classes, multi-label, each with a "
    "confidence), whether the law says collection must halt (legal category, jurisdiction, "
    "deadline counted from the receipt date, statute), which references, amounts, dates and "
    "accounts they name, and why: every class and the legal category carry the rule ids or "
    "model features and the byte spans of the words behind them. FILE is plain text (UTF-8, "
    "or Windows-1252), an e-mail (.eml), or a scan or PDF (OCR'd first; found by content). "
    "Letters the classifier is unsure of, or where rules and model disagree on a halt class, "
    "say needs_human with the reasons. --json prints one JSON object per file per line. "
    "Exit status: 0 all files classified, 1 some file failed, 2 usage error.";

double Round3(double v) { return std::round(v * 1000.0) / 1000.0; }

Array::Ptr ReasonsJson(const std::vector<classify::Reason>& reasons) {
  Array::Ptr out = new Array;
  for (const auto& reason : reasons) {
    Object::Ptr r = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    r->set("source", reason.source);
    r->set("id", reason.id);
    r->set("detail", extract::MaskSensitive(reason.detail));
    Array::Ptr spans = new Array;
    for (const auto& span : reason.spans) {
      Object::Ptr s = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      s->set("start", static_cast<uint64_t>(span.start));
      s->set("end", static_cast<uint64_t>(span.end));
      spans->add(s);
    }
    r->set("spans", spans);
    out->add(r);
  }
  return out;
}

Object::Ptr LegalJson(const classify::LegalResult& legal) {
  Object::Ptr out = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("category", classify::LegalCategoryName(legal.category));
  out->set("jurisdiction", classify::JurisdictionCode(legal.jurisdiction));
  if (legal.deadline) {
    out->set("deadline", legal.deadline->ToString());
  } else {
    out->set("deadline", Poco::Dynamic::Var());
  }
  out->set("statute", legal.statute);
  out->set("reasons", ReasonsJson(legal.reasons));
  return out;
}

Array::Ptr EntitiesJson(const std::vector<extract::Entity>& entities) {
  Array::Ptr out = new Array;
  for (const auto& entity : entities) {
    Object::Ptr e = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    e->set("type", entity.type);
    e->set("value", extract::Mask(entity));
    e->set("valid", entity.valid);
    e->set("start", static_cast<uint64_t>(entity.start));
    e->set("end", static_cast<uint64_t>(entity.end));
    if (!entity.detail.empty()) e->set("detail", entity.detail);
    out->add(e);
  }
  return out;
}

Object::Ptr ResultJson(const std::string& file, const classify::Classification& c,
                       const std::vector<extract::Entity>& entities,
                       const LetterText& letter) {
  Object::Ptr out = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("file", file);
  out->set("input", letter.kind);
  out->set("language", classify::LanguageCode(c.language.language));
  out->set("language_confidence", Round3(c.language.confidence));
  Array::Ptr classes = new Array;
  for (const auto& cls : c.classes) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("class", classify::ClassName(cls.cls));
    o->set("confidence", Round3(cls.confidence));
    o->set("reasons", ReasonsJson(cls.reasons));
    classes->add(o);
  }
  out->set("classes", classes);
  out->set("legal", LegalJson(c.legal));
  out->set("needs_human", c.needs_human);
  Array::Ptr why = new Array;
  for (const auto& reason : c.needs_human_reasons) why->add(extract::MaskSensitive(reason));
  out->set("needs_human_reasons", why);
  out->set("entities", EntitiesJson(entities));
  out->set("model_version", c.model_version);
  out->set("rules_version", c.rules_version);
  Array::Ptr warnings = new Array;
  for (const auto& w : letter.warnings) warnings->add(extract::MaskSensitive(w));
  out->set("warnings", warnings);
  out->set("error", Poco::Dynamic::Var());
  return out;
}

Object::Ptr ErrorJson(const std::string& file, const Status& status, const ClassifierSetup& setup) {
  Object::Ptr out = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  out->set("file", file);
  out->set("language", Poco::Dynamic::Var());
  out->set("language_confidence", Poco::Dynamic::Var());
  out->set("classes", Array::Ptr(new Array));
  out->set("legal", Poco::Dynamic::Var());
  out->set("needs_human", true);
  Array::Ptr why = new Array;
  why->add("the file could not be read");
  out->set("needs_human_reasons", why);
  out->set("entities", Array::Ptr(new Array));
  out->set("model_version", setup.model ? setup.model->version() : "");
  out->set("rules_version", setup.rules->version());
  Object::Ptr error = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  error->set("code", std::string(Status::CodeName(status.code())));
  error->set("message", extract::MaskSensitive(status.message()));
  out->set("error", error);
  return out;
}

void PrintPlain(const std::string& file, const classify::Classification& c,
                const std::vector<extract::Entity>& entities) {
  std::cout << file << ": " << classify::LanguageCode(c.language.language) << " ("
            << Round3(c.language.confidence) << ")\n  classes:";
  for (const auto& cls : c.classes) {
    std::cout << " " << classify::ClassName(cls.cls) << " " << Round3(cls.confidence);
    if (!cls.reasons.empty()) std::cout << " [" << cls.reasons.front().id << "]";
  }
  std::cout << "\n  legal: " << classify::LegalCategoryName(c.legal.category) << ", "
            << classify::JurisdictionCode(c.legal.jurisdiction);
  if (c.legal.deadline) std::cout << ", act by " << c.legal.deadline->ToString();
  if (!c.legal.statute.empty()) std::cout << "\n  statute: " << c.legal.statute;
  std::cout << "\n";
  if (c.needs_human) {
    std::cout << "  NEEDS HUMAN:";
    for (const auto& r : c.needs_human_reasons) std::cout << " " << extract::MaskSensitive(r) << ";";
    std::cout << "\n";
  }
  if (!entities.empty()) {
    std::cout << "  entities:";
    for (const auto& e : entities) std::cout << " " << e.type << "=" << extract::Mask(e) << (e.valid ? "" : "(invalid)");
    std::cout << "\n";
  }
}

}  // namespace

int RunClassifyCommand(const CommandArgs& args) {
  cli::CommandLine cl(kUsage, kDescription);
  cl.Flag("json", "one JSON object per file per line");
  cl.Value("rules", "DIR", "rule files (default: rules/)");
  cl.Value("model", "FILE", "model file (default: fixtures/models/classify.model; 'none': rules only)");
  cl.Value("received", "YYYY-MM-DD", "receipt date deadlines count from (default: today, UTC)");
  cl.Value("jurisdiction", "NO|SE|DK", "the case's jurisdiction, when known");
  cl.Decimal("min-confidence", "P", "with --model none: classes below this are not reported (default 0.5; a model brings its own per-class thresholds)", 0.001,
             0.999);
  if (auto exit_code = cl.Parse(args)) return *exit_code;
  if (cl.positional().empty()) return cl.UsageError("no FILE given");
  classify::ClassifyOptions options;
  std::optional<classify::Date> received = classify::Date::Parse(cl.Get("received", TodayUtc()));
  if (!received) return cl.UsageError("--received must be a date YYYY-MM-DD");
  options.received = *received;
  if (cl.Has("jurisdiction")) {
    options.case_jurisdiction = classify::ParseJurisdiction(cl.Get("jurisdiction"));
    if (options.case_jurisdiction == classify::Jurisdiction::kUnknown) {
      return cl.UsageError("--jurisdiction must be NO, SE or DK");
    }
  }
  if (cl.Has("min-confidence")) {
    options.min_confidence = cl.GetDecimal("min-confidence", options.min_confidence);
  }
  Result<ClassifierSetup> setup = LoadClassifierSetup(cl.Get("rules"), cl.Get("model"));
  if (!setup.ok()) {
    std::cerr << "purr classify: " << setup.status().message() << "\n";
    return cli::kExitSomeFailed;
  }
  classify::Classifier classifier(setup->rules, setup->model);
  LetterReader reader{LetterReaderOptions()};
  const bool json = cl.Has("json");
  int failed = 0;
  for (const std::string& file : cl.positional()) {
    Result<LetterText> letter = reader.Read(file);
    if (!letter.ok()) {
      ++failed;
      std::cerr << "purr classify: " << extract::MaskSensitive(letter.status().message()) << "\n";
      if (json) {
        ErrorJson(file, letter.status(), *setup)->stringify(std::cout);
        std::cout << "\n";
      }
      continue;
    }
    classify::Classification c = classifier.Classify(letter->text, options);
    extract::ExtractOptions extract_options;
    extract_options.language = classify::LanguageCode(c.language.language);
    if (extract_options.language == "unknown") extract_options.language.clear();
    extract_options.default_year = options.received.year;
    std::vector<extract::Entity> entities = extract::ExtractEntities(letter->text, extract_options);
    for (const auto& w : letter->warnings) {
      std::cerr << "purr classify: " << file << ": " << extract::MaskSensitive(w) << "\n";
    }
    if (json) {
      ResultJson(file, c, entities, *letter)->stringify(std::cout);
      std::cout << "\n";
    } else {
      PrintPlain(file, c, entities);
    }
    std::cout.flush();
  }
  return failed > 0 ? cli::kExitSomeFailed : cli::kExitOk;
}

}  // namespace purr
