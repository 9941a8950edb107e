// The labelled letter corpus (fixtures/letters) and the shipped rules and model, loaded once
// for the classify tests.
#ifndef PURR_TESTS_CLASSIFY_CORPUS_H_
#define PURR_TESTS_CLASSIFY_CORPUS_H_

#include <memory>
#include <string>
#include <vector>

#include "classify/classify.h"
#include "classify/model.h"
#include "classify/rules.h"

namespace purr::classify::testing {

struct CorpusLetter {
  Example example;
  std::string split;
};

// Every letter of fixtures/letters/*/labels.jsonl. Fails the test on a malformed corpus.
const std::vector<CorpusLetter>& Corpus();
// fixtures/letters-blind: letters written blind, never used to tune rules or train.
const std::vector<CorpusLetter>& BlindCorpus();

std::shared_ptr<const RuleSet> ShippedRules();
std::shared_ptr<const Model> ShippedModel();

std::string ReadFile(const std::string& path);

// The shipped model's bytes with output `output`'s calibration line ending in `weak` as its
// weak_report, or, with `weak` empty, without that number (as a model written before it
// existed).
std::string ShippedModelWithWeakReport(int output, const std::string& weak);

}  // namespace purr::classify::testing

#endif  // PURR_TESTS_CLASSIFY_CORPUS_H_
