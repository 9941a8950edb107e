// ISO 20022 camt.053 / camt.054 reader on expat (SAX). See docs/formats/camt.md.
#include <expat.h>

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "bank/bank.h"
#include "bank/internal.h"
#include "common/money.h"

namespace purr::bank {
namespace {

using internal::AddReference;
using internal::AppendLine;
using internal::Error;
using internal::IsIsoDate;
using internal::MakePaymentId;
using internal::Trim;
using internal::Warning;

constexpr char kNsSeparator = '|';
constexpr std::string_view kCamtNamespace = "urn:iso:std:iso:20022:tech:xsd:camt.";
// Longer text in one element is cut and reported; no camt element allows more than 35 KB.
constexpr size_t kMaxElementText = 64 * 1024;
constexpr size_t kMaxDepth = 128;
// The schema versions read: .001.02 to .001.13 of both messages. docs/formats/camt.md lists what
// changed between them in the elements read here.
constexpr int kOldestVersion = 2;
constexpr int kNewestVersion = 13;

struct StructuredRef {
  std::string value;
  std::string type;
  std::string amount_text;  // RfrdDocAmt/RmtdAmt of the Strd block, if any
  std::string amount_ccy;
};

struct TxData {
  size_t number = 0;
  size_t line = 0;
  std::string acct_svcr_ref, end_to_end_id, tx_id, uetr;
  std::string amount_text, amount_ccy, cdt_dbt;
  std::string dbtr_name, dbtr_account, cdtr_name, cdtr_account;
  std::vector<std::string> text_lines;
  std::vector<StructuredRef> refs;
};

struct EntryData {
  size_t number = 0;
  size_t line = 0;
  std::string amount_text, amount_ccy, cdt_dbt, reversal, booking_date, value_date;
  std::string acct_svcr_ref, ntry_ref, status;
  std::vector<TxData> txs;
};

struct Money {
  int64_t minor = 0;
  std::string currency;
};

// What follows "RltdPties/<party>" in rel, or "" if rel is not below that party.
std::string_view PartyTail(std::string_view rel, std::string_view party) {
  constexpr std::string_view kPrefix = "RltdPties/";
  if (!rel.starts_with(kPrefix)) return "";
  rel.remove_prefix(kPrefix.size());
  if (!rel.starts_with(party)) return "";
  return rel.substr(party.size());
}

// RltdPties/<party>/Nm (.02 to .06), /Pty/Nm (.07+), or /Agt/FinInstnId/Nm when the party is
// a financial institution (.07+).
bool IsPartyName(std::string_view rel, std::string_view party) {
  std::string_view tail = PartyTail(rel, party);
  return tail == "/Nm" || tail == "/Pty/Nm" || tail == "/Agt/FinInstnId/Nm";
}

// RltdPties/<account>/Id/IBAN, /Id/Othr/Id, or /Prxy/Id (a proxy such as a phone number; from
// .09 it may stand alone, since Id became optional).
bool IsPartyAccount(std::string_view rel, std::string_view account) {
  std::string_view tail = PartyTail(rel, account);
  return tail == "/Id/IBAN" || tail == "/Id/Othr/Id" || tail == "/Prxy/Id";
}

// "2016-04-10" from a Dt or DtTm value ("2025-07-23T00:00:00.000000000"); empty if neither.
std::string DatePart(std::string_view value) {
  value = Trim(value);
  if (value.size() >= 10 && IsIsoDate(value.substr(0, 10))) return std::string(value.substr(0, 10));
  return "";
}

Result<Money> ParseCamtAmount(std::string_view text, std::string_view ccy) {
  std::optional<int> exponent = CurrencyExponent(ccy);
  if (!exponent) {
    return Status::InvalidInput("unknown currency \"" + std::string(ccy) + "\"");
  }
  Result<int64_t> minor = ParseAmountMinor(Trim(text), *exponent, AmountSyntax{'.', false});
  if (!minor.ok()) return minor.status();
  if (*minor < 0) return Status::InvalidInput("negative amount \"" + std::string(text) + "\"");
  return Money{*minor, std::string(ccy)};
}

}  // namespace

struct CamtStreamParser::Impl {
  explicit Impl(TransactionSink& s) : sink(s) {}

