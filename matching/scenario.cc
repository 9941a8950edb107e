#include "matching/scenario.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "refs/reference.h"

namespace purr::matching {
namespace {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t Next() {  // splitmix64
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>((Next() >> 11) % n); }
  bool Chance(int percent) { return Below(100) < static_cast<size_t>(percent); }
  std::string Digits(size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += static_cast<char>('0' + Below(10));
    return s;
  }

 private:
  uint64_t state_;
};

constexpr const char* kFirstNames[] = {
    "Ola", "Kari", "Per", "Anne", "Lars", "Ingrid", "Nils", "Marit", "Erik", "Sigrid",
    "Johan", "Astrid", "Anders", "Karin", "Lena", "Mikael", "Sofia", "Emma", "Oskar", "Maja",
    "Henrik", "Mette", "Søren", "Pia", "Jens", "Lise", "Mads", "Freja", "Aino", "Juha",
    "Björn", "Åsa", "Gunnar", "Tove", "Håkan", "Elin", "Jørgen", "Ragnhild", "Tor", "Hilde"};
constexpr const char* kLastNames[] = {
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johansson", "Andersson", "Karlsson", "Nilsson", "Eriksson",
    "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson", "Nielsen", "Rasmussen",
    "Sørensen", "Christensen", "Poulsen", "Korhonen", "Virtanen", "Mäkinen", "Berg",
    "Haugen", "Hagen", "Bakken", "Lund", "Strand", "Dahl", "Lie", "Moen", "Solberg",
    "Holm", "Lindqvist", "Bergström", "Åberg", "Ødegård", "Vik", "Ruud", "Sæther"};

struct Customer {
  std::string number;
  std::string name;
  std::string account;  // empty: pays from accounts the creditor has not seen
  std::string currency;
  int scheme = 0;  // 0 KID MOD10, 1 KID MOD11, 2 SE OCR + length, 3 RF
  std::vector<size_t> invoices;
};

std::string NorwegianAccount(Rng& rng) {
  while (true) {
    std::string base = rng.Digits(10);
    auto check = refs::Mod11CheckChar(base);
    if (check && *check != '-') return base + *check;
  }
}

std::string MakeReference(Rng& rng, int scheme) {
  switch (scheme) {
    case 0:
      return *refs::MakeKid(rng.Digits(9), refs::KidAlgorithm::kMod10);
    case 1:
      while (true) {
        std::string kid = *refs::MakeKid(rng.Digits(9), refs::KidAlgorithm::kMod11);
        if (kid.back() != '-') return kid;  // Nets KIDs are numeric
      }
    case 2:
      return *refs::MakeSwedishOcr(rng.Digits(8), /*with_length_digit=*/true);
    default:
      return *refs::MakeRfReference(rng.Digits(9));
  }
}

int64_t MakeAmount(Rng& rng) {
  if (rng.Chance(50)) return static_cast<int64_t>(1 + rng.Below(200)) * 10000;  // round kroner
  return static_cast<int64_t>(5000 + rng.Below(2000000));
}

std::string PayerNameVariant(Rng& rng, const std::string& name) {
  size_t space = name.find(' ');
  std::string first = name.substr(0, space), last = name.substr(space + 1);
  size_t v = rng.Below(10);
  if (v < 2) {
    std::string s = last + " " + first;
    for (char& c : s) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    }
    return s;
  }
  if (v < 3) return first + " " + static_cast<char>('A' + rng.Below(26)) + ". " + last;
  return name;
}

// Index of a position in the reference that may be mistyped (RF: not the "RF" letters).
size_t TypoPosition(Rng& rng, const std::string& ref) {
  size_t from = ref.rfind("RF", 0) == 0 ? 2 : 0;
  return from + rng.Below(ref.size() - from);
}

class Generator {
 public:
  explicit Generator(const ScenarioOptions& o) : options_(o), rng_(o.seed) {}
  Scenario Run();

