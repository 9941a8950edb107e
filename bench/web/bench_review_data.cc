// Fills a store for the review-queue benchmark (bench/web/bench_review.py):
//   bench_review_data --db PATH [--follow-ups 100000] [--invoices 1000000] [--seed 1]
//
// The ledger: customers of 2 to 4 invoices (3 on average) with Norwegian KIDs (MOD10 and
// MOD11), Swedish OCR references with length digit and RF references, 20% blocking, 90%
// open. The queue: 60% letter follow-ups (one letter each, with its page text, its
// classification reasons and entities, a hold for a linked halt letter, the worker's audit
// notes) and 40% payment follow-ups (one payment each, in camt.054 files of 1000), all open.
// Letters: halt 35% (dispute, debt settlement, bankruptcy, ...), statutory deadline 15%
// (data requests, complaints), requests 22%, classifier unsure 10%, unlinked 13%, ambiguous
// link 5%; nb/sv/da/nn/en; text, e-mail and scans with OCR words. Halt and statutory letters
// carry a deadline 12 to 40 days after they arrived, the arrivals spread over the last 40
// days, so about 10% of the queue is overdue today. A quarter of the follow-ups is assigned
// to one of seven clerks. User `bench` (clerk) has password `bench-password-1`.
//
// Written in transactions of about 20,000 rows. Deterministic for a seed, except for the
// dates, which follow today's date. Prints what it made and how long it took.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cases/engine.h"
#include "refs/reference.h"
#include "store/store.h"
#include "web/auth.h"

namespace {

namespace store = purr::store;
namespace cases = purr::cases;

constexpr int64_t kDayMs = 86400000;

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed * 0x9E3779B97F4A7C15ULL + 1) {}
  uint64_t Next() {  // splitmix64
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  int Between(int lo, int hi) { return lo + static_cast<int>(Below(static_cast<size_t>(hi - lo + 1))); }
  bool Chance(int percent) { return Below(100) < static_cast<size_t>(percent); }
  std::string Digits(int n) {
    std::string s;
    s += static_cast<char>('1' + Below(9));
    for (int i = 1; i < n; ++i) s += static_cast<char>('0' + Below(10));
    return s;
  }
  std::string Hex(int n) {
    static const char* k = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < n; ++i) s += k[Below(16)];
    return s;
  }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) { return items[Below(N)]; }

 private:
  uint64_t s_;
};

// Picks by weight: {{weight, value}, ...}.
template <typename T>
const T& Weighted(Rng& rng, const std::vector<std::pair<int, T>>& items) {
  int total = 0;
  for (const auto& [w, v] : items) total += w;
  int roll = static_cast<int>(rng.Below(static_cast<size_t>(total)));
  for (const auto& [w, v] : items) {
    if (roll < w) return v;
    roll -= w;
  }
  return items.back().second;
}

const char* const kFirstNames[] = {
    "Kari", "Ola", "Ingrid", "Bjørn", "Åse", "Knut", "Sigrid", "Håkon", "Solveig", "Øystein",
    "Liv", "Eirik", "Ragnhild", "Tor", "Marit", "Anders", "Märta", "Göran", "Åsa", "Björn",
    "Karin", "Lars", "Ulla", "Mikael", "Søren", "Mette", "Jens", "Kirsten", "Niels", "Ane",
    "Frederik", "Sofie", "Thea", "Emil", "Nora", "Jonas", "Astrid", "Magnus", "Hedda", "Petter"};
const char* const kLastNames[] = {
    "Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
    "Kristiansen", "Berg", "Haugen", "Bakken", "Løvås", "Ødegård", "Sæther", "Hagen",
    "Johansson", "Andersson", "Karlsson", "Nilsson", "Eriksson", "Lindqvist", "Åberg",
    "Sjöberg", "Nielsen", "Jensen", "Christensen", "Sørensen", "Rasmussen", "Mikkelsen",
    "Strand", "Dahl", "Lie", "Moen", "Solberg", "Eide", "Holm", "Lund", "Brekke", "Vik"};
const char* const kCompanies[] = {"Fjellheim Bygg AS", "Nordlys Transport AS",
                                  "Skärgårdens Café AB", "Vestkyst Elektro AS",
                                  "Lindholm & Søn ApS", "Östra Måleri AB", "Fjordkraft Service AS",
                                  "Hav og Fisk AS", "Møller Tømrer ApS", "Norrsken Data AB"};
const char* const kClerks[] = {"bench", "kari", "anna", "lars", "ingrid", "mikkel", "sofia"};

std::string Money(int64_t minor) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%lld,%02lld", static_cast<long long>(minor / 100),
                static_cast<long long>(minor % 100));
  return buf;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string JsonStrings(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + JsonString(v[i]);
  return out + "]";
}