  TransactionSink& sink;
  std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser{nullptr, XML_ParserFree};
  Status status;
  std::string format;
  std::string message_type;  // "053" or "054"
  bool root_seen = false;
  size_t statements = 0;

  std::vector<std::string> path;  // local names, root first
  std::string text;
  bool text_truncated = false;
  std::string pending_ccy;  // Ccy attribute of the element being read

  size_t stmt_depth = 0;  // 0 = not inside; else depth (path size) of Stmt/Ntfctn
  size_t ntry_depth = 0;
  size_t tx_depth = 0;
  std::string account;
  EntryData entry;
  size_t entry_number = 0;
  // The statement's own summary (TxsSummry/TtlNtries) and what its entries add up to.
  std::string summary_count, summary_sum;
  int64_t entries_sum = 0;
  std::string entries_currency;  // "" none yet, "*" mixed or unreadable
  size_t strd_first_ref = 0;
  std::string strd_type, strd_amount, strd_ccy;
  std::string strd_amount_type;  // RfrdDocAmt/RmtAmtAndTp/Tp/Cd of the amount being read (.12+)
  internal::OccurrenceCounter occurrences;
  // How often each TxDtls AcctSvcrRef occurs in the current entry (counted once per entry, so
  // a batch of thousands of parts stays linear).
  std::unordered_map<std::string, int> tx_ref_counts;

  Status FeedExpat(std::string_view chunk, bool final);

  void Fail(Status s) {
    if (status.ok()) status = std::move(s);
    XML_StopParser(parser.get(), XML_FALSE);
  }
  size_t Line() const { return XML_GetCurrentLineNumber(parser.get()); }
  std::string RelPath(size_t anchor_depth) const {
    std::string rel;
    for (size_t i = anchor_depth; i < path.size(); ++i) {
      if (!rel.empty()) rel.push_back('/');
      rel += path[i];
    }
    return rel;
  }
  std::string EntryPosition(const EntryData& e) const {
    return "Stmt " + std::to_string(statements) + "/Ntry " + std::to_string(e.number) +
           " (line " + std::to_string(e.line) + ")";
  }

  void OnRoot(std::string_view name);
  void OnStart(std::string_view qname, const XML_Char** attrs);
  void OnEnd();
  void OnStatementField(const std::string& rel, const std::string& value);
  void OnEntryField(const std::string& rel, const std::string& value);
  void OnTxField(const std::string& rel, const std::string& value);
  void FinishEntry();
  void CheckSummary();
  void EmitEntry(const EntryData& e, const Money& amount, bool credit, bool reversal);
  void EmitBatch(const EntryData& e, const Money& amount, bool credit, bool reversal);
  void EmitTx(const EntryData& e, const TxData& tx, const Money& amount, bool credit,
              bool reversal, size_t tx_count);
  std::string PaymentId(const EntryData& e, const TxData* tx, size_t tx_count,
                        const Transaction& t);

  static void XMLCALL Start(void* data, const XML_Char* name, const XML_Char** attrs) {
    static_cast<Impl*>(data)->OnStart(name, attrs);
  }
  static void XMLCALL End(void* data, const XML_Char*) { static_cast<Impl*>(data)->OnEnd(); }
  static void XMLCALL Chars(void* data, const XML_Char* s, int len) {
    Impl* self = static_cast<Impl*>(data);
    size_t room = kMaxElementText - std::min(kMaxElementText, self->text.size());
    size_t n = static_cast<size_t>(len);
    if (n > room) {
      n = room;
      self->text_truncated = true;
    }
    self->text.append(s, n);
  }
  static void XMLCALL Doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*,
                              int) {
    static_cast<Impl*>(data)->Fail(Status::InvalidInput(
        "document type declaration (DOCTYPE) refused: camt files have none, and a DTD can "
        "declare external or expanding entities"));
  }
  static void XMLCALL EntityDecl(void* data, const XML_Char*, int, const XML_Char*, int,
                                 const XML_Char*, const XML_Char*, const XML_Char*,
                                 const XML_Char*) {
    static_cast<Impl*>(data)->Fail(Status::InvalidInput("entity declaration refused"));
  }
};