 private:
  void MakeLedger();
  void MakePayment(size_t n);
  size_t NextTarget();
  Payment BasePayment(size_t n, size_t invoice);
  bool Corrupt(ErrorKind kind, std::string& ref);
  bool UniqueRepair(const std::string& query, size_t truth) const;
  bool IsOpenRef(const std::string& ref, size_t* idx) const;
  // Subsets of the customer's other open invoices that add up to amount minus `must`'s.
  int SubsetCount(const Customer& c, size_t must, int64_t amount) const;

  ScenarioOptions options_;
  Rng rng_;
  Scenario s_;
  std::vector<Customer> customers_;
  std::vector<size_t> customer_of_;
  std::unordered_map<std::string, size_t> ref_index_;
  std::vector<size_t> targets_;  // open invoices, shuffled
  size_t next_target_ = 0;
  std::vector<bool> used_;
  std::vector<size_t> multi_customers_;  // customers with >= 2 open invoices
  size_t next_multi_ = 0;
};

void Generator::MakeLedger() {
  size_t n = options_.invoices;
  s_.invoices.reserve(n);
  while (s_.invoices.size() < n) {
    Customer c;
    c.number = "K" + std::to_string(100000 + customers_.size());
    c.name = std::string(kFirstNames[rng_.Below(std::size(kFirstNames))]) + " " +
             kLastNames[rng_.Below(std::size(kLastNames))];
    if (rng_.Chance(70)) c.account = NorwegianAccount(rng_);
    size_t roll = rng_.Below(100);
    c.scheme = roll < 30 ? 0 : roll < 60 ? 1 : roll < 85 ? 2 : 3;
    c.currency = c.scheme <= 1 ? "NOK" : c.scheme == 2 ? "SEK" : "EUR";
    size_t r = rng_.Below(10), k = r < 4 ? 1 : r < 7 ? 2 : r < 9 ? 3 : 4;
    std::string case_number = std::to_string(50000000 + customers_.size());
    for (size_t j = 0; j < k && s_.invoices.size() < n; ++j) {
      Invoice inv;
      inv.invoice = std::to_string(1000000 + s_.invoices.size());
      inv.customer = c.number;
      inv.case_number = case_number;
      do {
        inv.reference = MakeReference(rng_, c.scheme);
      } while (ref_index_.count(inv.reference));
      ref_index_[inv.reference] = s_.invoices.size();
      inv.amount_minor = MakeAmount(rng_);
      inv.currency = c.currency;
      inv.due_date = "2026-0" + std::to_string(1 + rng_.Below(9)) + "-15";
      size_t st = rng_.Below(100);
      inv.status = st < 95 ? InvoiceStatus::kOpen : st < 98 ? InvoiceStatus::kPaid
                                                            : InvoiceStatus::kClosed;
      inv.blocking = rng_.Chance(20);
      inv.customer_name = c.name;
      if (!c.account.empty()) inv.payer_accounts.push_back(c.account);
      c.invoices.push_back(s_.invoices.size());
      customer_of_.push_back(customers_.size());
      s_.invoices.push_back(std::move(inv));
    }
    customers_.push_back(std::move(c));
  }
  used_.assign(n, false);
  for (size_t i = 0; i < n; ++i) {
    if (s_.invoices[i].status == InvoiceStatus::kOpen) targets_.push_back(i);
  }
  for (size_t i = targets_.size(); i > 1; --i) std::swap(targets_[i - 1], targets_[rng_.Below(i)]);
  for (size_t c = 0; c < customers_.size(); ++c) {
    size_t open = 0;
    for (size_t i : customers_[c].invoices) open += s_.invoices[i].status == InvoiceStatus::kOpen;
    if (open >= 2) multi_customers_.push_back(c);
  }
  for (size_t i = multi_customers_.size(); i > 1; --i) {
    std::swap(multi_customers_[i - 1], multi_customers_[rng_.Below(i)]);
  }
}

