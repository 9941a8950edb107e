#include "cases/engine.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>

namespace purr::cases {
namespace {

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// The earlier of two YYYY-MM-DD dates; an empty one loses.
std::string Earlier(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return std::min(a, b);
}

// Collects the letter's reasons into one follow-up: a clerk works a letter once, however
// many rules want a human for it. The most urgent rule names the follow-up.
class FollowUpBuilder {
 public:
  void Add(std::string_view rule_id, int priority, std::string reason,
           const std::string& deadline = "") {
    if (!any_ || priority < follow_up_.priority) {
      follow_up_.priority = priority;
      follow_up_.rule_id = std::string(rule_id);
    }
    any_ = true;
    follow_up_.reasons.push_back(std::move(reason));
    follow_up_.deadline = Earlier(follow_up_.deadline, deadline);
  }
  bool any() const { return any_; }
  FollowUp Take(std::string case_id, std::vector<std::string> candidates) {
    follow_up_.kind = "letter";
    follow_up_.case_id = std::move(case_id);
    follow_up_.candidates = std::move(candidates);
    return std::move(follow_up_);
  }

 private:
  bool any_ = false;
  FollowUp follow_up_;
};

struct CaseEvidence {
  std::string customer;
  std::vector<std::string> what;
  bool strong = false;  // an identifier that links on its own
  bool weak = false;    // an identifier that needs the name (LinkEvidence::weak)
  bool name = false;
};

struct Link {
  std::string case_id;
  std::string customer;
  std::string reason;
  std::vector<std::string> candidates;  // when not linked
  bool ambiguous = false;
};

// A wrong link is worse than none: strong identifiers of one case link; weak ones (one
// error, short numbers) only with the sender's name; a name alone never does.
Link ChooseCase(const std::vector<LinkEvidence>& evidence) {
  std::map<std::string, CaseEvidence> by_case;
  for (const LinkEvidence& e : evidence) {
    CaseEvidence& c = by_case[e.case_id];
    c.customer = e.customer;
    c.what.push_back(e.what);
    if (e.name_only) {
      c.name = true;
    } else if (e.weak) {
      c.weak = true;
    } else {
      c.strong = true;
    }
  }
  std::vector<std::string> strong, weak, all;
  for (const auto& [id, c] : by_case) {
    all.push_back(id);
    if (c.strong) strong.push_back(id);
    if (c.weak && !c.strong) weak.push_back(id);
  }
  auto named = [&](const std::vector<std::string>& ids) {
    std::vector<std::string> out;
    for (const std::string& id : ids) {
      if (by_case[id].name) out.push_back(id);
    }
    return out;
  };
  Link link;
  auto take = [&](const std::string& id, std::string why) {
    link.case_id = id;
    link.customer = by_case[id].customer;
    link.reason = "linked to " + id + " by " + Join(by_case[id].what, ", ") + why;
  };
  if (strong.size() == 1) {
    take(strong[0], "");
    return link;
  }
  if (strong.size() > 1) {
    std::vector<std::string> confirmed = named(strong);
    if (confirmed.size() == 1) {
      take(confirmed[0], " (the only candidate whose customer's name the letter carries)");
      return link;
    }
    link.ambiguous = true;
    link.candidates = strong;
    link.reason = "the letter's identifiers point at " + std::to_string(strong.size()) +
                  " cases: " + Join(strong, ", ");
    return link;
  }
  if (!weak.empty()) {
    std::vector<std::string> confirmed = named(weak);
    if (confirmed.size() == 1) {
      take(confirmed[0], " (confirmed by the customer's name)");
      return link;
    }
    link.ambiguous = weak.size() > 1;
    link.candidates = weak;
    link.reason = "identifiers that fit only with one error or are short numbers point at " +
                  Join(weak, ", ") + ", and the sender's name does not confirm one";
    return link;
  }
  link.candidates = all;
  if (all.empty()) {
    link.reason = "no case, invoice, reference or customer number of the ledger in the letter";
  } else {
    link.reason = "only the sender's name fits (" + Join(all, ", ") +
                  "); a name alone links nothing";
  }
  return link;
}

}  // namespace

Result<DecisionRules> ParseDecisionRules(std::string_view yaml) {
  DecisionRules rules;
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (!root.IsMap()) return Status::InvalidInput("decision rules: the file is not a YAML map");
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      auto integer = [&](int64_t low, int64_t high) -> Result<int64_t> {
        int64_t n = 0;
        if (!v.IsScalar() || !YAML::convert<int64_t>::decode(v, n) || n < low || n > high) {
          return Status::InvalidInput("decision rules: '" + key + "' must be a whole number from " +
                                      std::to_string(low) + " to " + std::to_string(high));
        }
        return n;
      };
      Result<int64_t> n = int64_t{0};
      if (key == "settle_tolerance_minor") {
        if (!(n = integer(0, 1000000)).ok()) return n.status();
        rules.settle_tolerance_minor = *n;
      } else if (key == "proof_grace_banking_days") {
        if (!(n = integer(0, 60)).ok()) return n.status();
        rules.proof_grace_banking_days = static_cast<int>(*n);
      } else if (key == "follow_up_classes") {
        if (!v.IsSequence()) {
          return Status::InvalidInput("decision rules: 'follow_up_classes' must be a list");
        }
        rules.follow_up_classes.clear();
        for (const auto& c : v) rules.follow_up_classes.push_back(c.as<std::string>());
      } else if (key == "priorities") {
        if (!v.IsMap()) return Status::InvalidInput("decision rules: 'priorities' must be a map");
        for (const auto& p : v) {
          const std::string name = p.first.as<std::string>();
          int value = 0;
          if (!YAML::convert<int>::decode(p.second, value) || value < 1 || value > 9) {
            return Status::InvalidInput("decision rules: priorities." + name +
                                        " must be a whole number from 1 to 9");
          }
          int* slot = name == "halt"          ? &rules.priority_halt
                      : name == "statutory"   ? &rules.priority_statutory
                      : name == "unlinked"    ? &rules.priority_unlinked
                      : name == "payment"     ? &rules.priority_payment
                      : name == "needs_human" ? &rules.priority_needs_human
                      : name == "request"     ? &rules.priority_request
                                              : nullptr;
          if (slot == nullptr) {
            return Status::InvalidInput("decision rules: unknown priority '" + name + "'");
          }
          *slot = value;
        }
      } else {
        return Status::InvalidInput("decision rules: unknown key '" + key + "'");
      }
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidInput(std::string("decision rules: ") + e.what());
  }
  return rules;
}