void CamtStreamParser::Impl::OnRoot(std::string_view qname) {
  root_seen = true;
  size_t sep = qname.find(kNsSeparator);
  std::string_view ns = sep == std::string_view::npos ? "" : qname.substr(0, sep);
  std::string_view local = sep == std::string_view::npos ? qname : qname.substr(sep + 1);
  if (ns.substr(0, kCamtNamespace.size()) != kCamtNamespace) {
    Fail(Status::Unsupported("not a camt document: root element <" + std::string(local) +
                             "> in namespace \"" + std::string(ns) + "\""));
    return;
  }
  std::string_view version = ns.substr(kCamtNamespace.size());  // "054.001.02"
  format = "camt." + std::string(version);
  bool shape_ok = version.size() == 10 && version.substr(3, 5) == ".001." &&
                  internal::IsDigits(version.substr(0, 3)) && internal::IsDigits(version.substr(8));
  std::string_view type = version.substr(0, 3);
  if (!shape_ok || (type != "053" && type != "054")) {
    Fail(Status::Unsupported("unsupported camt message " + format +
                             ": purr reads camt.053 and camt.054 only"));
    return;
  }
  int minor = (version[8] - '0') * 10 + (version[9] - '0');
  if (minor < kOldestVersion || minor > kNewestVersion) {
    Fail(Status::Unsupported("unsupported camt version " + format +
                             ": purr reads .001.02 to .001.13"));
    return;
  }
  if (local != "Document") {
    Fail(Status::InvalidInput("camt root element is <" + std::string(local) +
                              ">, expected <Document>"));
    return;
  }
  message_type = std::string(type);
}

void CamtStreamParser::Impl::OnStart(std::string_view qname, const XML_Char** attrs) {
  if (!status.ok()) return;
  if (!root_seen) {
    OnRoot(qname);
    if (!status.ok()) return;
  }
  if (path.size() >= kMaxDepth) {
    Fail(Status::InvalidInput("XML nested deeper than " + std::to_string(kMaxDepth) +
                              " elements at line " + std::to_string(Line())));
    return;
  }
  size_t sep = qname.rfind(kNsSeparator);
  std::string local(sep == std::string_view::npos ? qname : qname.substr(sep + 1));
  path.push_back(local);
  text.clear();
  text_truncated = false;
  pending_ccy.clear();
  for (size_t i = 0; attrs[i] != nullptr; i += 2) {
    if (std::string_view(attrs[i]) == "Ccy") pending_ccy = attrs[i + 1];
  }
  size_t depth = path.size();
  if (depth == 3 && (local == "Stmt" || local == "Ntfctn")) {
    const std::string& parent = path[1];
    bool expected = message_type == "053" ? parent == "BkToCstmrStmt"
                                          : parent == "BkToCstmrDbtCdtNtfctn";
    if (expected) {
      stmt_depth = depth;
      ++statements;
      account.clear();
      entry_number = 0;
      summary_count.clear();
      summary_sum.clear();
      entries_sum = 0;
      entries_currency.clear();
    }
  } else if (stmt_depth != 0 && depth == stmt_depth + 1 && local == "Ntry") {
    ntry_depth = depth;
    entry = EntryData();
    entry.number = ++entry_number;
    entry.line = Line();
  } else if (ntry_depth != 0 && depth == ntry_depth + 2 && local == "TxDtls" &&
             path[ntry_depth] == "NtryDtls") {
    tx_depth = depth;
    entry.txs.emplace_back();
    entry.txs.back().number = entry.txs.size();
    entry.txs.back().line = Line();
  } else if (tx_depth != 0 && local == "Strd") {
    strd_first_ref = entry.txs.back().refs.size();
    strd_type.clear();
    strd_amount.clear();
    strd_ccy.clear();
    strd_amount_type.clear();
  }
}