size_t Generator::NextTarget() {
  while (next_target_ < targets_.size() && used_[targets_[next_target_]]) ++next_target_;
  if (next_target_ < targets_.size()) {
    used_[targets_[next_target_]] = true;
    return targets_[next_target_++];
  }
  return targets_[rng_.Below(targets_.size())];  // exhausted: reuse
}

Payment Generator::BasePayment(size_t n, size_t idx) {
  const Invoice& inv = s_.invoices[idx];
  const Customer& c = customers_[customer_of_[idx]];
  Payment p;
  p.payment_id = "P" + std::to_string(n);
  p.amount_minor = inv.amount_minor;
  p.currency = inv.currency;
  p.booking_date = "2026-11-20";
  p.references.push_back(inv.reference);
  p.payer_name = PayerNameVariant(rng_, c.name);
  p.payer_account = c.account;
  return p;
}

bool Generator::IsOpenRef(const std::string& ref, size_t* idx) const {
  auto it = ref_index_.find(ref);
  if (it == ref_index_.end() || s_.invoices[it->second].status != InvoiceStatus::kOpen) {
    return false;
  }
  *idx = it->second;
  return true;
}

// Independent of the matcher's deletion index: enumerate every string within one edit of
// the query (and the leading-zero variants) and look each up.
bool Generator::UniqueRepair(const std::string& q, size_t truth) const {
  std::unordered_set<size_t> found;
  size_t idx;
  if (IsOpenRef(q, &idx)) found.insert(idx);
  auto probe = [&](const std::string& v) {
    if (v != q && IsOpenRef(v, &idx)) found.insert(idx);
  };
  const std::string digits = "0123456789";
  for (size_t i = 0; i < q.size(); ++i) {
    std::string v = q;
    for (char d : digits) {
      v[i] = d;
      probe(v);
    }
    probe(q.substr(0, i) + q.substr(i + 1));
    if (i + 1 < q.size()) {
      v = q;
      std::swap(v[i], v[i + 1]);
      probe(v);
    }
  }
  for (size_t i = 0; i <= q.size(); ++i) {
    for (char d : digits) probe(q.substr(0, i) + d + q.substr(i));
  }
  std::string stripped = q;
  while (stripped.size() > 1 && stripped[0] == '0') stripped.erase(0, 1);
  for (size_t zeros = 0; zeros <= 3; ++zeros) probe(std::string(zeros, '0') + stripped);
  return found.size() == 1 && found.count(truth);
}

bool Generator::Corrupt(ErrorKind kind, std::string& ref) {
  if (kind == ErrorKind::kMissingCheckDigit) {
    ref.pop_back();
    return true;
  }
  for (int attempt = 0; attempt < 8; ++attempt) {
    size_t i = TypoPosition(rng_, ref);
    if (kind == ErrorKind::kTransposed) {
      if (i + 1 >= ref.size() || ref[i] == ref[i + 1]) continue;
      std::swap(ref[i], ref[i + 1]);
      return true;
    }
    char d = static_cast<char>('0' + rng_.Below(10));
    if (d == ref[i] || ref[i] < '0' || ref[i] > '9') continue;
    ref[i] = d;
    return true;
  }
  return false;
}

int Generator::SubsetCount(const Customer& c, size_t must, int64_t amount) const {
  std::vector<int64_t> others;
  for (size_t i : c.invoices) {
    if (i != must && s_.invoices[i].status == InvoiceStatus::kOpen) {
      others.push_back(s_.invoices[i].amount_minor);
    }
  }
  int64_t target = amount - s_.invoices[must].amount_minor;
  int count = 0;
  for (size_t mask = 1; mask < (size_t{1} << others.size()); ++mask) {
    int64_t sum = 0;
    for (size_t b = 0; b < others.size(); ++b) {
      if (mask >> b & 1) sum += others[b];
    }
    count += sum == target;
  }
  return count;
}

