#include "cases/linker.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace purr::cases {
namespace {

constexpr size_t kMaxArenaBytes = std::numeric_limits<uint32_t>::max();
constexpr size_t kMaxNameBytes = 256;
constexpr size_t kMinNameWords = 2;
constexpr size_t kMaxNameWords = 8;

constexpr unsigned char Byte(char c) { return static_cast<unsigned char>(c); }

// ---- Characters ---------------------------------------------------------------------------

enum class Cls : uint8_t { kId, kJoin, kLetter, kBreak };

struct CharAt {
  Cls cls;
  uint8_t size;  // bytes
};

// Letters and digits: what words, and so identifiers, are made of.
bool IsWord(Cls cls) { return cls == Cls::kId || cls == Cls::kLetter; }

constexpr std::array<Cls, 128> MakeAsciiClasses() {
  std::array<Cls, 128> t{};
  for (Cls& c : t) c = Cls::kBreak;
  for (int c = '0'; c <= '9'; ++c) t[c] = Cls::kId;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 'a' + 'A'] = Cls::kId;
  for (char c : {' ', '-', '/', '.', '_'}) t[Byte(c)] = Cls::kJoin;
  return t;
}
constexpr std::array<Cls, 128> kAsciiClass = MakeAsciiClasses();

// Normalised form of an ASCII letter or digit (0 for anything else).
constexpr std::array<char, 128> MakeFold() {
  std::array<char, 128> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<char>(c);
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 'a' + 'A'] = static_cast<char>(c);
  for (auto [from, to] : {std::pair{'o', '0'}, {'i', '1'}, {'l', '1'}, {'s', '5'}, {'b', '8'}}) {
    t[Byte(from)] = t[Byte(from) - 'a' + 'A'] = to;
  }
  return t;
}
constexpr std::array<char, 128> kFold = MakeFold();

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsContinuation(std::string_view t, size_t i) {
  return i < t.size() && (Byte(t[i]) & 0xC0) == 0x80;
}

// The class and size of the character at t[i]. Only the few non-ASCII characters that
// matter are decoded; any other byte, valid UTF-8 or not, is a one-byte break (a stray
// continuation byte is then a break too, never part of a letter or a separator).
CharAt ClassifyAt(std::string_view t, size_t i) {
  unsigned char c = Byte(t[i]);
  if (c < 0x80) return {kAsciiClass[c], 1};
  if (c >= 0xC2 && c <= 0xC9 && IsContinuation(t, i + 1)) {  // U+0080..U+027F
    uint32_t cp = (c & 0x1Fu) << 6 | (Byte(t[i + 1]) & 0x3Fu);
    if (cp == 0xA0 || cp == 0xAD) return {Cls::kJoin, 2};  // no-break space, soft hyphen
    if (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) return {Cls::kLetter, 2};
    return {Cls::kBreak, 2};
  }
  if (c == 0xE2 && IsContinuation(t, i + 1) && IsContinuation(t, i + 2)) {  // U+2000..U+2FFF
    uint32_t cp = 0x2000u | (Byte(t[i + 1]) & 0x3Fu) << 6 | (Byte(t[i + 2]) & 0x3Fu);
    bool join = cp == 0x2009 || cp == 0x202F || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212;
    return {join ? Cls::kJoin : Cls::kBreak, 3};
  }
  return {Cls::kBreak, 1};
}

// Writes the normalised form of a known value to out (at least value.size() bytes).
size_t Normalise(std::string_view value, char* out) {
  size_t n = 0;
  for (char c : value) {
    if (Byte(c) < 0x80 && kFold[Byte(c)] != 0) out[n++] = kFold[Byte(c)];
  }
  return n;
}

// ---- Hashing and edits --------------------------------------------------------------------

// Polynomial hash s[0]*B^(n-1) + ... + s[n-1] modulo 2^64, so that each one-character
// deletion of a string hashes in O(1); the splitmix64 finaliser (with the size) then mixes
// the top bits, which pick the bucket.
constexpr uint64_t kBase = 0x9e3779b97f4a7c15ull;

uint64_t Poly(std::string_view s) {
  uint64_t h = 0;
  for (char c : s) h = h * kBase + Byte(c);
  return h;
}

