#include "casework/casework.h"

#include <Poco/DigestEngine.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <sstream>

#include "classify/classify.h"

namespace purr::casework {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using Outcome = ActionResult::Outcome;

std::string Sha256Hex(const std::string& bytes) {
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  sha.update(bytes.data(), static_cast<unsigned>(bytes.size()));
  return Poco::DigestEngine::digestToHex(sha.digest());
}

std::string Json(const Object& o) {
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

Array::Ptr Strings(const std::vector<std::string>& values) {
  Array::Ptr a = new Array;
  for (const std::string& v : values) a->add(v);
  return a;
}

ActionResult Refuse(Outcome outcome, std::string message) {
  ActionResult r;
  r.outcome = outcome;
  r.message = std::move(message);
  return r;
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Writes the engine's reactivation as an outbox event (once per idempotency key).
bool WriteReactivation(store::Txn& txn, const Context& ctx, const cases::Reactivation& r,
                       const std::string& payment_id) {
  store::EventRecord e;
  e.idempotency_key = r.idempotency_key;
  e.event_id = "evt-" + Sha256Hex(e.idempotency_key).substr(0, 24);
  e.type = "reactivation";
  e.customer = r.customer;
  e.case_id = r.case_id;
  e.invoices = r.invoices;
  e.payment_id = payment_id;
  e.at = ctx.now;
  e.body_json = EventBody(e);
  return txn.AddEvent(e);
}

void AuditAll(store::Txn& txn, const Context& ctx, const std::string& subject,
              const std::vector<cases::AuditNote>& notes) {
  for (const cases::AuditNote& note : notes) txn.Audit(ctx.actor, subject, note);
}

// The open follow-ups of a subject resolved by the actor.
int ResolveOpen(store::Txn& txn, const Context& ctx,
                const std::vector<store::FollowUpRecord>& follow_ups,
                const std::string& comment) {
  int n = 0;
  for (store::FollowUpRecord f : follow_ups) {
    if (f.status != "open") continue;
    const int64_t version = f.version;
    f.status = "resolved";
    f.resolved_by = ctx.actor;
    f.resolved_at = ctx.now;
    f.comment = comment;
    if (!txn.UpdateFollowUp(f, version)) {
      throw store::StoreError("follow-up " + std::to_string(f.id) + " changed meanwhile");
    }
    ++n;
  }
  return n;
}

Object::Ptr LetterState(const store::LetterRecord& l,
                        const std::vector<store::FollowUpRecord>& follow_ups,
                        const std::vector<store::HoldRecord>& holds) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("classes", Strings(l.classes));
  o->set("case", l.case_id);
  o->set("status", l.status);
  Array::Ptr open = new Array;
  for (const store::FollowUpRecord& f : follow_ups) {
    if (f.status != "open") continue;
    Object::Ptr fo = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    fo->set("id", f.id);
    fo->set("assignee", f.assignee);
    open->add(fo);
  }
  o->set("open_follow_ups", open);
  Array::Ptr active = new Array;
  for (const store::HoldRecord& h : holds) {
    if (h.released_at.empty()) active->add(h.id);
  }
  o->set("active_holds", active);
  return o;
}

std::string CustomerOfCase(store::Txn& txn, const std::string& case_id) {
  std::optional<store::CaseRecord> c = txn.GetCase(case_id);
  return c ? c->customer : std::string();
}

// After a hold was lifted: the engine decides whether the customer is reactivated now.
void AfterHoldLifted(store::Txn& txn, const Context& ctx, const std::string& customer,
                     const std::string& lift_id, ActionResult* result) {
  if (customer.empty()) return;
  cases::HoldLiftFacts facts;
  facts.customer = customer;
  facts.lift_id = lift_id;
  std::set<std::string> case_ids;
  for (const store::InvoiceRecord& inv : txn.InvoicesOfCustomer(customer)) {
    case_ids.insert(inv.case_id);
    if (!inv.blocking || inv.status == "closed") continue;
    facts.blocking.push_back({inv.invoice, inv.case_id, inv.open_minor, inv.open_minor});
  }
  facts.held_cases = txn.HeldCases(customer);
  std::vector<store::FollowUpRecord> waiting;
  for (const std::string& case_id : case_ids) {
    store::FollowUpQuery q;
    q.reason = std::string(cases::kRuleReactivateHeld);
    q.limit = 1000;
    for (store::FollowUpRecord& f : txn.QueryFollowUps(q).items) {
      if (f.follow_up.case_id == case_id) waiting.push_back(std::move(f));
    }
  }
  facts.reactivation_waiting = !waiting.empty();
  cases::ReactivationDecision d = cases::DecideHoldLifted(*ctx.rules, facts);
  AuditAll(txn, ctx, "customer:" + customer, d.audit);
  if (d.reactivation) {
    if (WriteReactivation(txn, ctx, *d.reactivation, "")) {
      result->events.push_back(d.reactivation->idempotency_key);
    }
    ResolveOpen(txn, ctx, waiting, "reactivated when the last hold was lifted");
  }
}

bool KnownUser(store::Txn& txn, const std::string& name) {
  std::optional<store::UserRecord> u = txn.GetUser(name);
  return u && !u->disabled;
}

// The "resolve" (with a comment) and "assign" (to `user`, or the actor) actions, which work
// the same on a letter's and a payment's open follow-ups.
ActionResult ResolveOrAssign(store::Txn& txn, const Context& ctx, const std::string& action,
                             const std::string& comment, const std::string& user_wanted,
                             const std::vector<store::FollowUpRecord>& follow_ups,
                             const std::string& what) {
  const std::string nothing_open = "the " + what + " has no open follow-up";
  ActionResult result;
  if (action == "resolve") {
    if (comment.empty()) return Refuse(Outcome::kInvalid, "resolve needs a \"comment\"");
    if (ResolveOpen(txn, ctx, follow_ups, comment) == 0) {
      return Refuse(Outcome::kConflict, nothing_open);
    }
    result.message = "resolved";
    return result;
  }
  const std::string user = user_wanted.empty() ? ctx.actor : user_wanted;
  if (!KnownUser(txn, user)) return Refuse(Outcome::kInvalid, "no active user \"" + user + "\"");
  int n = 0;
  for (store::FollowUpRecord f : follow_ups) {
    if (f.status != "open") continue;
    const int64_t version = f.version;
    f.assignee = user;
    if (!txn.UpdateFollowUp(f, version)) return Refuse(Outcome::kConflict, "follow-up changed");
    ++n;
  }
  if (n == 0) return Refuse(Outcome::kConflict, nothing_open);
  result.message = "assigned to " + user;
  return result;
}

}  // namespace

std::string EventBody(const store::EventRecord& e) {
  Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("event_id", e.event_id);
  o.set("idempotency_key", e.idempotency_key);
  o.set("type", e.type);
  o.set("customer", e.customer);
  o.set("case", e.case_id);
  o.set("invoices", Strings(e.invoices));
  o.set("payment_id", e.payment_id);
  o.set("at", e.at);
  return Json(o);
}

int64_t FollowUpVersion(const std::vector<store::FollowUpRecord>& follow_ups) {
  int64_t sum = 0;
  for (const store::FollowUpRecord& f : follow_ups) sum += f.version;
  return sum;
}

SettlementCounts ApplySettlement(store::Txn& txn, const Context& ctx,
                                 const std::string& payment_id,
                                 const std::map<std::string, int64_t>& paid,
                                 const std::set<std::string>& blocking_customers) {
  SettlementCounts counts;
  for (const std::string& customer : blocking_customers) {
    cases::ReactivationFacts facts;
    facts.customer = customer;
    facts.payment_id = payment_id;
    for (const store::InvoiceRecord& inv : txn.InvoicesOfCustomer(customer)) {
      if (!inv.blocking || inv.status == "closed") continue;
      auto it = paid.find(inv.invoice);
      const int64_t before = inv.open_minor + (it == paid.end() ? 0 : it->second);
      facts.blocking.push_back({inv.invoice, inv.case_id, before, inv.open_minor});
    }
    facts.held_cases = txn.HeldCases(customer);
    cases::ReactivationDecision r = cases::DecideReactivation(*ctx.rules, facts);
    AuditAll(txn, ctx, "customer:" + customer, r.audit);
    if (r.follow_up) {
      txn.AddFollowUp(*r.follow_up, 0, payment_id);
      ++counts.follow_ups;
    }
    if (r.reactivation && WriteReactivation(txn, ctx, *r.reactivation, payment_id)) {
      ++counts.reactivated;
    }
  }
  return counts;
}

ActionResult ApplyLetterAction(store::Txn& txn, const Context& ctx, int64_t letter_id,
                               const LetterAction& a) {
  std::optional<store::LetterRecord> letter = txn.GetLetter(letter_id);
  if (!letter) return Refuse(Outcome::kNotFound, "no letter " + std::to_string(letter_id));
  const std::string subject = "letter:" + std::to_string(letter_id);
  std::vector<store::FollowUpRecord> follow_ups = txn.FollowUpsOf(letter_id, "");
  if (a.version && *a.version != FollowUpVersion(follow_ups)) {
    return Refuse(Outcome::kConflict,
                  "the letter's follow-ups changed since the page was loaded; reload it");
  }
  std::vector<store::HoldRecord> holds;
  if (!letter->case_id.empty()) holds = txn.HoldsOf(letter->case_id);
  const std::string before = Json(*LetterState(*letter, follow_ups, holds));
  ActionResult result;
  cases::AuditNote note{a.action, "clerk." + a.action, a.comment, std::nullopt};

  if (a.action == "confirm" || a.action == "set_classes") {
    std::vector<std::string> classes = a.action == "confirm" ? letter->classes : a.classes;
    std::vector<std::string> unique;
    for (const std::string& c : classes) {
      if (!classify::ParseClass(c)) return Refuse(Outcome::kInvalid, "unknown class \"" + c + "\"");
      if (std::find(unique.begin(), unique.end(), c) == unique.end()) unique.push_back(c);
    }
    if (unique.empty()) return Refuse(Outcome::kInvalid, "at least one class is needed");
    if (unique != letter->classes) txn.SetLetterClasses(letter_id, unique);
    store::CorrectionRecord c;
    c.letter_id = letter_id;
    c.classes_before = letter->classes;
    c.classes_after = unique;
    c.user = ctx.actor;
    c.model_version = letter->model_version.empty() ? ctx.model_version : letter->model_version;
    txn.AddCorrection(c);
    letter->classes = unique;
    if (note.reason.empty()) {
      note.reason = a.action == "confirm" ? "classes confirmed: " + Join(unique, ", ")
                                          : "classes set to " + Join(unique, ", ");
    }
    result.message = note.reason;
  } else if (a.action == "link_case") {
    if (a.case_id.empty()) return Refuse(Outcome::kInvalid, "link_case needs \"case\"");
    if (!txn.GetCase(a.case_id)) return Refuse(Outcome::kNotFound, "no case " + a.case_id);
    if (a.case_id == letter->case_id) {
      return Refuse(Outcome::kConflict, "the letter is already linked to " + a.case_id);
    }
    const std::string status = letter->status == "unlinked" ? "linked" : letter->status;
    txn.UpdateLetter(letter_id, status, a.case_id, letter->proof_payment_id);
    for (store::FollowUpRecord f : follow_ups) {
      if (f.status != "open") continue;
      const int64_t version = f.version;
      f.follow_up.case_id = a.case_id;
      if (!txn.UpdateFollowUp(f, version)) return Refuse(Outcome::kConflict, "follow-up changed");
    }
    letter->case_id = a.case_id;
    letter->status = status;
    if (note.reason.empty()) note.reason = "linked by a clerk to " + a.case_id;
    result.message = note.reason;
  } else if (a.action == "hold") {
    const std::string case_id = letter->case_id.empty() ? a.case_id : letter->case_id;
    if (case_id.empty()) {
      return Refuse(Outcome::kInvalid, "the letter has no case: link it first or give \"case\"");
    }
    if (!txn.GetCase(case_id)) return Refuse(Outcome::kNotFound, "no case " + case_id);
    cases::Hold h{case_id, a.comment.empty() ? "put on hold by " + ctx.actor : a.comment,
                  "clerk.hold"};
    txn.AddHold(h, letter_id);
    note.reason = "case " + case_id + " on hold: " + h.reason;
    result.message = note.reason;
  } else if (a.action == "lift_hold") {
    if (letter->case_id.empty()) return Refuse(Outcome::kConflict, "the letter has no case");
    std::vector<int64_t> lifted;
    for (const store::HoldRecord& h : holds) {
      if (h.released_at.empty()) {
        txn.ReleaseHold(h.id, ctx.actor);
        lifted.push_back(h.id);
      }
    }
    if (lifted.empty()) {
      return Refuse(Outcome::kConflict, "case " + letter->case_id + " has no active hold");
    }
    note.reason = "hold lifted on " + letter->case_id +
                  (a.comment.empty() ? std::string() : ": " + a.comment);
    result.message = note.reason;
    AfterHoldLifted(txn, ctx, CustomerOfCase(txn, letter->case_id),
                    "lift-" + std::to_string(lifted.back()), &result);
  } else if (a.action == "resolve" || a.action == "assign") {
    ActionResult done = ResolveOrAssign(txn, ctx, a.action, a.comment, a.user, follow_ups, "letter");
    if (!done.ok()) return done;
    if (a.action == "assign") note.reason = done.message;
    result.message = done.message;
  } else {
    return Refuse(Outcome::kInvalid, "unknown action \"" + a.action + "\"");
  }
  std::vector<store::FollowUpRecord> after_follow_ups = txn.FollowUpsOf(letter_id, "");
  std::vector<store::HoldRecord> after_holds;
  if (!letter->case_id.empty()) after_holds = txn.HoldsOf(letter->case_id);
  txn.AuditChange(ctx.actor, subject, note, before,
                  Json(*LetterState(*letter, after_follow_ups, after_holds)));
  return result;
}

namespace {

Object::Ptr PaymentState(const store::PaymentRecord& p,
                         const std::vector<store::FollowUpRecord>& follow_ups) {
  Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("unapplied_minor", p.unapplied_minor);
  o->set("disposition", p.disposition);
  Array::Ptr allocations = new Array;
  for (const store::AllocationRecord& a : p.allocations) {
    Object::Ptr ao = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    ao->set("invoice", a.invoice);
    ao->set("amount_minor", a.amount_minor);
    allocations->add(ao);
  }
  o->set("allocations", allocations);
  int open = 0;
  for (const store::FollowUpRecord& f : follow_ups) open += f.status == "open";
  o->set("open_follow_ups", open);
  return o;
}

}  // namespace

ActionResult ApplyPaymentAction(store::Txn& txn, const Context& ctx,
                                const std::string& payment_id, const PaymentAction& a) {
  std::optional<store::PaymentRecord> payment = txn.GetPayment(payment_id);
  if (!payment) return Refuse(Outcome::kNotFound, "no payment " + payment_id);
  const std::string subject = "payment:" + payment_id;
  std::vector<store::FollowUpRecord> follow_ups = txn.FollowUpsOf(0, payment_id);
  if (a.version && *a.version != FollowUpVersion(follow_ups)) {
    return Refuse(Outcome::kConflict,
                  "the payment's follow-ups changed since the page was loaded; reload it");
  }
  const std::string before = Json(*PaymentState(*payment, follow_ups));
  ActionResult result;
  cases::AuditNote note{a.action, "clerk." + a.action, a.comment, std::nullopt};

  if (a.action == "allocate") {
    if (a.allocations.empty()) return Refuse(Outcome::kInvalid, "allocate needs \"allocations\"");
    if (payment->direction != "credit" || payment->reversal) {
      return Refuse(Outcome::kInvalid, "only an incoming payment can be allocated");
    }
    int64_t total = 0;
    std::map<std::string, int64_t> paid;
    std::set<std::string> blocking_customers, cases_touched;
    std::vector<std::string> parts;
    for (const Allocation& al : a.allocations) {
      if (al.amount_minor <= 0) {
        return Refuse(Outcome::kInvalid, "an allocation's amount_minor must be above 0");
      }
      if (paid.count(al.invoice)) {
        return Refuse(Outcome::kInvalid, "invoice " + al.invoice + " is listed twice");
      }
      std::optional<store::InvoiceRecord> inv = txn.GetInvoice(al.invoice);
      if (!inv) return Refuse(Outcome::kNotFound, "no invoice " + al.invoice);
      if (inv->currency != payment->currency) {
        return Refuse(Outcome::kInvalid, "invoice " + al.invoice + " is in " + inv->currency +
                                             ", the payment in " + payment->currency);
      }
      if (inv->status == "closed") {
        return Refuse(Outcome::kConflict, "invoice " + al.invoice + " is closed");
      }
      if (al.amount_minor > inv->open_minor) {
        return Refuse(Outcome::kConflict, "invoice " + al.invoice + " has only " +
                                              std::to_string(inv->open_minor) +
                                              " open, less than the " +
                                              std::to_string(al.amount_minor) + " allocated");
      }
      total += al.amount_minor;
      paid[al.invoice] = al.amount_minor;
      cases_touched.insert(inv->case_id);
      if (inv->blocking) blocking_customers.insert(inv->customer);
      parts.push_back(al.invoice + " " + std::to_string(al.amount_minor));
    }
    if (total > payment->unapplied_minor) {
      return Refuse(Outcome::kInvalid,
                    "the allocations add up to " + std::to_string(total) +
                        ", more than the payment's unapplied " +
                        std::to_string(payment->unapplied_minor));
    }
    for (const Allocation& al : a.allocations) {
      txn.AddAllocation(payment_id, al.invoice, al.amount_minor);
      payment->allocations.push_back({al.invoice, al.amount_minor});
    }
    payment->unapplied_minor -= total;
    payment->disposition = "allocated";
    txn.SetPaymentDisposition(payment_id, payment->disposition, payment->unapplied_minor);
    note.reason = "allocated by a clerk: " + Join(parts, ", ") + "; unapplied " +
                  std::to_string(payment->unapplied_minor) +
                  (a.comment.empty() ? std::string() : "; " + a.comment);
    // A proof-of-payment letter waiting for this case's payment is answered.
    for (const std::string& case_id : cases_touched) {
      for (const cases::WaitingProof& w : txn.WaitingProofs(case_id)) {
        txn.UpdateLetter(w.letter_id, "linked", case_id, payment_id);
        txn.Audit(ctx.actor, "letter:" + std::to_string(w.letter_id),
                  {"link_payment", std::string(cases::kRuleProofArrived),
                   "the payment the letter announced was allocated: " + payment_id,
                   std::nullopt});
      }
    }
    SettlementCounts counts = ApplySettlement(txn, ctx, payment_id, paid, blocking_customers);
    for (int i = 0; i < counts.reactivated; ++i) result.events.push_back("reactivation");
    if (payment->unapplied_minor == 0) {
      ResolveOpen(txn, ctx, follow_ups, "allocated in full");
    }
    // Audited last, like every action, so that the state after includes its effects.
    txn.AuditChange(ctx.actor, subject, note, before,
                    Json(*PaymentState(*payment, txn.FollowUpsOf(0, payment_id))));
    result.message = note.reason;
    return result;
  }
  if (a.action == "refund") {
    if (payment->unapplied_minor <= 0) {
      return Refuse(Outcome::kConflict, "nothing of the payment is unapplied");
    }
    if (payment->disposition == "refund") {
      return Refuse(Outcome::kConflict, "the payment is already marked for refund");
    }
    payment->disposition = "refund";
    txn.SetPaymentDisposition(payment_id, "refund", payment->unapplied_minor);
    ResolveOpen(txn, ctx, follow_ups,
                a.comment.empty() ? "marked for refund" : "marked for refund: " + a.comment);
    note.reason = "marked for refund: " + std::to_string(payment->unapplied_minor) + " " +
                  payment->currency + (a.comment.empty() ? std::string() : "; " + a.comment);
    result.message = note.reason;
  } else if (a.action == "resolve" || a.action == "assign") {
    ActionResult done = ResolveOrAssign(txn, ctx, a.action, a.comment, a.user, follow_ups, "payment");
    if (!done.ok()) return done;
    if (a.action == "assign") note.reason = done.message;
    result.message = done.message;
  } else {
    return Refuse(Outcome::kInvalid, "unknown action \"" + a.action + "\"");
  }
  txn.AuditChange(ctx.actor, subject, note, before,
                  Json(*PaymentState(*payment, txn.FollowUpsOf(0, payment_id))));
  return result;
}

}  // namespace purr::casework