std::string Date(int64_t ms) { return store::FormatTimeMs(ms).substr(0, 10); }

// A Norwegian bank account: 10 digits and a MOD11 check digit (never '-').
std::string NorwegianAccount(Rng& rng) {
  while (true) {
    const std::string base = rng.Digits(10);
    std::optional<char> c = purr::refs::Mod11CheckChar(base);
    if (c && *c != '-') return base + *c;
  }
}

struct Customer {
  std::string number, case_id, name, currency, account;
  size_t first_invoice = 0, invoices = 0;
};

struct Ledger {
  std::vector<Customer> customers;
  std::vector<std::string> invoice_numbers;
  std::vector<std::string> references;
  std::vector<int64_t> amounts;
  std::vector<bool> blocking;
};

std::string MakeReference(Rng& rng, const std::string& currency, int scheme) {
  if (currency == "NOK") {
    if (scheme == 0) return *purr::refs::MakeKid(rng.Digits(9), purr::refs::KidAlgorithm::kMod10);
    while (true) {
      std::string kid = *purr::refs::MakeKid(rng.Digits(9), purr::refs::KidAlgorithm::kMod11);
      if (kid.back() != '-') return kid;
    }
  }
  if (currency == "SEK") return *purr::refs::MakeSwedishOcr(rng.Digits(8), true);
  return *purr::refs::MakeRfReference(rng.Digits(9));
}

// ---- Letters ---------------------------------------------------------------------------------

struct LetterKind {
  std::string rule;      // the follow-up's rule id
  std::string legal;
  std::vector<std::string> classes;
};

// Page text in the letter's language naming the invoice, the reference and the amount, with
// the phrase the classifier's reason points at. Sets the reason's and entities' spans.
struct LetterText {
  std::string text;
  std::string classification_json;
  std::string entities_json;
};

const std::map<std::string, std::map<std::string, std::string>>& Phrases() {
  static const auto* phrases = new std::map<std::string, std::map<std::string, std::string>>{
      {"nb",
       {{"dispute", "Jeg bestrider kravet"}, {"debt_settlement", "søker gjeldsordning"},
        {"bankruptcy", "er slått konkurs"}, {"deceased", "min far er død"},
        {"identity_fraud", "utsatt for identitetstyveri"}, {"limitation", "kravet er foreldet"},
        {"data_request", "ber om innsyn etter personvernforordningen"},
        {"complaint", "Jeg klager på behandlingen"},
        {"instalment_request", "ber om en nedbetalingsplan"},
        {"deferral_request", "ber om betalingsutsettelse"},
        {"payment_proof", "kvittering for betalingen er vedlagt"},
        {"address_change", "ny adresse fra 1. mars"}, {"other", "Jeg har et spørsmål om brevet"}}},
      {"nn",
       {{"dispute", "Eg bestrider kravet"}, {"debt_settlement", "søkjer gjeldsordning"},
        {"bankruptcy", "er slått konkurs"}, {"deceased", "far min er død"},
        {"identity_fraud", "utsett for identitetstjuveri"}, {"limitation", "kravet er forelda"},
        {"data_request", "ber om innsyn etter personvernforordninga"},
        {"complaint", "Eg klagar på handsaminga"},
        {"instalment_request", "ber om ein nedbetalingsplan"},
        {"deferral_request", "ber om betalingsutsetjing"},
        {"payment_proof", "kvittering for betalinga ligg ved"},
        {"address_change", "ny adresse frå 1. mars"}, {"other", "Eg har eit spørsmål om brevet"}}},
      {"sv",
       {{"dispute", "Jag bestrider kravet"}, {"debt_settlement", "ansökt om skuldsanering"},
        {"bankruptcy", "har försatts i konkurs"}, {"deceased", "min far har avlidit"},
        {"identity_fraud", "utsatt för identitetsstöld"}, {"limitation", "fordran är preskriberad"},
        {"data_request", "begär ett registerutdrag enligt GDPR"},
        {"complaint", "Jag vill klaga på hanteringen"},
        {"instalment_request", "ber om en avbetalningsplan"},
        {"deferral_request", "ber om anstånd med betalningen"},
        {"payment_proof", "kvitto på betalningen bifogas"},
        {"address_change", "ny adress från den 1 mars"}, {"other", "Jag har en fråga om brevet"}}},
      {"da",
       {{"dispute", "Jeg bestrider kravet"}, {"debt_settlement", "søgt om gældssanering"},
        {"bankruptcy", "er gået konkurs"}, {"deceased", "min far er død"},
        {"identity_fraud", "udsat for identitetstyveri"}, {"limitation", "kravet er forældet"},
        {"data_request", "anmoder om indsigt efter databeskyttelsesforordningen"},
        {"complaint", "Jeg klager over behandlingen"},
        {"instalment_request", "beder om en afdragsordning"},
        {"deferral_request", "beder om henstand med betalingen"},
        {"payment_proof", "kvittering for betalingen er vedhæftet"},
        {"address_change", "ny adresse fra 1. marts"}, {"other", "Jeg har et spørgsmål om brevet"}}},
      {"en",
       {{"dispute", "I dispute this claim"}, {"debt_settlement", "applied for debt settlement"},
        {"bankruptcy", "has been declared bankrupt"}, {"deceased", "my father has passed away"},
        {"identity_fraud", "a victim of identity theft"}, {"limitation", "the claim is time-barred"},
        {"data_request", "request access to my personal data under the GDPR"},
        {"complaint", "I wish to complain about how this was handled"},
        {"instalment_request", "ask for an instalment plan"},
        {"deferral_request", "ask for a payment deferral"},
        {"payment_proof", "the receipt for the payment is attached"},
        {"address_change", "new address from 1 March"}, {"other", "I have a question about the letter"}}},
  };
  return *phrases;
}