uint64_t Finish(uint64_t poly, size_t size) {
  uint64_t h = poly + size * 0xd6e8feb86659fd93ull;
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

uint64_t HashOf(std::string_view s) { return Finish(Poly(s), s.size()); }

constexpr size_t kMaxVariantSize = kMaxIdLength + 1;  // a window may hold one insertion

constexpr std::array<uint64_t, kMaxVariantSize + 1> MakePowers() {
  std::array<uint64_t, kMaxVariantSize + 1> p{};
  p[0] = 1;
  for (size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * kBase;
  return p;
}
constexpr std::array<uint64_t, kMaxVariantSize + 1> kPowers = MakePowers();

// Calls emit(hash) for s and, if with_deletions, for every distinct string made by deleting
// one character of s. Two strings within one edit then share a hash: substitution and
// transposition a deletion of each, insertion and deletion one string and a deletion of the
// other. Deleting any character of a run of equal ones gives the same string: hashed once.
// REQUIRES: s.size() <= kMaxVariantSize if with_deletions.
template <typename Emit>
void ForEachVariant(std::string_view s, bool with_deletions, const Emit& emit) {
  emit(HashOf(s));
  if (!with_deletions) return;
  size_t n = s.size();
  std::array<uint64_t, kMaxVariantSize + 1> suffix;  // suffix[i] = Poly(s.substr(i))
  suffix[n] = 0;
  for (size_t i = n; i-- > 0;) suffix[i] = Byte(s[i]) * kPowers[n - 1 - i] + suffix[i + 1];
  uint64_t prefix = 0;  // Poly(s.substr(0, i))
  for (size_t i = 0; i < n; ++i) {
    if (i == 0 || s[i] != s[i - 1]) {
      emit(Finish(prefix * kPowers[n - 1 - i] + suffix[i + 1], n - 1));
    }
    prefix = prefix * kBase + Byte(s[i]);
  }
}

// 0 if a == b; 1 if one substitution, adjacent transposition, insertion or deletion turns a
// into b; else 2.
int EditsUpToOne(std::string_view a, std::string_view b) {
  if (a.size() < b.size()) std::swap(a, b);
  if (a.size() - b.size() > 1) return 2;
  size_t p = std::mismatch(b.begin(), b.end(), a.begin()).first - b.begin();
  if (p == a.size()) return 0;
  if (a.size() > b.size()) return a.substr(p + 1) == b.substr(p) ? 1 : 2;
  if (a.substr(p + 1) == b.substr(p + 1)) return 1;
  bool swapped = p + 1 < a.size() && a[p] == b[p + 1] && a[p + 1] == b[p];
  return swapped && a.substr(p + 2) == b.substr(p + 2) ? 1 : 2;
}

// ---- Storage ------------------------------------------------------------------------------

// A static multimap from 64-bit hashes to 32-bit values in two flat arrays: bucket starts
// (by the top bits of the hash, about eight entries a bucket) and 4-byte entries packing the
// value with a fingerprint from the hash's low bits (10 bits for 4 million values). Filled in
// two passes over the same entries, in batches: Count() them all, EndCounting(), then Add()
// them all. ForEach returns a superset (values whose bucket and fingerprint agree) for the
// caller to verify.
class HashMultimap {
 public:
  HashMultimap() = default;
  // REQUIRES: fewer than 2^32 entries are counted; every value added is <= max_value.
  HashMultimap(size_t expected_entries, uint32_t max_value) {
    int bits = 1;
    while ((size_t{8} << bits) < expected_entries && bits < 28) ++bits;
    shift_ = 64 - bits;
    value_bits_ = std::bit_width(max_value);
    value_mask_ = (uint64_t{1} << value_bits_) - 1;
    fingerprint_mask_ = (uint64_t{1} << (32 - value_bits_)) - 1;
    starts_.assign((size_t{1} << bits) + 1, 0);
  }

  using Batch = std::vector<std::pair<uint64_t, uint32_t>>;  // (hash, value)

  // Counts every hash of the batch.
  void Count(const Batch& batch) {
    InChunks(batch, [this](const auto* begin, const auto* end) {
      for (const auto* e = begin; e != end; ++e) __builtin_prefetch(&starts_[Bucket(e->first)], 1);
      for (const auto* e = begin; e != end; ++e) ++starts_[Bucket(e->first)];
    });
  }

  void EndCounting() {
    uint32_t total = 0;
    for (size_t b = 0; b + 1 < starts_.size(); ++b) starts_[b] = total += starts_[b];
    starts_.back() = total;
    entries_.resize(total);
  }

  // Adds every entry of the batch, filling each bucket from its end, so that starts_[b]
  // finishes at the bucket's beginning.
  void Add(const Batch& batch) {
    InChunks(batch, [this](const auto* begin, const auto* end) {
      for (const auto* e = begin; e != end; ++e) __builtin_prefetch(&starts_[Bucket(e->first)], 1);
      for (const auto* e = begin; e != end; ++e) {
        __builtin_prefetch(entries_.data() + starts_[Bucket(e->first)] - 1, 1);
      }
      for (const auto* e = begin; e != end; ++e) {
        entries_[--starts_[Bucket(e->first)]] =
            static_cast<uint32_t>((e->first & fingerprint_mask_) << value_bits_ | e->second);
      }
    });
  }

  template <typename F>
  void ForEach(uint64_t h, const F& f) const {
    if (entries_.empty()) return;
    size_t b = Bucket(h);
    uint64_t fingerprint = h & fingerprint_mask_;
    for (uint32_t i = starts_[b]; i < starts_[b + 1]; ++i) {
      uint64_t e = entries_[i];
      if (e >> value_bits_ == fingerprint) f(static_cast<uint32_t>(e & value_mask_));
    }
  }

  // ForEach for each of hashes[0, n), with the cache misses of all lookups overlapped.
  template <typename F>
  void ForEachOf(const uint64_t* hashes, size_t n, const F& f) const {
    if (entries_.empty()) return;
    for (size_t i = 0; i < n; ++i) __builtin_prefetch(&starts_[Bucket(hashes[i])]);
    for (size_t i = 0; i < n; ++i) __builtin_prefetch(entries_.data() + starts_[Bucket(hashes[i])]);
    for (size_t i = 0; i < n; ++i) ForEach(hashes[i], f);
  }

  size_t MemoryBytes() const { return (starts_.capacity() + entries_.capacity()) * 4; }

 private:
  size_t Bucket(uint64_t h) const { return static_cast<size_t>(h >> shift_); }

  // Random accesses to the big arrays go in chunks, prefetched first so that their cache
  // misses overlap: this halves the build time.
  template <typename F>
  static void InChunks(const Batch& batch, const F& f) {
    constexpr size_t kChunk = 64;
    for (size_t i = 0; i < batch.size(); i += kChunk) {
      f(batch.data() + i, batch.data() + std::min(batch.size(), i + kChunk));
    }
  }

  int shift_ = 63;
  int value_bits_ = 0;
  uint64_t value_mask_ = 0;
  uint64_t fingerprint_mask_ = 0;
  std::vector<uint32_t> starts_;
  std::vector<uint32_t> entries_;
};

// Interned strings under 4 GiB in all, with stable 32-bit ids.
class StringPool {
 public:
  // Intern() fails rather than grow past this, so the map's views stay valid.
  void Reserve(size_t bytes) { bytes_.reserve(std::min(bytes, kMaxArenaBytes)); }

  std::optional<uint32_t> Intern(std::string_view s) {
    // Ledgers list a case's identifiers together: the last string usually repeats.
    if (last_ < Count() && Get(last_) == s) return last_;
    if (auto it = ids_.find(s); it != ids_.end()) return last_ = it->second;
    if (s.size() > bytes_.capacity() - bytes_.size()) return std::nullopt;
    size_t offset = bytes_.size();
    bytes_ += s;
    last_ = static_cast<uint32_t>(Count());
    offsets_.push_back(static_cast<uint32_t>(bytes_.size()));
    ids_.emplace(std::string_view(bytes_).substr(offset), last_);
    return last_;
  }

  // Frees the lookup map and spare capacity; Intern() must not be called afterwards.
  void Freeze() {
    ids_ = {};
    bytes_.shrink_to_fit();
    offsets_.shrink_to_fit();
  }

  std::string_view Get(uint32_t id) const {
    return std::string_view(bytes_).substr(offsets_[id], offsets_[id + 1] - offsets_[id]);
  }
  size_t Count() const { return offsets_.size() - 1; }
  size_t MemoryBytes() const { return bytes_.capacity() + offsets_.capacity() * 4; }

 private:
  std::string bytes_;
  std::vector<uint32_t> offsets_{0};
  std::unordered_map<std::string_view, uint32_t> ids_;
  uint32_t last_ = std::numeric_limits<uint32_t>::max();
};

// ---- Identifier tokens --------------------------------------------------------------------

struct Token {
  size_t start = 0, end = 0;             // bytes in the text
  size_t fold_begin = 0, fold_size = 0;  // normalised characters
  size_t digits = 0;                     // digits among them
  bool joined = false;                   // only separators between this token and the next
};

// The tokens of text that may be part of an identifier; their normalised characters are
// appended to *folded, consecutive tokens' contiguously.
std::vector<Token> IdTokens(std::string_view text, std::string* folded) {
  std::vector<Token> tokens;
  bool joinable = false;  // only separators since tokens.back()
  size_t i = 0;
  while (i < text.size()) {
    CharAt c = ClassifyAt(text, i);
    if (!IsWord(c.cls)) {
      joinable = joinable && c.cls == Cls::kJoin;
      i += c.size;
      continue;
    }
    size_t start = i;
    bool latin = false;  // "ø1234567" is a word, not an identifier
    for (; i < text.size() && IsWord((c = ClassifyAt(text, i)).cls); i += c.size) {
      latin = latin || c.cls == Cls::kLetter;
    }
    if (latin) {
      joinable = false;
      continue;
    }
    if (joinable) tokens.back().joined = true;
    Token token{start, i, folded->size(), i - start, 0, false};
    for (size_t k = start; k < i; ++k) {
      folded->push_back(kFold[Byte(text[k])]);
      token.digits += IsDigit(folded->back());
    }
    tokens.push_back(token);
    joinable = true;
  }
  return tokens;
}

struct RawHit {
  size_t start, end;
  uint32_t key;
  int edits;
};

// Shapes (normalised length, digits) that some key matches exactly or within one edit: a
// window of any other shape needs no lookup. Prose ("jeg har betalt") rarely has the shape
// of a ledger's numbers.
constexpr size_t kShapeSide = kMaxIdLength + 2;
constexpr uint8_t kExactShape = 1;
constexpr uint8_t kFuzzyShape = 2;

}  // namespace

std::string_view IdKindName(IdKind kind) {
  switch (kind) {
    case IdKind::kCase:
      return "case";
    case IdKind::kInvoice:
      return "invoice";
    case IdKind::kCustomer:
      return "customer";
    case IdKind::kReference:
      return "reference";
  }
  return "unknown";
}

// ---- IdentifierIndex ----------------------------------------------------------------------

struct IdentifierIndex::Rep {
  struct Record {
    uint32_t value_offset;
    uint32_t case_id;   // in strings
    uint32_t customer;  // in strings
    uint8_t value_size;
    uint8_t kind;
  };
  struct Keyed {
    uint64_t hash;  // of the normalised value
    uint32_t record;
  };

  std::string values;           // the known values as given, concatenated
  std::vector<Record> records;  // grouped by key; in a key by kind, value, case id, customer
  StringPool strings;           // case ids and customers
  std::string keys;             // the distinct normalised values, concatenated
  std::vector<uint32_t> key_offsets{0};  // key k is keys[key_offsets[k], key_offsets[k + 1])
  std::vector<uint32_t> key_records{0};  // key k owns records[key_records[k], key_records[k + 1])
  HashMultimap variants;                 // hashes of each key and its deletions -> key
  std::array<uint8_t, kShapeSide * kShapeSide> shapes{};
  size_t max_window = 0;  // the longest normalised window that can match
  size_t skipped = 0;

  size_t KeyCount() const { return key_offsets.size() - 1; }
  std::string_view Key(uint32_t k) const {
    return std::string_view(keys).substr(key_offsets[k], key_offsets[k + 1] - key_offsets[k]);
  }
  std::string_view Value(const Record& r) const {
    return std::string_view(values).substr(r.value_offset, r.value_size);
  }

  std::vector<Keyed> Collect(const std::vector<KnownId>& ids);
  void Group(std::vector<Keyed> keyed);
  void IndexVariants();
  bool RecordLess(const Record& a, const Record& b) const;
  void MatchWindow(std::string_view window, size_t digits, size_t start, size_t end,
                   std::vector<uint32_t>& candidates, std::vector<RawHit>& out) const;
  std::vector<LinkHit> Resolve(std::vector<RawHit> raw) const;
};

std::vector<IdentifierIndex::Rep::Keyed> IdentifierIndex::Rep::Collect(
    const std::vector<KnownId>& ids) {
  size_t string_bytes = 0, value_bytes = 0;
  for (const KnownId& id : ids) {
    string_bytes += id.case_id.size() + id.customer.size();
    value_bytes += std::min(id.value.size(), kMaxIdValueBytes);
  }
  strings.Reserve(string_bytes);
  values.reserve(std::min(value_bytes, kMaxArenaBytes));
  records.reserve(ids.size());
  std::vector<Keyed> keyed;
  keyed.reserve(ids.size());
  size_t entries = 0;  // in the multimap, which holds fewer than 2^32
  char key[kMaxIdValueBytes];
  for (const KnownId& id : ids) {
    size_t n = id.value.size() <= kMaxIdValueBytes ? Normalise(id.value, key) : 0;
    size_t own_entries = n >= kMinFuzzyLength ? n + 1 : 1;
    bool fits = n > 0 && n <= kMaxIdLength && entries + own_entries < kMaxArenaBytes &&
                id.value.size() <= kMaxArenaBytes - values.size();
    std::optional<uint32_t> case_id = fits ? strings.Intern(id.case_id) : std::nullopt;
    std::optional<uint32_t> customer = case_id ? strings.Intern(id.customer) : std::nullopt;
    if (!customer) {
      ++skipped;
      continue;
    }
    entries += own_entries;
    keyed.push_back({HashOf({key, n}), static_cast<uint32_t>(records.size())});
    records.push_back({static_cast<uint32_t>(values.size()), *case_id, *customer,
                       static_cast<uint8_t>(id.value.size()), static_cast<uint8_t>(id.kind)});
    values += id.value;
  }
  strings.Freeze();
  return keyed;
}

bool IdentifierIndex::Rep::RecordLess(const Record& a, const Record& b) const {
  char ka[kMaxIdValueBytes], kb[kMaxIdValueBytes];
  std::string_view key_a(ka, Normalise(Value(a), ka)), key_b(kb, Normalise(Value(b), kb));
  if (key_a != key_b) return key_a < key_b;
  if (a.kind != b.kind) return a.kind < b.kind;
  if (Value(a) != Value(b)) return Value(a) < Value(b);
  if (a.case_id != b.case_id) return strings.Get(a.case_id) < strings.Get(b.case_id);
  return strings.Get(a.customer) < strings.Get(b.customer);
}

// Sorts records by key hash and key, and drops duplicates: the records of one key become
// one contiguous range.
void IdentifierIndex::Rep::Group(std::vector<Keyed> keyed) {
  // Integers first; only runs of one hash (a key's records, or a collision) need more.
  std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.record < b.record;
  });
  for (size_t i = 0, j; i < keyed.size(); i = j) {
    for (j = i + 1; j < keyed.size() && keyed[j].hash == keyed[i].hash;) ++j;
    std::sort(keyed.begin() + i, keyed.begin() + j, [this](const Keyed& a, const Keyed& b) {
      return RecordLess(records[a.record], records[b.record]);
    });
  }
  std::vector<Record> grouped;
  grouped.reserve(keyed.size());
  key_offsets.reserve(keyed.size() + 1);
  key_records.reserve(keyed.size() + 1);
  keys.reserve(values.size());
  char key[kMaxIdValueBytes];
  for (size_t i = 0; i < keyed.size(); ++i) {
    // Records are visited in hash order, at random: fetch ahead.
    if (i + 16 < keyed.size()) __builtin_prefetch(&records[keyed[i + 16].record]);
    if (i + 8 < keyed.size()) {
      __builtin_prefetch(values.data() + records[keyed[i + 8].record].value_offset);
    }
    const Record& r = records[keyed[i].record];
    std::string_view k(key, Normalise(Value(r), key));
    bool same_key = i > 0 && keyed[i].hash == keyed[i - 1].hash && Key(KeyCount() - 1) == k;
    if (!same_key) {
      keys += k;
      key_offsets.push_back(static_cast<uint32_t>(keys.size()));
      key_records.push_back(static_cast<uint32_t>(grouped.size()));
    } else {
      const Record& last = grouped.back();
      if (r.kind == last.kind && r.case_id == last.case_id && r.customer == last.customer &&
          Value(r) == Value(last)) {
        continue;
      }
    }
    grouped.push_back(r);
    key_records.back() = static_cast<uint32_t>(grouped.size());
  }
  grouped.shrink_to_fit();  // before the largest array is made
  records.swap(grouped);
  keys.shrink_to_fit();
}