LetterDecision DecideLetter(const DecisionRules& rules, const LetterFacts& facts) {
  LetterDecision d;
  Link link = ChooseCase(facts.evidence);
  d.case_id = link.case_id;
  d.customer = link.customer;
  FollowUpBuilder human;
  if (!d.case_id.empty()) {
    d.audit.push_back({"link", std::string(kRuleLinked), link.reason, std::nullopt});
  } else if (link.ambiguous) {
    human.Add(kRuleAmbiguousLink, rules.priority_unlinked, link.reason);
  } else {
    human.Add(kRuleUnlinked, rules.priority_unlinked, link.reason);
  }

  const std::string classes = Join(facts.classes, ", ");
  if (facts.legal == "halt") {
    std::string why = "halt letter (" + classes + "): collection must stop until a clerk acts";
    if (!facts.statute.empty()) why += "; " + facts.statute;
    if (!d.case_id.empty()) {
      d.holds.push_back({d.case_id, why, std::string(kRuleHalt)});
      d.audit.push_back({"hold", std::string(kRuleHalt), why, std::nullopt});
    }
    human.Add(kRuleHalt, rules.priority_halt, why, facts.deadline);
  } else if (facts.legal == "statutory_deadline") {
    std::string why = "statutory deadline (" + classes + ")";
    if (!facts.statute.empty()) why += "; " + facts.statute;
    human.Add(kRuleStatutory, rules.priority_statutory, why, facts.deadline);
  }
  if (facts.needs_human) {
    human.Add(kRuleNeedsHuman, rules.priority_needs_human,
              "classifier unsure: " + (facts.needs_human_reasons.empty()
                                           ? std::string("no reason given")
                                           : Join(facts.needs_human_reasons, "; ")));
  }
  for (const std::string& cls : facts.classes) {
    if (Contains(rules.follow_up_classes, cls)) {
      human.Add(kRuleRequest, rules.priority_request, cls + " needs a clerk's decision");
    }
  }
  if (Contains(facts.classes, "payment_proof") && !d.case_id.empty()) {
    const BookedPayment* booked = nullptr;
    for (const BookedPayment& p : facts.booked_payments) {
      if (p.case_id == d.case_id) booked = &p;
    }
    if (booked != nullptr) {
      d.proof_payment_id = booked->payment_id;
      d.audit.push_back({"link_payment", std::string(kRuleProofBooked),
                         "proof of payment: payment " + booked->payment_id + " booked " +
                             booked->booking_date + " on " + d.case_id,
                         std::nullopt});
    } else {
      d.proof_wait_until = AddBankingDays(facts.received, rules.proof_grace_banking_days);
      if (d.proof_wait_until.empty()) {
        human.Add(kRuleProofExpired, rules.priority_payment,
                  "proof of payment with no valid receipt date to wait from");
      } else {
        d.audit.push_back({"wait_for_payment", std::string(kRuleProofWaiting),
                           "proof of payment: no payment booked on " + d.case_id +
                               " yet; waiting until " + d.proof_wait_until,
                           std::nullopt});
      }
    }
  }
  if (human.any()) {
    d.follow_ups.push_back(human.Take(d.case_id, link.candidates));
    d.audit.push_back({"follow_up", d.follow_ups.back().rule_id,
                       Join(d.follow_ups.back().reasons, "; "), std::nullopt});
  }
  if (!d.holds.empty()) {
    d.status = "hold";
  } else if (!d.follow_ups.empty()) {
    d.status = "follow_up";
  } else if (!d.proof_wait_until.empty()) {
    d.status = "waiting_payment";
  } else {
    d.status = "linked";
    d.audit.push_back({"done", std::string(kRuleLinked),
                       "no rule asks for a human (" + classes + ")", std::nullopt});
  }
  return d;
}

