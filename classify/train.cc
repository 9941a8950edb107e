// TrainModel: the class model (liblinear), its cross-validated calibration and thresholds,
// and the language model (fastText).
#include <linear.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <numeric>
#include <sstream>
#include <unordered_map>

#include "classify/features.h"
#include "classify/model.h"
#include "classify/normalize.h"
#include "classify/rules.h"
#include "classify/training.h"

namespace purr::classify {
namespace {

void Silent(const char*) {}

using Labels = std::array<bool, kOutputCount>;

// Everything training reads of one letter, computed once.
struct Prepared {
  std::vector<FeatureVector> features;
  std::vector<Labels> labels;
  std::vector<RuleEvidence> rules;
};

Prepared Prepare(const std::vector<Example>& examples, const RuleSet& rules) {
  Prepared p;
  for (const Example& example : examples) {
    const FoldedText folded = Fold(example.text);
    p.features.push_back(LetterFeatures(folded.text, example.language));
    p.rules.push_back(RuleEvidenceOf(rules, example.text, folded, {example.language, 1.0}));
    Labels labels{};
    for (Class cls : example.classes) {
      labels[static_cast<size_t>(cls)] = true;
      if (IsHaltClass(cls)) labels[kHaltOutput] = true;
    }
    p.labels.push_back(labels);
  }
  return p;
}

// The linear class model: weights of the kept buckets, row 0 the bias.
struct Linear {
  std::vector<uint32_t> buckets;  // row r + 1 is buckets[r]
  std::vector<float> weights;     // (1 + buckets.size()) rows of kOutputCount
  std::unordered_map<uint32_t, int> row_of;