void IdentifierIndex::Rep::IndexVariants() {
  size_t expected = 0;
  for (uint32_t k = 0; k < KeyCount(); ++k) {
    std::string_view key = Key(k);
    bool fuzzy = key.size() >= kMinFuzzyLength;
    expected += fuzzy ? key.size() + 1 : 1;
    max_window = std::max(max_window, key.size() + fuzzy);
    int size = static_cast<int>(key.size());
    int digits = static_cast<int>(std::count_if(key.begin(), key.end(), IsDigit));
    shapes[size * kShapeSide + digits] |= kExactShape;
    for (int ds = -1; fuzzy && ds <= 1; ++ds) {
      for (int dd = -1; dd <= 1; ++dd) {
        int s = size + ds, d = digits + dd;
        if (d >= 0 && d <= s && s < static_cast<int>(kShapeSide)) {
          shapes[s * kShapeSide + d] |= kFuzzyShape;
        }
      }
    }
  }
  if (KeyCount() == 0) return;
  variants = HashMultimap(expected, static_cast<uint32_t>(KeyCount() - 1));
  HashMultimap::Batch batch;
  auto in_batches = [&](auto&& use) {
    for (uint32_t k = 0; k < KeyCount(); ++k) {
      ForEachVariant(Key(k), Key(k).size() >= kMinFuzzyLength, [&](uint64_t h) {
        batch.emplace_back(h, k);
        if (batch.size() == 4096) {
          use(batch);
          batch.clear();
        }
      });
    }
    use(batch);
    batch.clear();
  };
  in_batches([&](const HashMultimap::Batch& b) { variants.Count(b); });
  variants.EndCounting();
  in_batches([&](const HashMultimap::Batch& b) { variants.Add(b); });
}