void CamtStreamParser::Impl::OnEnd() {
  if (!status.ok() || path.empty()) return;
  size_t depth = path.size();
  std::string value(Trim(text));
  if (text_truncated) {
    sink.OnDiagnostic(Warning("line " + std::to_string(Line()),
                              "text of <" + path.back() + "> longer than 64 KiB, cut"));
    text_truncated = false;
  }
  if (tx_depth != 0 && depth > tx_depth) {
    OnTxField(RelPath(tx_depth), value);
  } else if (ntry_depth != 0 && depth > ntry_depth) {
    OnEntryField(RelPath(ntry_depth), value);
  } else if (stmt_depth != 0 && depth > stmt_depth) {
    OnStatementField(RelPath(stmt_depth), value);
  }
  if (depth == tx_depth) {
    tx_depth = 0;
  } else if (depth == ntry_depth) {
    FinishEntry();
    ntry_depth = 0;
  } else if (depth == stmt_depth) {
    CheckSummary();
    stmt_depth = 0;
  }
  path.pop_back();
  text.clear();
}

void CamtStreamParser::Impl::OnStatementField(const std::string& rel, const std::string& value) {
  if (rel == "Acct/Id/IBAN" || rel == "Acct/Id/Othr/Id") account = value;
  // From .09 Acct/Id is optional and an account may be named by a proxy alone (Prxy follows Id).
  if (rel == "Acct/Prxy/Id" && account.empty()) account = value;
  if (rel == "TxsSummry/TtlNtries/NbOfNtries") summary_count = value;
  if (rel == "TxsSummry/TtlNtries/Sum") summary_sum = value;
}

// A summary that disagrees with the entries is only a warning: a paginated statement
// (MsgPgntn) summarises all pages, and bank samples are often trimmed copies.
void CamtStreamParser::Impl::CheckSummary() {
  std::string where = "Stmt " + std::to_string(statements);
  if (!summary_count.empty() && summary_count != std::to_string(entry_number)) {
    sink.OnDiagnostic(Warning(where, "TxsSummry states " + summary_count + " entries, the " +
                                         "statement has " + std::to_string(entry_number) +
                                         " (paginated or incomplete?)"));
    return;
  }
  if (summary_sum.empty() || entries_currency.empty() || entries_currency == "*") return;
  Result<Money> stated = ParseCamtAmount(summary_sum, entries_currency);
  if (stated.ok() && stated->minor != entries_sum) {
    sink.OnDiagnostic(Warning(where, "TxsSummry states a sum of " + summary_sum +
                                         ", the entries add up to " +
                                         FormatMinor(entries_sum, *CurrencyExponent(entries_currency))));
  }
}

void CamtStreamParser::Impl::OnEntryField(const std::string& rel, const std::string& value) {
  if (rel == "Amt") {
    entry.amount_text = value;
    entry.amount_ccy = pending_ccy;
  } else if (rel == "CdtDbtInd") {
    entry.cdt_dbt = value;
  } else if (rel == "RvslInd") {
    entry.reversal = value;
  } else if (rel.rfind("BookgDt/", 0) == 0 && entry.booking_date.empty()) {
    entry.booking_date = DatePart(value);
  } else if (rel.rfind("ValDt/", 0) == 0 && entry.value_date.empty()) {
    entry.value_date = DatePart(value);
  } else if (rel == "AcctSvcrRef") {
    entry.acct_svcr_ref = value;
  } else if (rel == "NtryRef") {
    entry.ntry_ref = value;
  } else if (rel == "Sts" || rel == "Sts/Cd") {
    if (!value.empty()) entry.status = value;
  }
}

