// The case engine: facts in (a letter classified, payments matched, the clock), decisions out
// (a case link, holds, follow-ups, reactivations), each with the id of the rule behind it and
// a reason a clerk can read.
//
//   Result<DecisionRules> rules = ParseDecisionRules(yaml_bytes);   // rules/decisions.yaml
//   LetterDecision d = DecideLetter(*rules, facts);
//
// Pure: no I/O, no threads, no clock (dates are passed in). The caller (worker/) reads the
// facts from the store, calls the engine and writes the decisions back in the same store
// transaction, so a decision is never recorded without its facts or the other way round.
// The review queue and the batch command reuse these functions unchanged.
//
// Thread safety: plain values and pure functions; DecisionRules is immutable once parsed and
// may be shared between threads (std::shared_ptr<const DecisionRules>).
#ifndef PURR_CASES_ENGINE_H_
#define PURR_CASES_ENGINE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace purr::cases {

// ---- Rules ------------------------------------------------------------------------------------

// What the back office configures in rules/decisions.yaml (see the annotated file there).
// Every decision names the id of the rule that made it; the ids appear in the audit log.
struct DecisionRules {
  std::string version;  // "decisions-<first 12 hex of SHA-256 of the file>", set by the caller
  // A blocking invoice counts as settled when at most this much (minor units) is still open.
  int64_t settle_tolerance_minor = 0;
  // A proof-of-payment letter waits this many banking days for its bank payment.
  int proof_grace_banking_days = 3;
  // Classes that need a clerk's decision even when the classifier is sure
  // (instalment and deferral requests, complaints by default).
  std::vector<std::string> follow_up_classes = {"instalment_request", "deferral_request",
                                                "complaint"};
  // Priorities (1 = most urgent) per kind of follow-up.
  int priority_halt = 1;
  int priority_statutory = 2;
  int priority_unlinked = 2;
  int priority_payment = 3;
  int priority_needs_human = 3;
  int priority_request = 4;
};

// Parses the YAML rule file. Unknown keys and wrong types are errors naming the key, so a
// typo does not silently fall back to a default. Never throws.
Result<DecisionRules> ParseDecisionRules(std::string_view yaml);

// Rule ids. Stable: they are stored in the audit log and in follow-ups.
inline constexpr std::string_view kRuleHalt = "case.halt-letter";
inline constexpr std::string_view kRuleStatutory = "case.statutory-deadline";
inline constexpr std::string_view kRuleNeedsHuman = "case.needs-human";
inline constexpr std::string_view kRuleRequest = "case.request-needs-decision";
inline constexpr std::string_view kRuleUnlinked = "case.letter-unlinked";
inline constexpr std::string_view kRuleAmbiguousLink = "case.letter-ambiguous-link";
inline constexpr std::string_view kRuleLinked = "case.letter-linked";
inline constexpr std::string_view kRuleProofBooked = "case.proof-payment-booked";
inline constexpr std::string_view kRuleProofWaiting = "case.proof-awaits-payment";
inline constexpr std::string_view kRuleProofArrived = "case.proof-payment-arrived";
inline constexpr std::string_view kRuleProofExpired = "case.proof-grace-expired";
inline constexpr std::string_view kRulePaymentAuto = "payment.auto";
inline constexpr std::string_view kRulePaymentFollowUp = "payment.follow-up";
inline constexpr std::string_view kRulePaymentDuplicate = "payment.duplicate";
inline constexpr std::string_view kRuleReactivate = "case.reactivate";
inline constexpr std::string_view kRuleReactivateHeld = "case.reactivation-held";

// ---- Dates ------------------------------------------------------------------------------------

// "YYYY-MM-DD" plus n banking days: weekends and the public holidays common to Norway,
// Sweden and Denmark (New Year, Maundy Thursday in NO/DK, Good Friday, Easter Monday,
// Ascension, Whit Monday, 1 May in NO/SE, Christmas Eve to Boxing Day, New Year's Eve)
// are skipped. Empty for an invalid date. REQUIRES: 0 <= n <= 1000.
std::string AddBankingDays(std::string_view date, int n);

// ---- Letters ----------------------------------------------------------------------------------

// One piece of evidence that a letter belongs to a case.
struct LinkEvidence {
  std::string case_id;
  std::string customer;
  std::string what;  // "case number S-2026-0101", "KID 01079193 (one error)", "name"
  int edits = 0;     // 0 exact, 1 one typed or OCR'd error
  bool name_only = false;  // the sender's name, nothing else
  // Evidence that links only when the sender's name confirms it: an identifier read with
  // one error (in a ledger numbered in sequence almost any number is one error away from
  // some invoice), or a short all-digit identifier (a year or an amount may equal it).
  bool weak = false;
};

// A payment already booked for a case, as the store knows it.
struct BookedPayment {
  std::string payment_id;
  std::string case_id;
  std::string booking_date;  // YYYY-MM-DD
  int64_t amount_minor = 0;
};

