#include "matching/internal/index.h"

#include <string>

namespace purr::matching::internal {

uint64_t HashKey(std::string_view key) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a, then the splitmix64 finaliser so that the
  for (char c : key) {                 // top bits (the bucket) are well mixed
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

HashIndex::HashIndex(const std::function<void(const Emit&)>& each) {
  // Keys are hashed once; counting and filling then run over flat arrays.
  std::vector<uint64_t> hashes;
  std::vector<uint32_t> values;
  each([&](uint64_t h, uint32_t v) {
    hashes.push_back(h);
    values.push_back(v);
  });
  size_t n = hashes.size();
  // About four entries per bucket: a lookup reads one or two cache lines, and the bucket
  // directory (4 bytes per bucket) stays small enough to build without constant cache misses.
  int bits = 1;
  while ((size_t{4} << bits) < n && bits < 30) ++bits;
  shift_ = 64 - bits;
  size_t buckets = size_t{1} << bits;
  starts_.assign(buckets + 1, 0);
  for (uint64_t h : hashes) ++starts_[Bucket(h) + 1];
  for (size_t b = 0; b < buckets; ++b) starts_[b + 1] += starts_[b];
  entries_.resize(n);
  std::vector<uint32_t> fill(starts_.begin(), starts_.end() - 1);
  for (size_t i = 0; i < n; ++i) {
    entries_[fill[Bucket(hashes[i])]++] = {Fingerprint(hashes[i]), values[i]};
  }
}

void HashIndex::Find(uint64_t hash, std::vector<uint32_t>& out) const {
  if (entries_.empty()) return;
  size_t b = Bucket(hash);
  uint32_t fp = Fingerprint(hash);
  for (uint32_t i = starts_[b]; i < starts_[b + 1]; ++i) {
    if (entries_[i].fingerprint == fp) out.push_back(entries_[i].value);
  }
}

namespace {

using Emit = HashIndex::Emit;

// Emits HashKey(keys[i]) -> i for every non-empty key.
std::function<void(const Emit&)> ByKey(const std::vector<std::string>& keys) {
  return [&keys](const Emit& emit) {
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!keys[i].empty()) emit(HashKey(keys[i]), static_cast<uint32_t>(i));
    }
  };
}

// Emits HashKey(key(invoice i)) -> i for every non-empty key.
template <typename KeyOf>
std::function<void(const Emit&)> ByInvoiceKey(const LedgerData& d, KeyOf key_of) {
  return [&d, key_of](const Emit& emit) {
    for (size_t i = 0; i < d.invoices.size(); ++i) {
      std::string key = key_of(i);
      if (!key.empty()) emit(HashKey(key), static_cast<uint32_t>(i));
    }
  };
}

uint64_t NameAmountHash(std::string_view key, int64_t amount) {
  return HashKey(key) ^ HashKey(std::to_string(amount));
}

// Calls f(variant) for each distinct one-character deletion of s (deleting any character of
// a run of equal characters gives the same string: only the first is emitted).
template <typename F>
void ForEachDeletion(std::string_view s, std::string& scratch, F&& f) {
  for (size_t j = 0; j < s.size(); ++j) {
    if (j > 0 && s[j] == s[j - 1]) continue;
    scratch.assign(s.substr(0, j));
    scratch.append(s.substr(j + 1));
    f(std::string_view(scratch));
  }
}

}  // namespace

IndexedSource::IndexedSource(const LedgerData& d)
    : refs_(ByKey(d.refs)),
      stripped_(ByInvoiceKey(
          d, [&d](size_t i) { return std::string(StripLeadingZeros(d.refs[i])); })),
      deletions_([&d](const Emit& emit) {
        std::string scratch;
        for (size_t i = 0; i < d.refs.size(); ++i) {
          if (d.refs[i].size() < 2) continue;
          ForEachDeletion(d.refs[i], scratch, [&](std::string_view v) {
            emit(HashKey(v), static_cast<uint32_t>(i));
          });
        }
      }),
      invoices_(ByInvoiceKey(d, [&d](size_t i) { return TextKey(d.invoices[i].invoice); })),
      cases_(ByInvoiceKey(d, [&d](size_t i) { return TextKey(d.invoices[i].case_number); })),
      customers_([&d](const Emit& emit) {
        for (size_t i = 0; i < d.invoices.size(); ++i) {
          emit(HashKey(d.invoices[i].customer), static_cast<uint32_t>(i));
        }
      }),
      accounts_([&d](const Emit& emit) {
        for (size_t i = 0; i < d.accounts.size(); ++i) {
          for (const std::string& a : d.accounts[i]) emit(HashKey(a), static_cast<uint32_t>(i));
        }
      }),
      names_(ByKey(d.name_keys)),
      names_amounts_([&d](const Emit& emit) {
        for (size_t i = 0; i < d.name_keys.size(); ++i) {
          if (d.name_keys[i].empty()) continue;
          emit(NameAmountHash(d.name_keys[i], d.balances[i]), static_cast<uint32_t>(i));
        }
      }) {}

void IndexedSource::ByReference(std::string_view ref, std::vector<uint32_t>& out) const {
  refs_.Find(HashKey(ref), out);
}

void IndexedSource::ByStrippedReference(std::string_view stripped,
                                        std::vector<uint32_t>& out) const {
  stripped_.Find(HashKey(stripped), out);
}

void IndexedSource::ByOneEdit(std::string_view ref, std::vector<uint32_t>& out) const {
  // ref vs a deletion of the invoice's reference: the payment lacks a character.
  deletions_.Find(HashKey(ref), out);
  std::string scratch;
  ForEachDeletion(ref, scratch, [&](std::string_view v) {
    uint64_t h = HashKey(v);
    refs_.Find(h, out);       // the payment has one character too many
    deletions_.Find(h, out);  // substitution or adjacent transposition
  });
}

void IndexedSource::ByInvoiceNumber(std::string_view key, std::vector<uint32_t>& out) const {
  invoices_.Find(HashKey(key), out);
}

void IndexedSource::ByCase(std::string_view key, std::vector<uint32_t>& out) const {
  cases_.Find(HashKey(key), out);
}

void IndexedSource::ByCustomer(std::string_view customer, std::vector<uint32_t>& out) const {
  customers_.Find(HashKey(customer), out);
}

void IndexedSource::ByPayerAccount(std::string_view canonical, std::vector<uint32_t>& out) const {
  accounts_.Find(HashKey(canonical), out);
}

void IndexedSource::ByNameKey(std::string_view key, std::vector<uint32_t>& out) const {
  names_.Find(HashKey(key), out);
}

void IndexedSource::ByNameAndAmount(std::string_view key, int64_t amount,
                                    std::vector<uint32_t>& out) const {
  names_amounts_.Find(NameAmountHash(key, amount), out);
}

}  // namespace purr::matching::internal
