#include "classify/evaluation.h"

#include <algorithm>
#include <cstdio>

namespace purr::classify {
namespace {

bool Contains(const std::vector<Class>& v, Class c) {
  return std::find(v.begin(), v.end(), c) != v.end();
}

bool SameSet(const std::vector<Class>& a, const std::vector<Class>& b) {
  return std::all_of(a.begin(), a.end(), [&](Class c) { return Contains(b, c); }) &&
         std::all_of(b.begin(), b.end(), [&](Class c) { return Contains(a, c); });
}

void AddConfusion(const EvalItem& item, Metrics* m) {
  constexpr size_t kNothing = kClassCount;
  std::vector<Class> wrong;
  for (Class p : item.predicted) {
    if (!Contains(item.expected, p)) wrong.push_back(p);
  }
  for (Class e : item.expected) {
    size_t row = static_cast<size_t>(e);
    if (Contains(item.predicted, e)) {
      ++m->confusion[row][row];
    } else if (wrong.empty()) {
      ++m->confusion[row][kNothing];
    } else {
      for (Class p : wrong) ++m->confusion[row][static_cast<size_t>(p)];
    }
  }
  bool all_found = std::all_of(item.expected.begin(), item.expected.end(),
                               [&](Class e) { return Contains(item.predicted, e); });
  if (all_found) {
    for (Class p : wrong) ++m->confusion[kNothing][static_cast<size_t>(p)];
  }
}

std::string Fixed(double v, int digits = 3) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Share(int part, int whole) {
  return whole > 0 ? Fixed(100.0 * part / whole, 1) + "%" : "-";
}

std::string Pad(std::string s, size_t width) {
  while (s.size() < width) s.insert(s.begin(), ' ');
  return s;
}

}  // namespace

EvalItem ToEvalItem(const std::string& name, const Example& example, const Classification& result) {
  EvalItem item;
  item.name = name;
  item.expected = example.classes;
  for (const auto& cls : result.classes) {
    item.predicted.push_back(cls.cls);
    item.confidences.push_back(cls.confidence);
  }
  item.expected_legal = example.legal;
  item.predicted_legal = result.legal.category;
  item.expected_language = example.language;
  item.predicted_language = result.language.language;
  item.needs_human = result.needs_human;
  return item;
}

Metrics Evaluate(const std::vector<EvalItem>& items) {
  Metrics m;
  m.letters = static_cast<int>(items.size());
  for (int i = 0; i < 10; ++i) m.calibration.push_back({i / 10.0, 0, 0});
  for (const EvalItem& item : items) {
    for (Class c : kAllClasses) {
      bool e = Contains(item.expected, c), p = Contains(item.predicted, c);
      ClassScore& s = m.classes[static_cast<size_t>(c)];
      s.tp += e && p;
      s.fp += !e && p;
      s.fn += e && !p;
    }
    AddConfusion(item, &m);
    if (item.expected_legal == LegalCategory::kHalt) {
      ++m.halt_letters;
      if (item.predicted_legal == LegalCategory::kHalt) {
        ++m.halt_found;
      } else {
        m.halt_unguarded += !item.needs_human;
        m.halt_missed.push_back(item.name + (item.needs_human ? " (to a human)" : " (UNGUARDED)"));
      }
    } else if (item.predicted_legal == LegalCategory::kHalt) {
      ++m.halt_predicted_wrongly;
    }
    if (item.expected_language == item.predicted_language) {
      ++m.language_correct;
    } else {
      m.language_wrong.push_back(item.name + ": " + LanguageCode(item.expected_language) + " -> " +
                                 LanguageCode(item.predicted_language));
    }
    m.needs_human += item.needs_human;
    if (!item.needs_human) {
      ++m.straight_through;
      m.straight_through_wrong += !SameSet(item.expected, item.predicted);
    }
    for (size_t i = 0; i < item.confidences.size() && i < item.predicted.size(); ++i) {
      size_t bin = std::min<size_t>(9, static_cast<size_t>(std::max(0.0, item.confidences[i]) * 10));
      ++m.calibration[bin].reported;
      m.calibration[bin].correct += Contains(item.expected, item.predicted[i]);
    }
  }
  int with_support = 0;
  double f1_sum = 0;
  for (ClassScore& s : m.classes) {
    s.precision = s.tp + s.fp > 0 ? static_cast<double>(s.tp) / (s.tp + s.fp) : 0;
    s.recall = s.tp + s.fn > 0 ? static_cast<double>(s.tp) / (s.tp + s.fn) : 0;
    s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
    if (s.support() > 0) {
      ++with_support;
      f1_sum += s.f1;
    }
  }
  m.macro_f1 = with_support > 0 ? f1_sum / with_support : 0;
  m.halt_recall = m.halt_letters > 0 ? static_cast<double>(m.halt_found) / m.halt_letters : 1;
  m.language_accuracy = m.letters > 0 ? static_cast<double>(m.language_correct) / m.letters : 0;
  return m;
}

std::string FormatMetrics(const Metrics& m) {
  std::string out = "letters: " + std::to_string(m.letters) + "\n\n";
  out += "class                 support  precision  recall     F1\n";
  for (Class c : kAllClasses) {
    const ClassScore& s = m.classes[static_cast<size_t>(c)];
    std::string name = ClassName(c);
    name.resize(20, ' ');
    out += name + Pad(std::to_string(s.support()), 9) + Pad(Fixed(s.precision), 11) +
           Pad(Fixed(s.recall), 8) + Pad(Fixed(s.f1), 7) + "\n";
  }
  out += "\nmacro-F1: " + Fixed(m.macro_f1) + "\n";
  out += "legal-halt recall: " + Fixed(m.halt_recall) + " (" + std::to_string(m.halt_found) + "/" +
         std::to_string(m.halt_letters) + "), non-halt letters called halt: " +
         std::to_string(m.halt_predicted_wrongly) + "\n";
  for (const auto& name : m.halt_missed) out += "  missed halt: " + name + "\n";
  out += "halt letters passed as harmless (no halt, no human): " + std::to_string(m.halt_unguarded) +
         "\n";
  out += "language accuracy: " + Fixed(m.language_accuracy) + " (" +
         std::to_string(m.language_correct) + "/" + std::to_string(m.letters) + ")\n";
  for (const auto& wrong : m.language_wrong) out += "  language: " + wrong + "\n";
  out += "needs_human: " + std::to_string(m.needs_human) + "\n";
  out += "decided without a human: " + std::to_string(m.straight_through) + " of " +
         std::to_string(m.letters) + " (" + Share(m.straight_through, m.letters) +
         "), wrong class set among them: " + std::to_string(m.straight_through_wrong) + " (" +
         Share(m.straight_through_wrong, m.straight_through) + ")\n";
  out += "\ncalibration (reported classes by confidence: share that were right)\n";
  for (const CalibrationBin& bin : m.calibration) {
    if (bin.reported == 0) continue;
    out += "  " + Fixed(bin.low, 1) + "-" + Fixed(bin.low + 0.1, 1) + ": " +
           Fixed(static_cast<double>(bin.correct) / bin.reported, 2) + " (" +
           std::to_string(bin.correct) + "/" + std::to_string(bin.reported) + ")\n";
  }
  out += "\nconfusion (row: expected, column: predicted; '-' nothing)\n      ";
  for (int c = 0; c <= kClassCount; ++c) out += Pad(c == kClassCount ? "-" : std::to_string(c), 4);
  out += "\n";
  for (int r = 0; r <= kClassCount; ++r) {
    out += Pad(r == kClassCount ? "-" : std::to_string(r), 4) + "  ";
    for (int c = 0; c <= kClassCount; ++c) {
      out += Pad(std::to_string(m.confusion[static_cast<size_t>(r)][static_cast<size_t>(c)]), 4);
    }
    out += r < kClassCount ? std::string("  ") + ClassName(static_cast<Class>(r)) + "\n" : "  (nothing)\n";
  }
  return out;
}

std::string FormatSummary(const std::string& label, const Metrics& m) {
  std::string name = label;
  if (name.size() < 28) name.resize(28, ' ');
  return name + Pad(std::to_string(m.letters), 6) + Pad(Fixed(m.macro_f1), 8) + Pad(Fixed(m.halt_recall), 8) +
         Pad(std::to_string(m.halt_unguarded), 7) + Pad(std::to_string(m.halt_predicted_wrongly), 7) +
         Pad(Share(m.straight_through, m.letters), 8) + Pad(Share(m.straight_through_wrong, m.straight_through), 8) +
         "\n";
}

std::string SummaryHeader() {
  return "                             letters macroF1 haltrec unguard calledH  straight wrongST\n";
}

}  // namespace purr::classify
