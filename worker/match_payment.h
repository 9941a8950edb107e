// bank::Transaction -> matching::Payment, shared by `purr match` and `purr match-eval`.
#ifndef PURR_WORKER_MATCH_PAYMENT_H_
#define PURR_WORKER_MATCH_PAYMENT_H_

#include "bank/transaction.h"
#include "matching/matcher.h"

namespace purr {

inline matching::Payment ToMatchingPayment(const bank::Transaction& t) {
  matching::Payment p;
  p.payment_id = t.payment_id;
  p.amount_minor = t.amount_minor;
  p.currency = t.currency;
  p.booking_date = t.booking_date;
  p.references = t.references;
  p.text = t.text;
  p.payer_name = t.payer_name;
  p.payer_account = t.payer_account;
  p.reversal = t.reversal;
  p.direction = t.direction == bank::Direction::kDebit ? matching::Direction::kDebit
                                                       : matching::Direction::kCredit;
  return p;
}

}  // namespace purr

#endif  // PURR_WORKER_MATCH_PAYMENT_H_