void CamtStreamParser::Impl::OnTxField(const std::string& rel, const std::string& value) {
  TxData& tx = entry.txs.back();
  if (rel == "Refs/AcctSvcrRef") {
    tx.acct_svcr_ref = value;
  } else if (rel == "Refs/EndToEndId") {
    tx.end_to_end_id = value;
  } else if (rel == "Refs/TxId") {
    tx.tx_id = value;
  } else if (rel == "Refs/UETR") {
    tx.uetr = value;
  } else if (rel == "Amt" || (rel == "AmtDtls/TxAmt/Amt" && tx.amount_text.empty())) {
    tx.amount_text = value;
    tx.amount_ccy = pending_ccy;
  } else if (rel == "CdtDbtInd") {
    tx.cdt_dbt = value;
  } else if (IsPartyName(rel, "Dbtr")) {
    tx.dbtr_name = value;
  } else if (IsPartyName(rel, "Cdtr")) {
    tx.cdtr_name = value;
  } else if (IsPartyAccount(rel, "DbtrAcct")) {
    // Prxy follows Id: a proxy only stands in when there is no account Id.
    if (!rel.ends_with("/Prxy/Id") || tx.dbtr_account.empty()) tx.dbtr_account = value;
  } else if (IsPartyAccount(rel, "CdtrAcct")) {
    if (!rel.ends_with("/Prxy/Id") || tx.cdtr_account.empty()) tx.cdtr_account = value;
  } else if (rel == "RmtInf/Ustrd" || rel == "RmtInf/Strd/AddtlRmtInf") {
    tx.text_lines.push_back(value);
  } else if (rel == "RmtInf/Strd/CdtrRefInf/Tp/CdOrPrtry/Cd" ||
             rel == "RmtInf/Strd/CdtrRefInf/Tp/CdOrPrtry/Prtry") {
    strd_type = value;
  } else if (rel == "RmtInf/Strd/RfrdDocAmt/RmtdAmt") {
    strd_amount = value;
    strd_ccy = pending_ccy;
  } else if (rel == "RmtInf/Strd/RfrdDocAmt/RmtAmtAndTp/Tp/Cd") {
    strd_amount_type = value;
  } else if (rel == "RmtInf/Strd/RfrdDocAmt/RmtAmtAndTp/Amt") {
    // From .12 the remitted amount is the typed amount with code REMI (Tp precedes Amt).
    if (strd_amount_type == "REMI") {
      strd_amount = value;
      strd_ccy = pending_ccy;
    }
  } else if (rel == "RmtInf/Strd/RfrdDocAmt/RmtAmtAndTp") {
    strd_amount_type.clear();
  } else if (rel == "RmtInf/Strd/CdtrRefInf/Ref") {
    if (!value.empty()) tx.refs.push_back({value, strd_type, "", ""});
  } else if (rel == "RmtInf/Strd") {
    for (size_t i = strd_first_ref; i < tx.refs.size(); ++i) {
      tx.refs[i].amount_text = strd_amount;
      tx.refs[i].amount_ccy = strd_ccy;
    }
  }
}