const std::map<std::string, std::vector<std::string>>& Bodies() {
  static const auto* bodies = new std::map<std::string, std::vector<std::string>>{
      {"nb", {"Hei,", "Jeg viser til brevet deres om faktura nr", "med KID", "på kr",
              "Jeg har ikke mottatt noen varsel før dette, og ber om at saken ses på igjen. "
              "Dere kan nå meg på telefon på dagtid eller svare på denne e-posten.",
              "Med vennlig hilsen"}},
      {"nn", {"Hei,", "Eg viser til brevet dykkar om faktura nr", "med KID", "på kr",
              "Eg har ikkje fått noko varsel før dette, og ber om at saka blir sett på att. "
              "De kan nå meg på telefon på dagtid eller svare på denne e-posten.",
              "Med venleg helsing"}},
      {"sv", {"Hej,", "Jag hänvisar till ert brev om faktura nr", "med OCR", "på",
              "Jag har inte fått någon påminnelse innan detta och ber att ärendet ses över. "
              "Ni når mig på telefon dagtid eller genom att svara på detta mejl.",
              "Med vänliga hälsningar"}},
      {"da", {"Hej,", "Jeg henviser til jeres brev om faktura nr", "med betalings-id", "på kr.",
              "Jeg har ikke modtaget nogen rykker før dette og beder om, at sagen bliver "
              "set på igen. I kan fange mig på telefon i dagtimerne eller svare på denne mail.",
              "Med venlig hilsen"}},
      {"en", {"Hello,", "I refer to your letter about invoice no", "with reference", "for",
              "I received no reminder before this and ask you to look at the case again. "
              "You can reach me by phone during the day or by replying to this e-mail.",
              "Kind regards"}},
  };
  return *bodies;
}

LetterText MakeText(Rng& rng, const std::string& language, const std::vector<std::string>& classes,
                    const std::string& invoice, const std::string& reference, int64_t amount,
                    const std::string& name) {
  const std::vector<std::string>& b = Bodies().at(language);
  const std::map<std::string, std::string>& phrases = Phrases().at(language);
  LetterText t;
  t.text = b[0] + "\n\n" + b[1] + " ";
  const size_t inv_start = t.text.size();
  t.text += invoice;
  const size_t inv_end = t.text.size();
  t.text += " " + b[2] + " ";
  const size_t ref_start = t.text.size();
  t.text += reference;
  const size_t ref_end = t.text.size();
  t.text += " " + b[3] + " ";
  const size_t amount_start = t.text.size();
  t.text += Money(amount);
  const size_t amount_end = t.text.size();
  t.text += ".\n\n";
  t.classification_json = "[";
  for (size_t i = 0; i < classes.size(); ++i) {
    const std::string& phrase = phrases.at(classes[i]);
    const size_t start = t.text.size();
    t.text += phrase;
    const size_t end = t.text.size();
    t.text += ". ";
    char conf[16];
    std::snprintf(conf, sizeof(conf), "%.3f", 0.62 + static_cast<double>(rng.Below(370)) / 1000);
    t.classification_json += std::string(i ? "," : "") + "{\"class\":\"" + classes[i] +
                             "\",\"confidence\":" + conf +
                             ",\"reasons\":[{\"source\":\"rule\",\"id\":\"" + classes[i] + "." +
                             language + "\",\"detail\":" + JsonString("'" + phrase + "'") +
                             ",\"spans\":[[" + std::to_string(start) + "," +
                             std::to_string(end) + "]]},{\"source\":\"model\",\"id\":\"model\","
                             "\"detail\":\"model score\"}]}";
  }
  t.classification_json += "]";
  t.text += b[4] + "\n\n" + b[5] + "\n" + name + "\n";
  t.entities_json = "[{\"type\":\"invoice_number\",\"value\":\"" + invoice +
                    "\",\"valid\":true,\"start\":" + std::to_string(inv_start) +
                    ",\"end\":" + std::to_string(inv_end) +
                    "},{\"type\":\"kid\",\"value\":\"" + reference + "\",\"valid\":true,\"start\":" +
                    std::to_string(ref_start) + ",\"end\":" + std::to_string(ref_end) +
                    "},{\"type\":\"amount\",\"value\":\"" + Money(amount) +
                    "\",\"valid\":true,\"start\":" + std::to_string(amount_start) +
                    ",\"end\":" + std::to_string(amount_end) + "}]";
  return t;
}