void IdentifierIndex::Rep::MatchWindow(std::string_view window, size_t digits, size_t start,
                                       size_t end, std::vector<uint32_t>& candidates,
                                       std::vector<RawHit>& out) const {
  uint8_t shape = shapes[window.size() * kShapeSide + digits];
  if (shape == 0) return;
  std::array<uint64_t, kMaxVariantSize + 1> hashes;
  size_t n = 0;
  ForEachVariant(window, (shape & kFuzzyShape) != 0, [&](uint64_t h) { hashes[n++] = h; });
  candidates.clear();
  variants.ForEachOf(hashes.data(), n, [&](uint32_t k) { candidates.push_back(k); });
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (uint32_t k : candidates) {
    int edits = EditsUpToOne(window, Key(k));
    if (edits == 0 || (edits == 1 && Key(k).size() >= kMinFuzzyLength)) {
      out.push_back({start, end, k, edits});
    }
  }
}

std::vector<LinkHit> IdentifierIndex::Rep::Resolve(std::vector<RawHit> raw) const {
  // Exact spans by start, each with the furthest end so far: a span [s, e) overlaps an
  // exact hit iff the last exact span starting before e reaches past s.
  std::vector<std::pair<size_t, size_t>> exact;
  for (const RawHit& h : raw) {
    if (h.edits == 0) exact.emplace_back(h.start, h.end);
  }
  std::sort(exact.begin(), exact.end());
  for (size_t i = 1; i < exact.size(); ++i) {
    exact[i].second = std::max(exact[i].second, exact[i - 1].second);
  }
  auto overlaps_exact = [&exact](const RawHit& h) {
    auto it =
        std::lower_bound(exact.begin(), exact.end(), h.end,
                         [](const std::pair<size_t, size_t>& x, size_t e) { return x.first < e; });
    return it != exact.begin() && std::prev(it)->second > h.start;
  };
  std::vector<RawHit> kept, fuzzy;
  for (const RawHit& h : raw) {
    if (h.edits == 0) {
      kept.push_back(h);
    } else if (!overlaps_exact(h)) {
      fuzzy.push_back(h);
    }
  }
  // Of overlapping fuzzy hits of one key, the longest, then the first, stays.
  std::sort(fuzzy.begin(), fuzzy.end(), [](const RawHit& a, const RawHit& b) {
    if (a.key != b.key) return a.key < b.key;
    if (a.end - a.start != b.end - b.start) return a.end - a.start > b.end - b.start;
    return a.start < b.start;
  });
  std::map<size_t, size_t> taken;  // disjoint spans of the current key, start -> end
  for (size_t i = 0; i < fuzzy.size(); ++i) {
    const RawHit& h = fuzzy[i];
    if (i > 0 && fuzzy[i - 1].key != h.key) taken.clear();
    auto next = taken.lower_bound(h.start);
    bool overlaps = (next != taken.end() && next->first < h.end) ||
                    (next != taken.begin() && std::prev(next)->second > h.start);
    if (overlaps) continue;
    taken.emplace(h.start, h.end);
    kept.push_back(h);
  }
  std::vector<LinkHit> hits;
  for (const RawHit& h : kept) {
    for (uint32_t i = key_records[h.key]; i < key_records[h.key + 1]; ++i) {
      const Record& r = records[i];
      hits.push_back({static_cast<IdKind>(r.kind), std::string(Value(r)),
                      std::string(strings.Get(r.case_id)), std::string(strings.Get(r.customer)),
                      h.start, h.end, h.edits});
    }
  }
  std::sort(hits.begin(), hits.end(), [](const LinkHit& a, const LinkHit& b) {
    return std::tie(a.start, a.end, a.edits, a.kind, a.value, a.case_id, a.customer) <
           std::tie(b.start, b.end, b.edits, b.kind, b.value, b.case_id, b.customer);
  });
  return hits;
}