  double Score(const FeatureVector& f, int k) const {
    double s = weights[static_cast<size_t>(k)];
    for (const FeatureValue& v : f.values) {
      auto it = row_of.find(v.index);
      if (it != row_of.end()) s += v.value * weights[static_cast<size_t>(it->second) * kOutputCount + static_cast<size_t>(k)];
    }
    return s;
  }
};

// One binary logistic regression; returns its weights (features 1..n, then the bias).
std::vector<double> FitBinary(const std::vector<feature_node*>& x, const std::vector<double>& y, int n,
                              double cost) {
  std::vector<double> w(static_cast<size_t>(n) + 1, 0);
  const bool any_positive = std::find(y.begin(), y.end(), 1.0) != y.end();
  const bool any_negative = std::find(y.begin(), y.end(), -1.0) != y.end();
  if (!any_positive || !any_negative) {
    w[static_cast<size_t>(n)] = any_positive ? 8 : -8;
    return w;
  }
  problem prob{};
  prob.l = static_cast<int>(y.size());
  prob.n = n + 1;
  prob.y = const_cast<double*>(y.data());
  prob.x = const_cast<feature_node**>(x.data());
  prob.bias = 1;
  parameter param{};
  param.solver_type = L2R_LR;
  param.eps = 0.01;
  param.C = cost;
  param.p = 0.1;
  model* m = train(&prob, &param);
  int labels[2] = {0, 0};
  get_labels(m, labels);
  const int positive = labels[0] == 1 ? 0 : 1;
  for (int j = 1; j <= n; ++j) w[static_cast<size_t>(j - 1)] = get_decfun_coef(m, j, positive);
  w[static_cast<size_t>(n)] = get_decfun_bias(m, positive);
  free_and_destroy_model(&m);
  return w;
}

Linear TrainLinear(const Prepared& data, const std::vector<size_t>& rows, const TrainOptions& options) {
  Linear out;
  std::unordered_map<uint32_t, int> df;
  for (size_t r : rows) {
    for (const FeatureValue& f : data.features[r].values) ++df[f.index];
  }
  for (auto [bucket, count] : df) {
    if (count >= options.min_count) out.buckets.push_back(bucket);
  }
  std::sort(out.buckets.begin(), out.buckets.end());
  const int n = static_cast<int>(out.buckets.size());
  for (int i = 0; i < n; ++i) out.row_of[out.buckets[static_cast<size_t>(i)]] = i + 1;
  std::vector<std::vector<feature_node>> nodes(rows.size());
  std::vector<feature_node*> x(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    for (const FeatureValue& f : data.features[rows[i]].values) {
      auto it = out.row_of.find(f.index);
      if (it != out.row_of.end()) nodes[i].push_back({it->second, f.value});
    }
    nodes[i].push_back({n + 1, 1.0});
    nodes[i].push_back({-1, 0});
    x[i] = nodes[i].data();
  }
  out.weights.assign((static_cast<size_t>(n) + 1) * kOutputCount, 0);
  std::vector<double> y(rows.size());
  for (int k = 0; k < kOutputCount; ++k) {
    for (size_t i = 0; i < rows.size(); ++i) y[i] = data.labels[rows[i]][static_cast<size_t>(k)] ? 1 : -1;
    std::vector<double> w = FitBinary(x, y, n, options.cost);
    out.weights[static_cast<size_t>(k)] = static_cast<float>(w[static_cast<size_t>(n)]);
    for (int j = 0; j < n; ++j) {
      out.weights[static_cast<size_t>(j + 1) * kOutputCount + static_cast<size_t>(k)] = static_cast<float>(w[static_cast<size_t>(j)]);
    }
  }
  return out;
}

// Fits q = sigmoid(a*score + b*rule + c*any + d) on the cross-validated scores.
Calibration FitCalibration(const std::vector<double>& scores, const std::vector<std::pair<double, bool>>& rules,
                           const std::vector<double>& y) {
  std::vector<std::array<feature_node, 5>> nodes(scores.size());
  std::vector<feature_node*> x(scores.size());
  for (size_t i = 0; i < scores.size(); ++i) {
    nodes[i] = {{{1, scores[i]}, {2, rules[i].first}, {3, rules[i].second ? 1.0 : 0.0}, {4, 1.0}, {-1, 0}}};
    x[i] = nodes[i].data();
  }
  std::vector<double> w = FitBinary(x, y, 3, 10);
  Calibration c;
  c.a = w[0], c.b = w[1], c.c = w[2], c.d = w[3];
  return c;
}

// The lowest probability from which the `eligible` letters it would report reach
// `precision`, counted on `right`, with at least `min_right` of them right; 2 when none does.
double LowestAtPrecision(const std::vector<double>& q, const std::vector<bool>& right,
                         const std::vector<bool>& eligible, double precision, int min_right) {
  std::vector<size_t> order;
  for (size_t i = 0; i < q.size(); ++i) {
    if (eligible[i]) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return q[a] > q[b]; });
  int tp = 0, reported = 0;
  double from = 2;
  for (size_t i = 0; i < order.size(); ++i) {
    ++reported;
    if (right[order[i]]) ++tp;
    const bool last_of_value = i + 1 == order.size() || q[order[i + 1]] < q[order[i]];
    if (last_of_value && tp >= min_right && tp >= precision * reported) from = q[order[i]];
  }
  return from;
}

// `report`: the lowest probability from which the letters it would report reach the target
// precision, counted on `right` (for a halt class: the letter is a halt letter at all, the
// legal category being what reporting it decides) among the letters `eligible` for a report
// (for a halt class: those a rule found it in, as the model alone never reports one).
// `doubt`: the probability below which at most `miss_rate` of the class's letters lie.
void ChooseThresholds(const std::vector<double>& q, const std::vector<double>& y, const std::vector<bool>& right,
                      const std::vector<bool>& eligible, double target_precision, double miss_rate,
                      Calibration* c) {
  c->report = std::clamp(LowestAtPrecision(q, right, eligible, target_precision, 3), 0.2, 1.0);
  std::vector<double> positives;
  for (size_t i = 0; i < q.size(); ++i) {
    if (y[i] > 0) positives.push_back(q[i]);
  }
  std::sort(positives.begin(), positives.end());
  const size_t allowed = static_cast<size_t>(std::floor(miss_rate * static_cast<double>(positives.size())));
  c->doubt = positives.empty() ? c->report : positives[std::min(allowed, positives.size() - 1)];
  c->doubt = std::min(c->doubt, c->report);
}

std::string LinearSection(const Linear& linear, const std::array<Calibration, kOutputCount>& calibration) {
  std::ostringstream header;
  header.precision(9);
  const size_t rows = linear.buckets.size() + 1;
  header << "outputs " << kOutputCount << " rows " << rows << " bits " << kFeatureBits << "\n";
  for (int k = 0; k < kOutputCount; ++k) {
    const Calibration& c = calibration[static_cast<size_t>(k)];
    header << "cal " << k << " " << c.a << " " << c.b << " " << c.c << " " << c.d << " " << c.report << " "
           << c.doubt << " " << c.weak_report << "\n";
  }
  std::string out = header.str();
  const size_t row_bytes = 4 + 4 * kOutputCount;
  const size_t offset = out.size();
  out.resize(offset + rows * row_bytes);
  char* p = out.data() + offset;
  for (size_t r = 0; r < rows; ++r, p += row_bytes) {
    const uint32_t bucket = r == 0 ? kBiasBucket : linear.buckets[r - 1];
    std::memcpy(p, &bucket, 4);
    std::memcpy(p + 4, linear.weights.data() + r * kOutputCount, 4 * kOutputCount);
  }
  return out;
}

}  // namespace

std::pair<double, bool> RuleInput(const RuleEvidence& e, int k) {
  if (k != kHaltOutput) return {e.score[static_cast<size_t>(k)], e.any[static_cast<size_t>(k)]};
  double best = 0;
  bool any = false;
  for (Class cls : kAllClasses) {
    if (!IsHaltClass(cls)) continue;
    best = std::max(best, e.score[static_cast<size_t>(cls)]);
    any = any || e.any[static_cast<size_t>(cls)];
  }
  return {best, any};
}

double CalibratedProbability(const Calibration& c, double score, double rule_score, bool any_rule) {
  return 1.0 / (1.0 + std::exp(-(c.a * score + c.b * rule_score + c.c * (any_rule ? 1 : 0) + c.d)));
}

