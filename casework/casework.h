// Casework: the case engine's decisions applied to the store, for the worker and for clerks.
//
//   store->Transact([&](store::Txn& txn) {
//     casework::ActionResult r = casework::ApplyLetterAction(txn, ctx, 12, action);
//     if (!r.ok()) throw ...;   // or let it commit nothing: r says why
//   });
//
// Two kinds of callers share one implementation of every effect, so a payment allocated by a
// clerk reactivates a customer exactly as one matched by the worker does:
// - the worker, after a payment file's allocations (ApplySettlement);
// - the review queue, for a clerk's action on a letter or a payment (ApplyLetterAction,
//   ApplyPaymentAction). Each action checks its input and the state it acts on, writes its
//   changes, its effects (outbox events, follow-ups resolved) and an audit entry with the
//   state before and after, all inside the caller's transaction.
//
// An action that is refused writes nothing and says why: kInvalid (the request is wrong: an
// unknown class, amounts that do not add up), kNotFound, kConflict (the state changed since
// the clerk saw it: a stale version, an invoice paid meanwhile, nothing left to resolve).
// The caller must then roll back, since a refusal may come after some reads only; the
// functions throw store::StoreError on database failures, as Txn does.
#ifndef PURR_CASEWORK_CASEWORK_H_
#define PURR_CASEWORK_CASEWORK_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cases/engine.h"
#include "store/store.h"

namespace purr::casework {

struct Context {
  const cases::DecisionRules* rules = nullptr;
  std::string actor;          // the clerk's user name, or "purr/worker"
  std::string now;            // ISO 8601 UTC, the store's clock
  std::string model_version;  // the classifier model in force (recorded with corrections)
};

struct ActionResult {
  enum class Outcome { kOk, kInvalid, kNotFound, kConflict };
  Outcome outcome = Outcome::kOk;
  std::string message;                 // why it was refused, or what was done
  std::vector<std::string> events;     // outbox events written (reactivations)
  bool ok() const { return outcome == Outcome::kOk; }
};

// ---- What the worker and clerks share ----

struct SettlementCounts {
  int reactivated = 0;
  int follow_ups = 0;
};

// After `payment_id`'s allocations (`paid`: invoice -> amount of this payment) were written:
// for each customer with a blocking invoice among them, the case engine decides whether the
// customer is reactivated (an outbox event, once per customer and payment) or waits for a
// clerk because a case is on hold. Audited as `ctx.actor`.
SettlementCounts ApplySettlement(store::Txn& txn, const Context& ctx,
                                 const std::string& payment_id,
                                 const std::map<std::string, int64_t>& paid,
                                 const std::set<std::string>& blocking_customers);

// The JSON body of an outbox event, exactly as delivered.
std::string EventBody(const store::EventRecord& event);

// ---- Clerks' actions ----

struct LetterAction {
  // "confirm", "set_classes", "link_case", "hold", "lift_hold", "resolve", "assign"
  std::string action;
  std::vector<std::string> classes;  // set_classes
  std::string case_id;               // link_case; hold (when the letter has no case)
  std::string comment;               // resolve (required), hold (the reason), others optional
  std::string user;                  // assign: the assignee (empty: the actor)
  // When set, the action is refused with kConflict unless the letter's open follow-ups
  // still have these versions (the clerk acted on what the page showed).
  std::optional<int64_t> version;
};

struct Allocation {
  std::string invoice;
  int64_t amount_minor = 0;
};

struct PaymentAction {
  std::string action;  // "allocate", "refund", "resolve", "assign"
  std::vector<Allocation> allocations;
  std::string comment;
  std::string user;
  std::optional<int64_t> version;
};

ActionResult ApplyLetterAction(store::Txn& txn, const Context& ctx, int64_t letter_id,
                               const LetterAction& action);
ActionResult ApplyPaymentAction(store::Txn& txn, const Context& ctx,
                                const std::string& payment_id, const PaymentAction& action);

// The version a clerk's page sends back: the sum of the versions of the follow-ups of a
// letter or payment, open or not (any change raises it).
int64_t FollowUpVersion(const std::vector<store::FollowUpRecord>& follow_ups);

}  // namespace purr::casework

#endif  // PURR_CASEWORK_CASEWORK_H_