// OCR words of a page: each whitespace-separated token with a box, 300 dpi A4 lines.
std::string WordsJson(const std::string& text) {
  std::string out = "[";
  int x = 240, y = 300;
  size_t i = 0;
  bool first = true;
  while (i < text.size()) {
    if (text[i] == '\n') {
      x = 240;
      y += 60;
      ++i;
      continue;
    }
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\n') ++j;
    const std::string word = text.substr(i, j - i);
    const int w = static_cast<int>(word.size()) * 24;
    if (x + w > 2240) {
      x = 240;
      y += 60;
    }
    out += std::string(first ? "" : ",") + "[" + std::to_string(x) + "," + std::to_string(y) +
           "," + std::to_string(w) + ",40," + JsonString(word) + "]";
    first = false;
    x += w + 24;
    i = j;
  }
  return out + "]";
}

struct Options {
  std::string db;
  size_t follow_ups = 100000;
  size_t invoices = 1000000;
  uint64_t seed = 1;
};

int Usage() {
  std::cerr << "usage: bench_review_data --db PATH [--follow-ups 100000] [--invoices 1000000] "
               "[--seed 1]\n";
  return 2;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return Usage();
    const char* v = argv[++i];
    if (a == "--db") opt.db = v;
    else if (a == "--follow-ups") opt.follow_ups = std::strtoull(v, nullptr, 10);
    else if (a == "--invoices") opt.invoices = std::strtoull(v, nullptr, 10);
    else if (a == "--seed") opt.seed = std::strtoull(v, nullptr, 10);
    else return Usage();
  }
  if (opt.db.empty() || opt.invoices < 10) return Usage();
  namespace fs = std::filesystem;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(opt.db + suffix);

  const auto start = std::chrono::steady_clock::now();
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  std::atomic<int64_t> clock{now_ms - 60 * kDayMs};
  store::StoreOptions so;
  so.path = opt.db;
  so.now_ms = [&clock] { return clock.load(); };
  purr::Result<std::unique_ptr<store::Store>> opened = store::OpenStore(so);
  if (!opened.ok()) {
    std::cerr << "bench_review_data: " << opened.status().message() << "\n";
    return 1;
  }
  store::Store& st = **opened;
  Rng rng(opt.seed);
  auto check = [](const purr::Status& s) {
    if (!s.ok()) {
      std::cerr << "bench_review_data: " << s.message() << "\n";
      std::exit(1);
    }
  };

  // ---- Users ----
  check(st.Transact([&](store::Txn& t) {
    for (const char* name : kClerks) {
      store::UserRecord u;
      u.name = name;
      u.role = "clerk";
      u.password_hash = *purr::web::HashPassword(
          std::string(name) == "bench" ? "bench-password-1" : std::string(name) + "-password-1",
          1000);
      t.PutUser(u);
    }
    store::UserRecord admin;
    admin.name = "admin";
    admin.role = "admin";
    admin.password_hash = *purr::web::HashPassword("admin-password-1", 1000);
    t.PutUser(admin);
  }));

  // ---- Ledger ----
  Ledger ledger;
  ledger.invoice_numbers.reserve(opt.invoices);
  ledger.references.reserve(opt.invoices);
  ledger.amounts.reserve(opt.invoices);
  ledger.blocking.reserve(opt.invoices);
  size_t open_invoices = 0, blocking_invoices = 0;
  std::map<std::string, size_t> by_currency;
  {
    const auto t0 = std::chrono::steady_clock::now();
    const size_t batch = 20000;
    size_t made = 0;
    while (made < opt.invoices) {
      std::vector<store::InvoiceRecord> rows;
      rows.reserve(batch + 4);
      while (rows.size() < batch && made < opt.invoices) {
        Customer c;
        const size_t n = ledger.customers.size();
        c.number = "K" + std::to_string(1000000 + n);
        c.case_id = std::to_string(2021000000 + n * 3);
        c.currency = Weighted<std::string>(rng, {{55, "NOK"}, {25, "SEK"}, {12, "DKK"}, {8, "EUR"}});
        c.name = rng.Chance(8) ? std::string(rng.Pick(kCompanies))
                               : std::string(rng.Pick(kFirstNames)) + " " + rng.Pick(kLastNames);
        if (c.currency == "NOK" && rng.Chance(70)) c.account = NorwegianAccount(rng);
        const int scheme = static_cast<int>(rng.Below(2));
        c.first_invoice = made;
        c.invoices = static_cast<size_t>(rng.Between(2, 4));
        for (size_t j = 0; j < c.invoices && made < opt.invoices; ++j, ++made) {
          store::InvoiceRecord inv;
          inv.invoice = std::to_string(40000000 + made * 7);
          inv.customer = c.number;
          inv.case_id = c.case_id;
          inv.reference = MakeReference(rng, c.currency, scheme);
          inv.original_minor = rng.Chance(50) ? static_cast<int64_t>(rng.Between(1, 400)) * 5000
                                              : static_cast<int64_t>(rng.Between(4900, 2500000));
          const size_t status = rng.Below(100);
          inv.status = status < 90 ? "open" : status < 97 ? "paid" : "closed";
          inv.open_minor = inv.status == "paid" ? 0
                           : rng.Chance(15)     ? inv.original_minor / 2
                                                : inv.original_minor;
          inv.currency = c.currency;
          inv.due_date = Date(now_ms - static_cast<int64_t>(rng.Between(20, 700)) * kDayMs);
          inv.blocking = rng.Chance(20);
          inv.customer_name = c.name;
          if (!c.account.empty()) inv.payer_accounts.push_back(c.account);
          open_invoices += inv.status == "open";
          blocking_invoices += inv.blocking;
          ++by_currency[c.currency];
          ledger.invoice_numbers.push_back(inv.invoice);
          ledger.references.push_back(inv.reference);
          ledger.amounts.push_back(inv.open_minor > 0 ? inv.open_minor : inv.original_minor);
          ledger.blocking.push_back(inv.blocking);
          rows.push_back(std::move(inv));
        }
        c.invoices = made - c.first_invoice;
        ledger.customers.push_back(std::move(c));
      }
      check(st.Transact([&](store::Txn& t) {
        for (const store::InvoiceRecord& r : rows) t.PutInvoice(r);
      }));
    }
    std::cerr << "bench_review_data: " << opt.invoices << " invoices of "
              << ledger.customers.size() << " customers in " << Seconds(t0) << " s\n";
  }

  // ---- The queue ----
  const size_t n_letters = opt.follow_ups * 6 / 10;
  const size_t n_payments = opt.follow_ups - n_letters;
  // Shuffled order of letter (true) and payment (false) follow-ups.
  std::vector<bool> is_letter(opt.follow_ups, false);
  for (size_t i = 0; i < n_letters; ++i) is_letter[i] = true;
  for (size_t i = is_letter.size(); i > 1; --i) {
    const size_t j = rng.Below(i);
    const bool tmp = is_letter[i - 1];
    is_letter[i - 1] = is_letter[j];
    is_letter[j] = tmp;
  }
  const std::vector<std::pair<int, LetterKind>> letter_kinds = {
      {19, {std::string(cases::kRuleHalt), "halt", {"dispute"}}},
      {5, {std::string(cases::kRuleHalt), "halt", {"debt_settlement"}}},
      {4, {std::string(cases::kRuleHalt), "halt", {"bankruptcy"}}},
      {3, {std::string(cases::kRuleHalt), "halt", {"deceased"}}},
      {2, {std::string(cases::kRuleHalt), "halt", {"identity_fraud"}}},
      {2, {std::string(cases::kRuleHalt), "halt", {"limitation", "dispute"}}},
      {10, {std::string(cases::kRuleStatutory), "statutory_deadline", {"data_request"}}},
      {5, {std::string(cases::kRuleStatutory), "statutory_deadline", {"complaint"}}},
      {11, {std::string(cases::kRuleRequest), "none", {"instalment_request"}}},
      {8, {std::string(cases::kRuleRequest), "none", {"deferral_request"}}},
      {3, {std::string(cases::kRuleRequest), "none", {"complaint", "instalment_request"}}},
      {5, {std::string(cases::kRuleNeedsHuman), "none", {"other"}}},
      {3, {std::string(cases::kRuleNeedsHuman), "none", {"address_change"}}},
      {2, {std::string(cases::kRuleNeedsHuman), "none", {"payment_proof", "other"}}},
      {6, {std::string(cases::kRuleUnlinked), "none", {"payment_proof"}}},
      {4, {std::string(cases::kRuleUnlinked), "none", {"other"}}},
      {3, {std::string(cases::kRuleUnlinked), "none", {"address_change"}}},
      {5, {std::string(cases::kRuleAmbiguousLink), "none", {"instalment_request"}}},
  };
  const std::vector<std::pair<int, std::string>> languages = {
      {50, "nb"}, {5, "nn"}, {22, "sv"}, {13, "da"}, {10, "en"}};
  const std::vector<std::pair<int, std::string>> payment_reasons = {
      {25, "overpayment: the payment exceeds the open amount of every candidate invoice"},
      {18, "the reference matches an invoice that is already paid"},
      {15, "several open invoices match equally well"},
      {14, "unknown payer: no reference, account or name of the ledger"},
      {12, "the reference has a wrong check digit; the nearest open invoice is one edit away"},
      {10, "below_threshold"},
      {6, "the reference matches a closed invoice"},
  };
  std::map<std::string, size_t> by_rule, by_language, by_legal;
  size_t overdue = 0, assigned = 0, holds = 0, with_deadline = 0;
  const std::string today = Date(now_ms);
  const size_t batch = 5000;  // follow-ups per transaction: ~20,000 rows with letters and pages
  const size_t batches = (opt.follow_ups + batch - 1) / batch;
  size_t letter_no = 0, payment_no = 0;
  int64_t file_id = 0;
  const auto t_queue = std::chrono::steady_clock::now();
  for (size_t b = 0; b < batches; ++b) {
    // Each follow-up arrives at its own time, spread evenly over the last 40 days; the store
    // stamps a transaction's rows with the time of its last one.
    auto arrival_ms = [&](size_t i) {
      return now_ms - 40 * kDayMs +
             static_cast<int64_t>((i + 1) * static_cast<size_t>(40 * kDayMs) / opt.follow_ups);
    };
    clock = arrival_ms(std::min(opt.follow_ups, (b + 1) * batch) - 1);
    check(st.Transact([&](store::Txn& t) {
      for (size_t i = b * batch; i < std::min(opt.follow_ups, (b + 1) * batch); ++i) {
        const Customer& c = ledger.customers[rng.Below(ledger.customers.size())];
        const size_t inv = c.first_invoice + rng.Below(c.invoices);
        const int64_t at_ms = arrival_ms(i);
        cases::FollowUp f;
        int64_t letter_id = 0;
        std::string payment_id;
        if (is_letter[i]) {
          const LetterKind& k = Weighted(rng, letter_kinds);
          store::LetterRecord l;
          ++letter_no;
          l.sha256 = rng.Hex(64);
          l.kind = Weighted<std::string>(rng, {{45, "text"}, {30, "email"}, {25, "scan"}});
          l.source = l.kind == "email" ? "maildir" : "letters";
          const std::string ext = l.kind == "email" ? ".eml" : l.kind == "scan" ? ".pdf" : ".txt";
          l.file = (l.kind == "scan" ? "skann_" : l.kind == "email" ? "epost_" : "brev_") +
                   std::to_string(100000 + letter_no) + ext;
          const int64_t received_ms =
              at_ms - static_cast<int64_t>(rng.Below(static_cast<size_t>(2 * kDayMs)));
          l.received = store::FormatTimeMs(received_ms);
          l.stored_path = "originals/" + l.sha256.substr(0, 2) + "/" + l.sha256.substr(2, 2) +
                          "/" + l.sha256 + ext;
          l.language = Weighted(rng, languages);
          l.classes = k.classes;
          l.legal = k.legal;
          l.jurisdiction = c.currency == "SEK" ? "se" : c.currency == "DKK" ? "dk" : "no";
          if (k.legal != "none") {
            l.deadline = Date(received_ms + static_cast<int64_t>(rng.Between(12, 40)) * kDayMs);
            l.statute = k.legal == "halt" ? (l.jurisdiction == "se" ? "inkassolagen 5 §"
                                             : l.jurisdiction == "dk" ? "inkassoloven § 10"
                                                                      : "inkassoloven § 17")
                                          : "GDPR art. 12(3)";
          }
          const bool unsure = k.rule == cases::kRuleNeedsHuman || rng.Chance(5);
          l.needs_human = unsure;
          if (unsure) {
            l.needs_human_reasons = {rng.Chance(50) ? "low OCR confidence on page 1"
                                                    : "top classes within 0.1 of each other"};
          }
          const bool linked = k.rule != cases::kRuleUnlinked && k.rule != cases::kRuleAmbiguousLink;
          l.case_id = linked ? c.case_id : "";
          l.status = k.legal == "halt" && linked ? "hold" : linked ? "follow_up" : "unlinked";
          l.model_version = "model-2026.02-b3";
          l.rules_version = "rules-7f3a91c2d4e0";
          l.decision_rules_version = "decisions-1c9e2b7a55d0";
          LetterText text = MakeText(rng, l.language, l.classes, ledger.invoice_numbers[inv],
                                     ledger.references[inv], ledger.amounts[inv], c.name);
          l.classification_json = std::move(text.classification_json);
          l.entities_json = std::move(text.entities_json);
          store::PageRecord p;
          p.page = 1;
          p.text = std::move(text.text);
          if (l.kind == "scan") {
            p.confidence = 70 + static_cast<double>(rng.Below(280)) / 10;
            p.words_json = WordsJson(p.text);
            p.width = 2480;
            p.height = 3508;
            p.image_scale = 1;
          } else {
            p.confidence = -1;
          }
          l.pages.push_back(p);
          if (l.kind == "scan" && rng.Chance(30)) {  // a second page: the enclosed invoice copy
            store::PageRecord p2 = p;
            p2.page = 2;
            p2.text = "Faktura " + ledger.invoice_numbers[inv] + "\nKID " + ledger.references[inv] +
                      "\nBeløp " + Money(ledger.amounts[inv]) + "\nForfall " +
                      Date(received_ms - 30 * kDayMs) + "\n";
            p2.words_json = WordsJson(p2.text);
            l.pages.push_back(p2);
          }
          letter_id = t.InsertLetter(l);
          const std::string classes =
              l.classes.size() == 1 ? l.classes[0] : l.classes[0] + ", " + l.classes[1];
          f.kind = "letter";
          f.rule_id = k.rule;
          f.case_id = l.case_id;
          f.deadline = l.deadline;
          if (k.rule == cases::kRuleHalt) {
            f.priority = 1;
            f.reasons = {"halt letter (" + classes +
                         "): collection must stop until a clerk acts; " + l.statute};
            if (linked) {
              t.AddHold({c.case_id, f.reasons[0], std::string(cases::kRuleHalt)}, letter_id);
              ++holds;
            }
          } else if (k.rule == cases::kRuleStatutory) {
            f.priority = 2;
            f.reasons = {"statutory deadline (" + classes + "); " + l.statute};
          } else if (k.rule == cases::kRuleRequest) {
            f.priority = 4;
            for (const std::string& cls : l.classes) f.reasons.push_back(cls + " needs a clerk's decision");
          } else if (k.rule == cases::kRuleNeedsHuman) {
            f.priority = 3;
            f.reasons = {"classifier unsure: " + l.needs_human_reasons[0]};
          } else if (k.rule == cases::kRuleUnlinked) {
            f.priority = 2;
            f.reasons = {"no case, invoice, reference or customer number of the ledger in the letter"};
          } else {
            f.priority = 2;
            const Customer& other = ledger.customers[rng.Below(ledger.customers.size())];
            f.candidates = {c.case_id, other.case_id};
            f.reasons = {"the letter's identifiers point at cases " + c.case_id + " and " +
                         other.case_id};
          }
          if (unsure && k.rule != cases::kRuleNeedsHuman) {
            f.reasons.push_back("classifier unsure: " + l.needs_human_reasons[0]);
          }
          t.Audit("purr/worker", "letter:" + std::to_string(letter_id),
                  {"classify", "classify.rules", "classes " + classes, std::nullopt});
          if (linked) {
            t.Audit("purr/worker", "letter:" + std::to_string(letter_id),
                    {"link", std::string(cases::kRuleLinked),
                     "invoice " + ledger.invoice_numbers[inv] + " names case " + c.case_id,
                     std::nullopt});
          }
          t.Audit("purr/worker", "letter:" + std::to_string(letter_id),
                  {"follow_up", f.rule_id, f.reasons[0], std::nullopt});
          ++by_language[l.language];
          ++by_legal[l.legal];
        } else {
          if (payment_no % 1000 == 0) {
            store::PaymentFileRecord pf;
            pf.sha256 = rng.Hex(64);
            pf.file = "camt054_" + Date(at_ms) + "_" + std::to_string(payment_no / 1000 + 1) + ".xml";
            pf.format = "camt.054";
            pf.transactions = 20000;
            pf.applied = 19000;
            file_id = t.InsertPaymentFile(pf);
          }
          ++payment_no;
          store::PaymentRecord p;
          p.payment_id = "camt-" + std::to_string(file_id) + "-" + std::to_string(payment_no);
          p.file_id = file_id;
          const int64_t open = ledger.amounts[inv];
          const std::string& reason = Weighted(rng, payment_reasons);
          p.amount_minor = reason.rfind("overpayment", 0) == 0 ? open + rng.Between(100, 50000)
                           : reason == "below_threshold"       ? open / 2
                                                               : open;
          p.currency = c.currency;
          p.booking_date = Date(at_ms - kDayMs);
          const bool unknown = reason.rfind("unknown payer", 0) == 0;
          if (!unknown) p.references = {ledger.references[inv]};
          p.text = unknown ? "Betaling" : "Faktura " + ledger.invoice_numbers[inv];
          p.payer = c.name.substr(0, 1) + "*** " +
                    (c.account.empty() ? std::string("") : "****" + c.account.substr(7));
          p.direction = "credit";
          p.decision = "follow_up";
          p.unapplied_minor = p.amount_minor;
          p.customer = unknown ? "" : c.number;
          p.case_id = unknown ? "" : c.case_id;
          p.reasons_json = JsonStrings({reason});
          std::vector<std::string> candidates;
          if (!unknown) {
            for (size_t j = 0; j < std::min<size_t>(c.invoices, 3); ++j) {
              candidates.push_back(ledger.invoice_numbers[c.first_invoice + j]);
            }
          }
          p.candidates_json = JsonStrings(candidates);
          t.InsertPayment(p);
          payment_id = p.payment_id;
          const bool held = !unknown && rng.Chance(30) && ledger.blocking[inv];
          f.kind = held ? "case" : "payment";
          f.rule_id = std::string(held ? cases::kRuleReactivateHeld : cases::kRulePaymentFollowUp);
          f.priority = held ? 1 : 3;
          f.case_id = p.case_id;
          f.candidates = candidates;
          f.reasons = {held ? "every blocking invoice of customer " + c.number +
                                  " is settled, but " + c.case_id +
                                  " is on hold: reactivation waits for a clerk"
                            : reason};
          t.Audit("purr/worker", "payment:" + payment_id,
                  {"follow_up", f.rule_id, f.reasons[0], std::nullopt});
        }
        const int64_t id = t.AddFollowUp(f, letter_id, payment_id);
        ++by_rule[f.rule_id];
        if (!f.deadline.empty()) ++with_deadline;
        if (!f.deadline.empty() && f.deadline < today) ++overdue;
        if (rng.Chance(25)) {
          std::optional<store::FollowUpRecord> r = t.GetFollowUp(id);
          r->assignee = rng.Pick(kClerks);
          if (!t.UpdateFollowUp(*r, r->version)) throw store::StoreError("assign failed");
          ++assigned;
        }
      }
    }));
  }
  const double queue_s = Seconds(t_queue);
  const double total_s = Seconds(start);
  opened->reset();  // closes the store (checkpoints the WAL)
  std::error_code ec;
  const auto size = fs::file_size(opt.db, ec);

  std::printf("bench_review_data: %s\n", opt.db.c_str());
  std::printf("  invoices %zu (open %zu, blocking %zu) of %zu customers;", opt.invoices,
              open_invoices, blocking_invoices, ledger.customers.size());
  for (const auto& [cur, n] : by_currency) std::printf(" %s %zu", cur.c_str(), n);
  std::printf("\n  open follow-ups %zu: letters %zu, payments %zu; with deadline %zu, overdue "
              "today (%s) %zu (%.1f%%); assigned %zu; holds %zu\n",
              opt.follow_ups, n_letters, n_payments, with_deadline, today.c_str(), overdue,
              opt.follow_ups ? 100.0 * static_cast<double>(overdue) / static_cast<double>(opt.follow_ups) : 0.0,
              assigned, holds);
  std::printf("  by rule:");
  for (const auto& [rule, n] : by_rule) std::printf(" %s %zu", rule.c_str(), n);
  std::printf("\n  letters by language:");
  for (const auto& [lang, n] : by_language) std::printf(" %s %zu", lang.c_str(), n);
  std::printf("; by legal:");
  for (const auto& [legal, n] : by_legal) std::printf(" %s %zu", legal.c_str(), n);
  std::printf("\n  letter ids 1..%zu\n", n_letters);
  std::printf("  generated in %.1f s (queue %.1f s); store file %.1f MB\n", total_s, queue_s,
              static_cast<double>(size) / 1e6);
  std::printf("{\"seconds\": %.2f, \"queue_seconds\": %.2f, \"bytes\": %llu, \"letters\": %zu, "
              "\"payments\": %zu, \"overdue\": %zu, \"today\": \"%s\"}\n",
              total_s, queue_s, static_cast<unsigned long long>(size), n_letters, n_payments,
              overdue, today.c_str());
  return 0;
}