void Generator::MakePayment(size_t n) {
  size_t roll = rng_.Below(1000);
  ErrorKind kind = roll < 20    ? ErrorKind::kTransposed
                   : roll < 30  ? ErrorKind::kWrongDigit
                   : roll < 40  ? ErrorKind::kMissingCheckDigit
                   : roll < 70  ? ErrorKind::kInvoiceNumberInText
                   : roll < 90  ? ErrorKind::kSeveralInvoices
                   : roll < 120 ? ErrorKind::kPartial
                   : roll < 130 ? ErrorKind::kOverpayment
                   : roll < 140 ? ErrorKind::kUnknownPayer
                   : roll < 160 ? ErrorKind::kNoReference
                                : ErrorKind::kClean;
  Truth truth;
  truth.kind = kind;
  if (kind == ErrorKind::kSeveralInvoices) {
    while (next_multi_ < multi_customers_.size()) {
      const Customer& c = customers_[multi_customers_[next_multi_++]];
      std::vector<size_t> open;
      for (size_t i : c.invoices) {
        if (s_.invoices[i].status == InvoiceStatus::kOpen && !used_[i]) open.push_back(i);
      }
      if (open.size() < 2) continue;
      size_t k = std::min<size_t>(open.size(), 2 + rng_.Below(2));
      Payment p = BasePayment(n, open[0]);
      p.references.clear();
      p.amount_minor = 0;
      size_t variant = rng_.Below(10);
      p.text = variant < 4 ? "" : "Faktura";
      for (size_t j = 0; j < k; ++j) {
        const Invoice& inv = s_.invoices[open[j]];
        used_[open[j]] = true;
        p.amount_minor += inv.amount_minor;
        truth.allocations.push_back({inv.invoice, inv.amount_minor});
        if (variant < 4) p.references.push_back(inv.reference);
        else if (variant < 8) p.text += std::string(j ? ", " : " ") + inv.invoice;
      }
      if (variant >= 8) {
        p.references.push_back(s_.invoices[open[0]].reference);
        truth.determinable = SubsetCount(c, open[0], p.amount_minor) == 1;
      }
      std::sort(truth.allocations.begin(), truth.allocations.end(),
                [](const Allocation& a, const Allocation& b) { return a.invoice < b.invoice; });
      s_.payments.push_back(std::move(p));
      s_.truth.push_back(std::move(truth));
      return;
    }
    kind = truth.kind = ErrorKind::kClean;  // no customer with two open invoices left
  }
  size_t idx = NextTarget();
  const Invoice& inv = s_.invoices[idx];
  const Customer& c = customers_[customer_of_[idx]];
  Payment p = BasePayment(n, idx);
  truth.allocations.push_back({inv.invoice, inv.amount_minor});
  switch (kind) {
    case ErrorKind::kClean:
      if (rng_.Chance(20)) {
        p.references.clear();
        p.text = (c.scheme == 2 ? "OCR " : c.scheme == 3 ? "Ref " : "KID: ") + inv.reference;
      }
      break;
    case ErrorKind::kTransposed:
    case ErrorKind::kWrongDigit:
    case ErrorKind::kMissingCheckDigit: {
      std::string ref = inv.reference;
      if (!Corrupt(kind, ref)) {
        truth.kind = ErrorKind::kClean;
        break;
      }
      p.references = {ref};
      truth.determinable = UniqueRepair(ref, idx);
      break;
    }
    case ErrorKind::kInvoiceNumberInText: {
      p.references.clear();
      constexpr const char* kLabels[] = {"Faktura ", "Fakturanr. ", "faktura nr ", "Invoice ",
                                         "Fakt.", "betaling faktura "};
      p.text = kLabels[rng_.Below(std::size(kLabels))] + inv.invoice;
      break;
    }
    case ErrorKind::kPartial: {
      int64_t part = inv.amount_minor * static_cast<int64_t>(10 + rng_.Below(80)) / 100;
      p.amount_minor = std::max<int64_t>(1, part);
      truth.allocations[0].amount_minor = p.amount_minor;
      p.payer_name = c.name;
      break;
    }
    case ErrorKind::kOverpayment: {
      // An excess equal to other open invoices of the payer is a payment of those (stage 5),
      // not an overpayment: draw again.
      int64_t excess = 0;
      for (int attempt = 0; attempt < 8; ++attempt) {
        excess = 100 + static_cast<int64_t>(rng_.Below(static_cast<size_t>(inv.amount_minor)));
        if (SubsetCount(c, idx, inv.amount_minor + excess) == 0) break;
      }
      p.amount_minor += excess;
      truth.unapplied_minor = excess;
      truth.determinable = SubsetCount(c, idx, p.amount_minor) == 0;
      break;
    }
    case ErrorKind::kUnknownPayer:
      p.payer_name = std::string(kFirstNames[rng_.Below(std::size(kFirstNames))]) + " " +
                     kLastNames[rng_.Below(std::size(kLastNames))] + "sen";
      p.payer_account = NorwegianAccount(rng_);
      break;
    case ErrorKind::kNoReference: {
      p.references.clear();
      p.text = rng_.Chance(50) ? "Betaling" : "";
      if (c.account.empty()) {
        truth.determinable = false;  // nothing ties the payment to the customer
        break;
      }
      for (size_t i : c.invoices) {
        if (i != idx && s_.invoices[i].status == InvoiceStatus::kOpen &&
            s_.invoices[i].amount_minor == inv.amount_minor) {
          truth.determinable = false;  // two open invoices of the payer with this amount
        }
      }
      break;
    }
    case ErrorKind::kSeveralInvoices:
      break;
  }
  s_.payments.push_back(std::move(p));
  s_.truth.push_back(std::move(truth));
}