void CamtStreamParser::Impl::FinishEntry() {
  const EntryData& e = entry;
  tx_ref_counts.clear();
  for (const TxData& tx : e.txs) {
    if (!tx.acct_svcr_ref.empty()) ++tx_ref_counts[tx.acct_svcr_ref];
  }
  std::string where = EntryPosition(e);
  Result<Money> amount = ParseCamtAmount(e.amount_text, e.amount_ccy);
  if (!amount.ok() || (!entries_currency.empty() && entries_currency != amount->currency) ||
      !internal::AddChecked(&entries_sum, amount->minor)) {
    entries_currency = "*";
  } else {
    entries_currency = amount->currency;
  }
  if (!amount.ok()) {
    sink.OnDiagnostic(Error(where, "entry skipped: Amt: " + amount.status().message()));
    return;
  }
  if (e.cdt_dbt != "CRDT" && e.cdt_dbt != "DBIT") {
    sink.OnDiagnostic(Error(where, "entry skipped: CdtDbtInd is \"" + e.cdt_dbt +
                                       "\", expected CRDT or DBIT"));
    return;
  }
  if (!e.status.empty() && e.status != "BOOK") {
    // Pending (PDNG) and information-only (INFO) entries have not reached the account.
    sink.OnDiagnostic(Warning(where, "entry status " + e.status + " (not booked): not delivered"));
    return;
  }
  bool credit = e.cdt_dbt == "CRDT";
  bool reversal = e.reversal == "true" || e.reversal == "1";
  if (e.txs.empty()) {
    EmitEntry(e, *amount, credit, reversal);
    return;
  }
  if (e.txs.size() == 1) {
    // The booked entry amount is what reached the account; a lone TxDtls amount only
    // repeats it (or, in some banks' files, gives the instructed foreign amount).
    const TxData& tx = e.txs.front();
    bool tx_credit = tx.cdt_dbt.empty() ? credit : tx.cdt_dbt == "CRDT";
    if (tx_credit != credit) {
      sink.OnDiagnostic(Warning(where, "TxDtls CdtDbtInd contradicts the entry's; the entry's "
                                       "is used"));
    }
    EmitTx(e, tx, *amount, credit, reversal, 1);
    return;
  }
  EmitBatch(e, *amount, credit, reversal);
}

// A batch is split into its TxDtls only when their amounts, in the entry currency, add up to
// the booked amount; otherwise it is delivered whole so no invented amount is applied.
void CamtStreamParser::Impl::EmitBatch(const EntryData& e, const Money& entry_amount,
                                       bool credit, bool reversal) {
  std::string where = EntryPosition(e);
  const Money* amount = &entry_amount;
  std::vector<Money> parts;
  std::vector<bool> part_credit;
  std::string why;
  int64_t signed_sum = 0;
  for (const TxData& tx : e.txs) {
    Result<Money> parsed = tx.amount_text.empty()
                               ? Result<Money>(Status::InvalidInput("no amount"))
                               : ParseCamtAmount(tx.amount_text, tx.amount_ccy);
    if (!parsed.ok()) {
      why = "TxDtls " + std::to_string(tx.number) + ": " + parsed.status().message();
      break;
    }
    if (parsed->currency != amount->currency) {
      why = "TxDtls " + std::to_string(tx.number) + " is in " + parsed->currency;
      break;
    }
    bool tx_credit = tx.cdt_dbt.empty() ? credit : tx.cdt_dbt == "CRDT";
    if (!internal::AddChecked(&signed_sum, tx_credit == credit ? parsed->minor : -parsed->minor)) {
      why = "the TxDtls amounts overflow";
      break;
    }
    parts.push_back(*parsed);
    part_credit.push_back(tx_credit);
  }
  if (why.empty() && signed_sum != amount->minor) {
    why = "the TxDtls amounts add up to " + FormatMinor(signed_sum, *CurrencyExponent(amount->currency));
  }
  if (!why.empty()) {
    sink.OnDiagnostic(Warning(where, "batch of " + std::to_string(e.txs.size()) +
                                         " TxDtls not split (" + why + ", entry amount " +
                                         e.amount_text + " " + e.amount_ccy +
                                         "): delivered as one transaction"));
    TxData merged = e.txs.front();
    for (size_t i = 1; i < e.txs.size(); ++i) {
      const TxData& tx = e.txs[i];
      merged.refs.insert(merged.refs.end(), tx.refs.begin(), tx.refs.end());
      merged.text_lines.insert(merged.text_lines.end(), tx.text_lines.begin(),
                               tx.text_lines.end());
    }
    EmitTx(e, merged, *amount, credit, reversal, 0);
    return;
  }
  for (size_t i = 0; i < e.txs.size(); ++i) {
    EmitTx(e, e.txs[i], parts[i], part_credit[i], reversal, e.txs.size());
  }
}