IdentifierIndex::IdentifierIndex(std::unique_ptr<const Rep> rep) : rep_(std::move(rep)) {}
IdentifierIndex::~IdentifierIndex() = default;

std::shared_ptr<const IdentifierIndex> IdentifierIndex::Build(std::vector<KnownId> ids) {
  auto rep = std::make_unique<Rep>();
  std::vector<Rep::Keyed> keyed = rep->Collect(ids);
  std::vector<KnownId>().swap(ids);  // copied: free it before the big arrays are made
  rep->Group(std::move(keyed));
  rep->IndexVariants();
  // The constructor is private: only Build makes indexes.
  return std::shared_ptr<const IdentifierIndex>(new IdentifierIndex(std::move(rep)));
}

std::vector<LinkHit> IdentifierIndex::Find(std::string_view text) const {
  const Rep& rep = *rep_;
  if (rep.KeyCount() == 0) return {};
  std::string folded;
  std::vector<Token> tokens = IdTokens(text, &folded);
  std::vector<RawHit> raw;
  std::vector<uint32_t> candidates;
  for (size_t i = 0; i < tokens.size(); ++i) {
    size_t size = 0, digits = 0;
    for (size_t j = i; j < tokens.size(); ++j) {
      size += tokens[j].fold_size;
      digits += tokens[j].digits;
      if (size > rep.max_window) break;
      std::string_view window = std::string_view(folded).substr(tokens[i].fold_begin, size);
      rep.MatchWindow(window, digits, tokens[i].start, tokens[j].end, candidates, raw);
      if (!tokens[j].joined) break;
    }
  }
  return rep.Resolve(std::move(raw));
}