Scenario Generator::Run() {
  MakeLedger();
  s_.payments.reserve(options_.payments);
  s_.truth.reserve(options_.payments);
  for (size_t n = 0; n < options_.payments; ++n) MakePayment(n);
  return std::move(s_);
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kClean: return "clean";
    case ErrorKind::kTransposed: return "transposed_digits";
    case ErrorKind::kWrongDigit: return "wrong_digit";
    case ErrorKind::kMissingCheckDigit: return "missing_check_digit";
    case ErrorKind::kInvoiceNumberInText: return "invoice_number_in_text";
    case ErrorKind::kSeveralInvoices: return "several_invoices";
    case ErrorKind::kPartial: return "partial";
    case ErrorKind::kOverpayment: return "overpayment";
    case ErrorKind::kUnknownPayer: return "unknown_payer";
    case ErrorKind::kNoReference: return "no_reference_known_payer";
  }
  return "unknown";
}

Scenario GenerateScenario(const ScenarioOptions& options) {
  return Generator(options).Run();
}

std::string LedgerToCsv(const std::vector<Invoice>& invoices) {
  std::string out =
      "invoice,customer,case,reference,amount_minor,currency,due_date,status,blocking,"
      "customer_name,payer_accounts\n";
  for (const Invoice& inv : invoices) {
    std::string accounts;
    for (const std::string& a : inv.payer_accounts) accounts += (accounts.empty() ? "" : ";") + a;
    out += CsvField(inv.invoice) + ',' + CsvField(inv.customer) + ',' +
           CsvField(inv.case_number) + ',' + CsvField(inv.reference) + ',' +
           std::to_string(inv.amount_minor) + ',' + inv.currency + ',' + inv.due_date + ',' +
           std::string(InvoiceStatusName(inv.status)) + ',' + (inv.blocking ? "true" : "false") +
           ',' + CsvField(inv.customer_name) + ',' + CsvField(accounts) + '\n';
  }
  return out;
}

}  // namespace purr::matching
