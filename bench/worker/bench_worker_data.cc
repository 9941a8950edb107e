// Writes a generated ledger (CSV) and its payments as one camt.054.001.02 file, for
// bench/worker/bench_worker.sh:
//   bench_worker_data --invoices N --payments M --out DIR [--seed S]
// The scenario is matching::GenerateScenario's (issue 5's error mix), so the payments carry
// typos, missing check digits, split payments and unknown payers like real ones.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "matching/scenario.h"

namespace {

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Decimal(int64_t minor) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%lld.%02lld", static_cast<long long>(minor / 100),
                static_cast<long long>(minor % 100));
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  purr::matching::ScenarioOptions options;
  options.invoices = 1000000;
  options.payments = 100000;
  std::string out = ".";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--invoices") == 0) options.invoices = std::strtoull(argv[i + 1], nullptr, 10);
    else if (std::strcmp(argv[i], "--payments") == 0) options.payments = std::strtoull(argv[i + 1], nullptr, 10);
    else if (std::strcmp(argv[i], "--seed") == 0) options.seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (std::strcmp(argv[i], "--out") == 0) out = argv[i + 1];
    else {
      std::cerr << "usage: bench_worker_data --invoices N --payments M --out DIR [--seed S]\n";
      return 2;
    }
  }
  purr::matching::Scenario s = purr::matching::GenerateScenario(options);
  {
    std::ofstream ledger(out + "/ledger.csv", std::ios::binary);
    ledger << purr::matching::LedgerToCsv(s.invoices);
  }
  std::ofstream camt(out + "/payments.xml", std::ios::binary);
  camt << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.02\">\n"
          "<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>BENCH-1</MsgId>"
          "<CreDtTm>2026-12-01T08:00:00</CreDtTm></GrpHdr>\n"
          "<Ntfctn><Id>BENCH-NTFCTN-1</Id><CreDtTm>2026-12-01T08:00:00</CreDtTm>"
          "<Acct><Id><IBAN>NO9386011117947</IBAN></Id></Acct>\n";
  size_t n = 0;
  for (const purr::matching::Payment& p : s.payments) {
    ++n;
    const std::string amount = Decimal(p.amount_minor);
    camt << "<Ntry><NtryRef>" << n << "</NtryRef><Amt Ccy=\"" << p.currency << "\">" << amount
         << "</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-12-01</Dt>"
            "</BookgDt><ValDt><Dt>2026-12-01</Dt></ValDt><AcctSvcrRef>BENCH-"
         << n << "</AcctSvcrRef><BkTxCd/><NtryDtls><TxDtls><Refs><AcctSvcrRef>BENCH-" << n
         << "</AcctSvcrRef></Refs><AmtDtls><TxAmt><Amt Ccy=\"" << p.currency << "\">" << amount
         << "</Amt></TxAmt></AmtDtls><RltdPties><Dbtr><Nm>" << Escape(p.payer_name)
         << "</Nm></Dbtr>";
    if (!p.payer_account.empty()) {
      camt << "<DbtrAcct><Id><Othr><Id>" << Escape(p.payer_account) << "</Id></Othr></Id></DbtrAcct>";
    }
    camt << "</RltdPties><RmtInf>";
    if (!p.text.empty()) camt << "<Ustrd>" << Escape(p.text) << "</Ustrd>";
    for (const std::string& ref : p.references) {
      camt << "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>"
           << Escape(ref) << "</Ref></CdtrRefInf></Strd>";
    }
    camt << "</RmtInf></TxDtls></NtryDtls></Ntry>\n";
  }
  camt << "</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>\n";
  std::cerr << "bench_worker_data: " << s.invoices.size() << " invoices, " << n
            << " payments in " << out << "\n";
  return camt ? 0 : 1;
}