size_t IdentifierIndex::size() const { return rep_->records.size(); }
size_t IdentifierIndex::skipped() const { return rep_->skipped; }

size_t IdentifierIndex::MemoryBytes() const {
  const Rep& r = *rep_;
  return sizeof(Rep) + r.values.capacity() + r.records.capacity() * sizeof(Rep::Record) +
         r.strings.MemoryBytes() + r.keys.capacity() + r.key_offsets.capacity() * 4 +
         r.key_records.capacity() * 4 + r.variants.MemoryBytes();
}

// ---- NameIndex ----------------------------------------------------------------------------

namespace {

struct Word {
  size_t start = 0, end = 0;          // bytes in the text
  size_t key_begin = 0, key_end = 0;  // its lower-cased form
  bool joined = false;                // only separators between this word and the next
};

uint32_t LowerLatin(uint32_t cp) {
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;
  if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) return cp | 1;
  if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) return cp + (cp & 1);
  if (cp == 0x178) return 0xFF;
  return cp;
}

// Appends the lower-case form of one letter or digit (1 or 2 bytes, see ClassifyAt).
void AppendLower(std::string_view c, std::string* out) {
  if (c.size() == 1) {
    char b = c[0];
    out->push_back(b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
    return;
  }
  uint32_t cp = LowerLatin((Byte(c[0]) & 0x1Fu) << 6 | (Byte(c[1]) & 0x3Fu));
  out->push_back(static_cast<char>(0xC0 | cp >> 6));
  out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
}

bool IsApostrophe(std::string_view t, size_t i) {
  return t[i] == '\'' || t.substr(i, 3) == "\xE2\x80\x99";
}

// The words of text, lower-cased into *lowered.
std::vector<Word> NameWords(std::string_view text, std::string* lowered) {
  std::vector<Word> words;
  bool joinable = false;  // only separators since words.back()
  size_t i = 0;
  while (i < text.size()) {
    CharAt c = ClassifyAt(text, i);
    if (!IsWord(c.cls)) {
      joinable = joinable && (c.cls == Cls::kJoin || IsApostrophe(text, i));
      i += c.size;
      continue;
    }
    if (joinable) words.back().joined = true;
    Word w{i, 0, lowered->size(), 0, false};
    for (; i < text.size() && IsWord((c = ClassifyAt(text, i)).cls); i += c.size) {
      AppendLower(text.substr(i, c.size), lowered);
    }
    w.end = i;
    w.key_end = lowered->size();
    words.push_back(w);
    joinable = true;
  }
  return words;
}

// "kari nordmann" for "Kari Nordmann", "KARI  NORDMANN" and "Nordmann, Kari"; empty unless
// the name has kMinNameWords..kMaxNameWords words.
std::string NameKey(std::string_view name) {
  if (name.size() > kMaxNameBytes) return {};
  std::string reordered;
  if (size_t comma = name.find(','); comma != name.npos && name.find(',', comma + 1) == name.npos) {
    reordered = std::string(name.substr(comma + 1)) + " " + std::string(name.substr(0, comma));
    name = reordered;
  }
  std::string lowered, key;
  std::vector<Word> words = NameWords(name, &lowered);
  if (words.size() < kMinNameWords || words.size() > kMaxNameWords) return {};
  for (const Word& w : words) {
    if (!key.empty()) key += ' ';
    key.append(lowered, w.key_begin, w.key_end - w.key_begin);
  }
  return key;
}

}  // namespace