std::vector<int> AssignFolds(const std::vector<Example>& examples, int folds) {
  std::vector<int> fold(examples.size(), 0);
  std::map<std::string, std::vector<size_t>> groups;
  for (size_t i = 0; i < examples.size(); ++i) groups[examples[i].group].push_back(i);
  if (static_cast<int>(groups.size()) < folds) {
    for (size_t i = 0; i < examples.size(); ++i) fold[i] = static_cast<int>(i % static_cast<size_t>(folds));
    return fold;
  }
  std::vector<const std::vector<size_t>*> by_size;
  for (const auto& [name, members] : groups) by_size.push_back(&members);
  std::stable_sort(by_size.begin(), by_size.end(), [](auto* a, auto* b) { return a->size() > b->size(); });
  std::vector<size_t> size(static_cast<size_t>(folds), 0);
  for (const auto* members : by_size) {
    const size_t f = static_cast<size_t>(std::min_element(size.begin(), size.end()) - size.begin());
    size[f] += members->size();
    for (size_t i : *members) fold[i] = static_cast<int>(f);
  }
  return fold;
}

Result<std::string> TrainModel(const std::vector<Example>& examples, const RuleSet& rules,
                               const TrainOptions& options) {
  namespace fs = std::filesystem;
  if (examples.empty()) return Status::InvalidInput("no training examples");
  set_print_string_function(Silent);
  const Prepared data = Prepare(examples, rules);

  // Cross-validated scores of every letter, from models that did not see its group.
  const int folds = std::max(2, options.calibration_folds);
  const std::vector<int> fold = AssignFolds(examples, folds);
  std::vector<std::array<double, kOutputCount>> oof(examples.size());
  for (int f = 0; f < folds; ++f) {
    std::vector<size_t> train_rows, test_rows;
    for (size_t i = 0; i < examples.size(); ++i) (fold[i] == f ? test_rows : train_rows).push_back(i);
    if (test_rows.empty() || train_rows.empty()) continue;
    const Linear linear = TrainLinear(data, train_rows, options);
    for (size_t i : test_rows) {
      for (int k = 0; k < kOutputCount; ++k) oof[i][static_cast<size_t>(k)] = linear.Score(data.features[i], k);
    }
  }
  std::array<Calibration, kOutputCount> calibration;
  for (int k = 0; k < kOutputCount; ++k) {
    std::vector<double> scores, y;
    std::vector<std::pair<double, bool>> rule_inputs;
    for (size_t i = 0; i < examples.size(); ++i) {
      scores.push_back(oof[i][static_cast<size_t>(k)]);
      rule_inputs.push_back(RuleInput(data.rules[i], k));
      y.push_back(data.labels[i][static_cast<size_t>(k)] ? 1 : -1);
    }
    Calibration c = FitCalibration(scores, rule_inputs, y);
    std::vector<double> q;
    for (size_t i = 0; i < scores.size(); ++i) {
      q.push_back(CalibratedProbability(c, scores[i], rule_inputs[i].first, rule_inputs[i].second));
    }
    // The halt output guards every halt letter, whatever its class: it alone gets the
    // strict miss rate; a halt class below its doubt with the halt output above its own
    // still reaches a human.
    const bool halt_class = k != kHaltOutput && IsHaltClass(kAllClasses[static_cast<size_t>(k)]);
    std::vector<bool> right, eligible;
    for (size_t i = 0; i < examples.size(); ++i) {
      right.push_back(halt_class ? data.labels[i][kHaltOutput] : y[i] > 0);
      eligible.push_back(!halt_class || rule_inputs[i].second);
    }
    ChooseThresholds(q, y, right, eligible, halt_class ? options.halt_precision : options.target_precision,
                     k == kHaltOutput ? options.halt_miss_rate : options.miss_rate, &c);
    if (halt_class) {
      // Letters where only weak rules found the class: reported from the q at which they
      // reach the halt precision, counted on the class itself (a weak "konkurs" in a letter
      // about a death must not report bankruptcy), never below `report`.
      // At least five right: a handful of such letters is no evidence.
      std::vector<bool> weak(examples.size()), labelled(examples.size());
      for (size_t i = 0; i < examples.size(); ++i) {
        weak[i] = rule_inputs[i].second && rule_inputs[i].first < kWeakRule;
        labelled[i] = y[i] > 0;
      }
      c.weak_report = std::max(c.report, LowestAtPrecision(q, labelled, weak, options.halt_precision, 5));
    }
    calibration[static_cast<size_t>(k)] = c;
  }

  std::vector<size_t> all(examples.size());
  std::iota(all.begin(), all.end(), 0);
  const Linear linear = TrainLinear(data, all, options);

  std::error_code ec;
  fs::path base = options.temp_dir.empty() ? fs::temp_directory_path(ec) : fs::path(options.temp_dir);
  fs::path dir = base / ("purr-train-" + std::to_string(::getpid()));
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError(dir.string() + ": " + ec.message());
  Result<std::string> language = TrainLanguageModel(examples, options, dir.string());
  fs::remove_all(dir, ec);
  if (!language.ok()) return language.status();
  return ModelFile(options.date, *language, LinearSection(linear, calibration));
}

}  // namespace purr::classify