void CamtStreamParser::Impl::EmitEntry(const EntryData& e, const Money& amount, bool credit,
                                       bool reversal) {
  TxData none;
  EmitTx(e, none, amount, credit, reversal, 0);
}

void CamtStreamParser::Impl::EmitTx(const EntryData& e, const TxData& tx, const Money& amount,
                                    bool credit, bool reversal, size_t tx_count) {
  Transaction t;
  t.format = format;
  t.direction = credit ? Direction::kCredit : Direction::kDebit;
  t.reversal = reversal;
  t.amount_minor = amount.minor;
  t.currency = amount.currency;
  t.booking_date = e.booking_date;
  t.value_date = e.value_date;
  t.account = account;
  t.end_to_end_id = tx.end_to_end_id;
  t.bank_reference = !tx.acct_svcr_ref.empty() ? tx.acct_svcr_ref : e.acct_svcr_ref;
  // The counterparty: who paid us for a credit (or for the reversal of one), else the payee.
  bool debtor_side = credit != reversal;
  t.payer_name = debtor_side ? tx.dbtr_name : tx.cdtr_name;
  t.payer_account = debtor_side ? tx.dbtr_account : tx.cdtr_account;
  if (t.payer_name.empty() && t.payer_account.empty()) {
    t.payer_name = debtor_side ? tx.cdtr_name : tx.dbtr_name;
    t.payer_account = debtor_side ? tx.cdtr_account : tx.dbtr_account;
  }
  for (const StructuredRef& ref : tx.refs) {
    std::optional<int64_t> ref_amount;
    if (!ref.amount_text.empty()) {
      Result<Money> parsed = ParseCamtAmount(ref.amount_text, ref.amount_ccy);
      if (parsed.ok() && parsed->currency == t.currency) ref_amount = parsed->minor;
    }
    AddReference(t, ref.value, ref.type, ref_amount);
  }
  for (const std::string& line : tx.text_lines) AppendLine(t.text, line);
  t.position = EntryPosition(e);
  if (tx_count > 0) {
    t.position = "Stmt " + std::to_string(statements) + "/Ntry " + std::to_string(e.number) +
                 "/TxDtls " + std::to_string(tx.number) + " (line " + std::to_string(tx.line) +
                 ")";
  }
  t.payment_id = PaymentId(e, tx_count > 0 ? &tx : nullptr, tx_count, t);
  sink.OnTransaction(std::move(t));
}

// Identity: the bank's own reference where there is one (TxDtls AcctSvcrRef, else the
// entry's AcctSvcrRef or NtryRef plus the TxDtls number), scoped by the account. Without
// any, the normalised fields.
std::string CamtStreamParser::Impl::PaymentId(const EntryData& e, const TxData* tx,
                                              size_t tx_count, const Transaction& t) {
  // Only a batch's parts are told apart by their number, so a lone TxDtls (camt.054) and the
  // same entry without details (camt.053) share their identity.
  std::string tx_number = tx != nullptr && tx_count > 1 ? std::to_string(tx->number) : "";
  if (tx != nullptr && !tx->acct_svcr_ref.empty() && tx_count > 0) {
    bool unique_in_entry = tx_ref_counts[tx->acct_svcr_ref] == 1;
    return MakePaymentId("camt", {account, "tx", tx->acct_svcr_ref,
                                  unique_in_entry ? "" : tx_number});
  }
  if (!e.acct_svcr_ref.empty()) {
    return MakePaymentId("camt", {account, "ntry", e.acct_svcr_ref, tx_number});
  }
  if (!e.ntry_ref.empty()) {
    return MakePaymentId("camt", {account, "ntryref", e.ntry_ref, e.booking_date, tx_number});
  }
  std::string refs;
  for (const std::string& r : t.references) refs += r + "\x1f";
  std::string key = account + "\x1f" + t.booking_date + "\x1f" + t.value_date + "\x1f" +
                    std::to_string(t.SignedAmountMinor()) + t.currency +
                    (t.reversal ? "R" : "") + "\x1f" + t.end_to_end_id + "\x1f" +
                    (tx != nullptr ? tx->tx_id + "\x1f" + tx->uetr : "") + "\x1f" + refs +
                    "\x1f" + t.text + "\x1f" + t.payer_account + "\x1f" + t.payer_name;
  int occurrence = occurrences.Next(key);
  return MakePaymentId("camt", {"fields", key, std::to_string(occurrence)});
}