struct NameIndex::Rep {
  struct Entry {
    uint32_t key_offset, key_size;
    uint32_t customer, name;  // in strings
  };
  std::string keys;
  std::vector<Entry> entries;
  StringPool strings;
  HashMultimap index;  // hash of key -> entry

  std::string_view Key(const Entry& e) const {
    return std::string_view(keys).substr(e.key_offset, e.key_size);
  }
};

NameIndex::NameIndex(std::unique_ptr<const Rep> rep) : rep_(std::move(rep)) {}
NameIndex::~NameIndex() = default;

std::shared_ptr<const NameIndex> NameIndex::Build(std::vector<KnownName> names) {
  struct Pending {
    uint64_t hash;
    std::string key;
    const KnownName* known;
  };
  std::vector<Pending> pending;
  size_t bytes = 0;
  for (const KnownName& n : names) {
    std::string key = NameKey(n.name);
    if (key.empty()) continue;
    bytes += n.customer.size() + n.name.size();
    uint64_t hash = HashOf(key);
    pending.push_back({hash, std::move(key), &n});
  }
  std::sort(pending.begin(), pending.end(), [](const Pending& a, const Pending& b) {
    return std::tie(a.hash, a.key, a.known->customer, a.known->name) <
           std::tie(b.hash, b.key, b.known->customer, b.known->name);
  });
  auto rep = std::make_unique<Rep>();
  rep->strings.Reserve(bytes);
  for (size_t i = 0; i < pending.size();) {
    size_t j = i + 1;
    bool one_customer = true;
    for (; j < pending.size() && pending[j].key == pending[i].key; ++j) {
      one_customer = one_customer && pending[j].known->customer == pending[i].known->customer;
    }
    std::optional<uint32_t> customer, name;
    if (one_customer && rep->keys.size() + pending[i].key.size() <= kMaxArenaBytes &&
        (customer = rep->strings.Intern(pending[i].known->customer)) &&
        (name = rep->strings.Intern(pending[i].known->name))) {
      rep->entries.push_back({static_cast<uint32_t>(rep->keys.size()),
                              static_cast<uint32_t>(pending[i].key.size()), *customer, *name});
      rep->keys += pending[i].key;
    }
    i = j;
  }
  rep->strings.Freeze();
  if (!rep->entries.empty()) {
    rep->index = HashMultimap(rep->entries.size(), static_cast<uint32_t>(rep->entries.size() - 1));
    HashMultimap::Batch batch;
    for (uint32_t i = 0; i < rep->entries.size(); ++i) {
      batch.emplace_back(HashOf(rep->Key(rep->entries[i])), i);
    }
    rep->index.Count(batch);
    rep->index.EndCounting();
    rep->index.Add(batch);
  }
  // The constructor is private: only Build makes indexes.
  return std::shared_ptr<const NameIndex>(new NameIndex(std::move(rep)));
}

std::vector<NameHit> NameIndex::Find(std::string_view text) const {
  const Rep& rep = *rep_;
  std::vector<NameHit> hits;
  if (rep.entries.empty()) return hits;
  std::string lowered, key;
  std::vector<Word> words = NameWords(text, &lowered);
  for (size_t i = 0; i < words.size(); ++i) {
    key.clear();
    for (size_t j = i; j < words.size() && j < i + kMaxNameWords; ++j) {
      if (j > i && !words[j - 1].joined) break;
      if (j > i) key += ' ';
      key.append(lowered, words[j].key_begin, words[j].key_end - words[j].key_begin);
      if (key.size() > kMaxNameBytes) break;
      if (j == i) continue;
      rep.index.ForEach(HashOf(key), [&](uint32_t e) {
        const Rep::Entry& entry = rep.entries[e];
        if (rep.Key(entry) != key) return;
        hits.push_back({std::string(rep.strings.Get(entry.customer)),
                        std::string(rep.strings.Get(entry.name)), words[i].start, words[j].end});
      });
    }
  }
  return hits;
}

size_t NameIndex::size() const { return rep_->entries.size(); }

}  // namespace purr::cases