bool ProofGraceExpired(const WaitingProof& proof, std::string_view today) {
  return !proof.wait_until.empty() && today > proof.wait_until;
}

FollowUp ProofExpiredFollowUp(const DecisionRules& rules, const WaitingProof& proof) {
  FollowUp f;
  f.kind = "letter";
  f.case_id = proof.case_id;
  f.priority = rules.priority_payment;
  f.rule_id = std::string(kRuleProofExpired);
  f.reasons.push_back("proof of payment, but no bank payment on " + proof.case_id + " by " +
                      proof.wait_until);
  return f;
}

std::optional<FollowUp> DecidePayment(const DecisionRules& rules,
                                      const PaymentOutcome& outcome) {
  if (outcome.automatic) return std::nullopt;
  FollowUp f;
  f.kind = "payment";
  f.case_id = outcome.case_id;
  f.priority = rules.priority_payment;
  f.rule_id = std::string(kRulePaymentFollowUp);
  f.reasons = outcome.reasons;
  if (f.reasons.empty()) f.reasons.push_back("the matcher did not decide automatically");
  f.candidates = outcome.candidates;
  return f;
}

ReactivationDecision DecideReactivation(const DecisionRules& rules,
                                        const ReactivationFacts& facts) {
  ReactivationDecision d;
  const int64_t tol = rules.settle_tolerance_minor;
  std::vector<std::string> settled_now, still_open;
  std::string last_case;
  for (const BlockingInvoice& b : facts.blocking) {
    if (b.open_after_minor > tol) {
      still_open.push_back(b.invoice);
    } else if (b.open_before_minor > tol) {
      settled_now.push_back(b.invoice);
      last_case = b.case_id;
    }
  }
  if (settled_now.empty()) return d;
  if (!still_open.empty()) {
    d.audit.push_back({"settle", std::string(kRuleReactivate),
                       "blocking " + Join(settled_now, ", ") + " settled; still open: " +
                           Join(still_open, ", "),
                       std::nullopt});
    return d;
  }
  if (!facts.held_cases.empty()) {
    FollowUp f;
    f.kind = "case";
    f.case_id = facts.held_cases.front();
    f.priority = rules.priority_halt;
    f.rule_id = std::string(kRuleReactivateHeld);
    f.reasons.push_back("every blocking invoice of customer " + facts.customer +
                        " is settled, but " + Join(facts.held_cases, ", ") +
                        " is on hold: reactivation waits for a clerk");
    d.follow_up = f;
    d.audit.push_back({"no_reactivation", f.rule_id, f.reasons.front(), std::nullopt});
    return d;
  }
  Reactivation r;
  r.customer = facts.customer;
  r.case_id = last_case;
  r.invoices = settled_now;
  r.payment_id = facts.payment_id;
  r.idempotency_key = "reactivate:" + facts.customer + ":" + facts.payment_id;
  d.audit.push_back({"reactivate", std::string(kRuleReactivate),
                     "payment " + facts.payment_id + " settled the last blocking invoice (" +
                         Join(settled_now, ", ") + ") and no case is on hold",
                     std::nullopt});
  d.reactivation = std::move(r);
  return d;
}

ReactivationDecision DecideHoldLifted(const DecisionRules& rules, const HoldLiftFacts& facts) {
  ReactivationDecision d;
  if (!facts.held_cases.empty()) {
    d.audit.push_back({"no_reactivation", std::string(kRuleReactivateHeld),
                       "a hold was lifted, but " + Join(facts.held_cases, ", ") +
                           " is still on hold",
                       std::nullopt});
    return d;
  }
  if (!facts.reactivation_waiting || facts.blocking.empty()) return d;
  std::vector<std::string> open, settled;
  for (const BlockingInvoice& b : facts.blocking) {
    (b.open_after_minor > rules.settle_tolerance_minor ? open : settled).push_back(b.invoice);
  }
  if (!open.empty()) {
    d.audit.push_back({"no_reactivation", std::string(kRuleReactivate),
                       "the last hold was lifted, but " + Join(open, ", ") + " is open again",
                       std::nullopt});
    return d;
  }
  Reactivation r;
  r.customer = facts.customer;
  r.case_id = facts.blocking.back().case_id;
  r.invoices = settled;
  r.idempotency_key = "reactivate:" + facts.customer + ":" + facts.lift_id;
  d.audit.push_back({"reactivate", std::string(kRuleReactivate),
                     "the last hold was lifted and every blocking invoice (" +
                         Join(settled, ", ") + ") is settled",
                     std::nullopt});
  d.reactivation = std::move(r);
  return d;
}

}  // namespace purr::cases