struct LetterFacts {
  std::string received;  // YYYY-MM-DD
  std::vector<std::string> classes;  // classifier's classes, most confident first
  std::string legal;                 // "none", "halt", "statutory_deadline"
  std::string deadline;              // YYYY-MM-DD or empty
  std::string statute;
  bool needs_human = false;
  std::vector<std::string> needs_human_reasons;
  std::vector<LinkEvidence> evidence;  // from the linker, any order
  // Payments booked on the cases the evidence points at, within the grace window before
  // the letter (the caller looks them up once it knows the candidate cases).
  std::vector<BookedPayment> booked_payments;
};

struct Hold {
  std::string case_id;
  std::string reason;
  std::string rule_id;
};

struct FollowUp {
  std::string kind;  // "letter", "payment", "case"
  std::vector<std::string> reasons;
  std::string deadline;  // YYYY-MM-DD or empty
  int priority = 3;
  std::string case_id;   // may be empty
  std::vector<std::string> candidates;  // case ids or invoice numbers a clerk picks from
  std::string rule_id;
};

struct AuditNote {
  std::string action;   // "link", "hold", "follow_up", "wait_for_payment", ...
  std::string rule_id;
  std::string reason;
  std::optional<int> score;
};

struct LetterDecision {
  std::string case_id;   // empty: not linked
  std::string customer;
  std::string status;    // "linked", "hold", "follow_up", "waiting_payment", "unlinked"
  std::vector<Hold> holds;
  std::vector<FollowUp> follow_ups;
  std::string proof_payment_id;   // the booked payment a proof letter was linked to
  std::string proof_wait_until;   // YYYY-MM-DD: a proof letter waits for its payment until then
  std::vector<AuditNote> audit;
};

LetterDecision DecideLetter(const DecisionRules& rules, const LetterFacts& facts);

// A proof-of-payment letter that waited: the payment arrived, or the grace ran out.
struct WaitingProof {
  int64_t letter_id = 0;
  std::string case_id;
  std::string wait_until;  // YYYY-MM-DD
};
// True when `today` is after the waiting letter's grace.
bool ProofGraceExpired(const WaitingProof& proof, std::string_view today);
FollowUp ProofExpiredFollowUp(const DecisionRules& rules, const WaitingProof& proof);

// ---- Payments ---------------------------------------------------------------------------------

// What the matcher decided for one payment, in the engine's words.
struct PaymentOutcome {
  std::string payment_id;
  bool automatic = false;              // the matcher's decision was auto
  std::vector<std::string> reasons;    // "<code>: <text>", the matcher's reasons
  std::vector<std::string> candidates; // invoice numbers, best first
  std::string case_id;                 // the case of the allocated or best invoice, if any
  int64_t unapplied_minor = 0;
  std::optional<int> score;            // best candidate's score
};

// A follow-up for every payment the matcher did not settle automatically (overpayment,
// paid or closed invoice, ambiguous, unknown payer ...), nothing for an automatic one.
std::optional<FollowUp> DecidePayment(const DecisionRules& rules, const PaymentOutcome& outcome);

// A blocking invoice of one customer after a payment's allocations were applied.
struct BlockingInvoice {
  std::string invoice;
  std::string case_id;
  int64_t open_before_minor = 0;  // before this payment
  int64_t open_after_minor = 0;
};

struct ReactivationFacts {
  std::string customer;
  std::string payment_id;
  std::vector<BlockingInvoice> blocking;  // every blocking invoice of the customer
  std::vector<std::string> held_cases;    // the customer's cases with an active hold
};

struct Reactivation {
  std::string customer;
  std::string case_id;                 // the case of the last invoice settled
  std::vector<std::string> invoices;   // blocking invoices this payment settled
  std::string payment_id;
  std::string idempotency_key;         // "reactivate:<customer>:<payment_id>"
};

struct ReactivationDecision {
  std::optional<Reactivation> reactivation;
  std::optional<FollowUp> follow_up;   // settled, but a hold keeps the case from reopening
  std::vector<AuditNote> audit;
};

// Reactivates when this payment settled the customer's last blocking invoice (within the
// tolerance) and no case of the customer is on hold. Settled while on hold: no event, a
// case follow-up says so (a clerk lifting the hold decides).
ReactivationDecision DecideReactivation(const DecisionRules& rules,
                                        const ReactivationFacts& facts);

// A clerk lifted a hold. When it was the customer's last and a reactivation waited for it
// (every blocking invoice settled while a case was on hold), the customer is reactivated now.
struct HoldLiftFacts {
  std::string customer;
  std::string lift_id;                    // names the lift in the idempotency key
  std::vector<BlockingInvoice> blocking;  // every blocking invoice, open amounts as now
  std::vector<std::string> held_cases;    // the customer's cases still on hold
  bool reactivation_waiting = false;      // an open case.reactivation-held follow-up
};
ReactivationDecision DecideHoldLifted(const DecisionRules& rules, const HoldLiftFacts& facts);

}  // namespace purr::cases

#endif  // PURR_CASES_ENGINE_H_