CamtStreamParser::CamtStreamParser(TransactionSink& sink) : impl_(std::make_unique<Impl>(sink)) {
  impl_->parser.reset(XML_ParserCreateNS(nullptr, kNsSeparator));
  XML_Parser p = impl_->parser.get();
  if (p == nullptr) {
    impl_->status = Status::Internal("cannot create an XML parser");
    return;
  }
  XML_SetUserData(p, impl_.get());
  XML_SetElementHandler(p, &Impl::Start, &Impl::End);
  XML_SetCharacterDataHandler(p, &Impl::Chars);
  XML_SetStartDoctypeDeclHandler(p, &Impl::Doctype);
  XML_SetEntityDeclHandler(p, &Impl::EntityDecl);
  XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
}

CamtStreamParser::~CamtStreamParser() = default;

const std::string& CamtStreamParser::format() const { return impl_->format; }

namespace {

Status XmlError(XML_Parser p) {
  return Status::InvalidInput("XML not well-formed at line " +
                              std::to_string(XML_GetCurrentLineNumber(p)) + " column " +
                              std::to_string(XML_GetCurrentColumnNumber(p) + 1) + ": " +
                              XML_ErrorString(XML_GetErrorCode(p)));
}

}  // namespace

Status CamtStreamParser::Impl::FeedExpat(std::string_view chunk, bool final) {
  if (!status.ok()) return status;
  XML_Parser p = parser.get();
  // expat copies what it is given into its own buffer, so a whole file handed over at once
  // would be held twice; 64 KiB pieces keep that buffer small (and the int length safe).
  constexpr size_t kPiece = 64 * 1024;
  do {
    size_t n = std::min(chunk.size(), kPiece);
    bool last = final && n == chunk.size();
    if (XML_Parse(p, chunk.data(), static_cast<int>(n), last ? XML_TRUE : XML_FALSE) ==
        XML_STATUS_ERROR) {
      if (status.ok()) status = XmlError(p);
      return status;
    }
    chunk.remove_prefix(n);
  } while (!chunk.empty());
  return status;
}


Status CamtStreamParser::Feed(std::string_view chunk) { return impl_->FeedExpat(chunk, false); }

Status CamtStreamParser::Finish() {
  Status s = impl_->FeedExpat({}, true);
  if (!s.ok()) return s;
  if (!impl_->root_seen) return impl_->status = Status::InvalidInput("empty XML document");
  if (impl_->statements == 0) {
    return impl_->status = Status::InvalidInput(
               impl_->message_type == "053" ? "camt.053 document without any Stmt"
                                            : "camt.054 document without any Ntfctn");
  }
  return Status::Ok();
}

Status ParseCamt(std::string_view bytes, TransactionSink& sink, std::string* format) {
  CamtStreamParser parser(sink);
  Status s = parser.Feed(bytes);
  if (s.ok()) s = parser.Finish();
  if (format != nullptr) *format = parser.format();
  return s;
}

}  // namespace purr::bank
