// store-test.cc - the store's own hash table over a register arena
//
// The store is open addressing with linear probing over an arena of
// registers (src/store/store.c). These tests pin down what callers rely
// on: a register's address never changes once made (growth moves buckets,
// not registers), equal hashes do not make equal names, every name of any
// length is kept byte for byte, and what the registers own is freed with
// the store (run under ASan/LSan).

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

extern "C" {
#include "store/store.h"
}

namespace {

struct StoreDeleter {
  void operator() (MmrStore *s) const { mmr_store_free (s); }
};
using StorePtr = std::unique_ptr<MmrStore, StoreDeleter>;

std::vector<std::string>
Names (const MmrStore *store)
{
  GPtrArray *names = mmr_store_dup_names (store);
  std::vector<std::string> out;

  for (guint i = 0; i < names->len; i++)
    out.emplace_back (static_cast<const char *> (names->pdata[i]));
  g_ptr_array_unref (names);
  return out;
}

void
CountVisit (gpointer key, gpointer value, gpointer user_data)
{
  auto *seen = static_cast<std::map<std::string, std::vector<MmrRegister *>> *> (
      user_data);

  (*seen)[static_cast<const char *> (key)].push_back (
      static_cast<MmrRegister *> (value));
}

bool
IsEmptyRegister (const MmrRegister *reg)
{
  for (guint r = 0; r < MMR_MAX_REPLICAS; r++)
    if (reg->vv.c[r] != 0)
      return false;
  return reg->n_siblings == 0 && reg->siblings == nullptr;
}

}  // namespace

TEST (MmrStore, EmptyStoreHasNothing)
{
  StorePtr store (mmr_store_new ());
  std::map<std::string, std::vector<MmrRegister *>> seen;

  EXPECT_EQ (mmr_store_size (store.get ()), 0u);
  EXPECT_EQ (mmr_store_lookup (store.get (), "cart"), nullptr);
  EXPECT_EQ (mmr_store_lookup (store.get (), ""), nullptr);
  EXPECT_TRUE (Names (store.get ()).empty ());
  mmr_store_foreach (store.get (), CountVisit, &seen);
  EXPECT_TRUE (seen.empty ());
  // Prefetching into an empty table is harmless.
  mmr_store_prefetch (store.get (), mmr_store_hash ("cart"));
}

TEST (MmrStore, FreeNullIsANoOp)
{
  mmr_store_free (nullptr);
}

TEST (MmrStore, EnsureCreatesOnceAndReturnsTheSameRegister)
{
  StorePtr store (mmr_store_new ());
  MmrRegister *a = mmr_store_ensure (store.get (), "cart");

  ASSERT_NE (a, nullptr);
  EXPECT_TRUE (IsEmptyRegister (a));
  EXPECT_EQ (mmr_store_size (store.get ()), 1u);
  a->vv.c[3] = 7;

  MmrRegister *again = mmr_store_ensure (store.get (), "cart");
  EXPECT_EQ (again, a);
  EXPECT_EQ (again->vv.c[3], 7u);
  EXPECT_EQ (mmr_store_size (store.get ()), 1u);
  EXPECT_EQ (mmr_store_lookup (store.get (), "cart"), a);

  // A name that is a prefix or an extension of another is another name.
  EXPECT_EQ (mmr_store_lookup (store.get (), "car"), nullptr);
  EXPECT_EQ (mmr_store_lookup (store.get (), "carts"), nullptr);
  MmrRegister *b = mmr_store_ensure (store.get (), "carts");
  EXPECT_NE (b, a);
  EXPECT_TRUE (IsEmptyRegister (b));
  EXPECT_EQ (mmr_store_size (store.get ()), 2u);
  EXPECT_EQ (mmr_store_lookup (store.get (), "cart"), a);
  EXPECT_EQ (mmr_store_lookup (store.get (), "carts"), b);
}

// 100,000 names: the table doubles from 16 buckets to 2^18 (the last
// arrays take the 2 MiB aligned path) and the arena spans many blocks.
// Every register keeps its address and what was written into it.
TEST (MmrStore, HundredThousandNamesSurviveEveryGrowth)
{
  const guint n = 100000;
  StorePtr store (mmr_store_new ());
  std::vector<MmrRegister *> regs (n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("k%u", i);

      regs[i] = mmr_store_ensure (store.get (), name);
      ASSERT_NE (regs[i], nullptr) << name;
      ASSERT_TRUE (IsEmptyRegister (regs[i])) << name;
      regs[i]->vv.c[0] = i;
      regs[i]->vv.c[MMR_MAX_REPLICAS - 1] = ~i;
      ASSERT_EQ (mmr_store_size (store.get ()), i + 1);
    }
  EXPECT_EQ (mmr_store_size (store.get ()), n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("k%u", i);
      MmrRegister *reg = mmr_store_lookup (store.get (), name);

      ASSERT_EQ (reg, regs[i]) << name;
      ASSERT_EQ (reg->vv.c[0], i) << name;
      ASSERT_EQ (reg->vv.c[MMR_MAX_REPLICAS - 1], ~i) << name;
      for (guint r = 1; r + 1 < MMR_MAX_REPLICAS; r++)
        ASSERT_EQ (reg->vv.c[r], 0u) << name << " replica " << r;
      ASSERT_EQ (reg->n_siblings, 0u) << name;
      // ensure after growth finds, never re-creates
      ASSERT_EQ (mmr_store_ensure (store.get (), name), regs[i]) << name;
    }
  EXPECT_EQ (mmr_store_size (store.get ()), n);
  EXPECT_EQ (mmr_store_lookup (store.get (), "k100000"), nullptr);
  EXPECT_EQ (mmr_store_lookup (store.get (), "k"), nullptr);

  std::vector<std::string> names = Names (store.get ());
  ASSERT_EQ (names.size (), n);
  EXPECT_EQ (names.front (), "k0");
  EXPECT_EQ (names[1], "k1");
  EXPECT_EQ (names[2], "k10");
  EXPECT_EQ (names.back (), "k99999");
  for (size_t i = 1; i < names.size (); i++)
    ASSERT_LT (names[i - 1], names[i]) << i;
}

TEST (MmrStore, HashIsDjb2)
{
  EXPECT_EQ (mmr_store_hash (""), 5381u);
  EXPECT_EQ (mmr_store_hash ("a"), 5381u * 33 + 'a');
  EXPECT_EQ (mmr_store_hash ("Aa"), 5862151u);
  // 32-bit wrap-around, computed independently
  guint32 h = 5381;
  for (const char *p = "a rather long register name.field"; *p; p++)
    h = h * 33 + static_cast<guint8> (*p);
  EXPECT_EQ (mmr_store_hash ("a rather long register name.field"), h);
  // bytes above 0x7f count as unsigned
  EXPECT_EQ (mmr_store_hash ("\xc3\xa9"), (5381u * 33 + 0xc3) * 33 + 0xa9);
}

// "Aa" and "B@" hash alike under djb2 (65*33+97 == 66*33+64), and so do
// all four concatenations of the two: one hash, distinct registers.
TEST (MmrStore, CollidingNamesAreDistinctRegisters)
{
  StorePtr store (mmr_store_new ());
  const char *colliding[] = { "Aa", "B@", "AaAa", "AaB@", "B@Aa", "B@B@" };

  EXPECT_EQ (mmr_store_hash ("Aa"), mmr_store_hash ("B@"));
  EXPECT_EQ (mmr_store_hash ("AaAa"), mmr_store_hash ("B@B@"));
  EXPECT_EQ (mmr_store_hash ("AaB@"), mmr_store_hash ("B@Aa"));
  EXPECT_EQ (mmr_store_hash ("AaAa"), mmr_store_hash ("AaB@"));

  std::vector<MmrRegister *> regs;
  for (guint i = 0; i < G_N_ELEMENTS (colliding); i++)
    {
      regs.push_back (mmr_store_ensure (store.get (), colliding[i]));
      regs.back ()->vv.c[1] = 100 + i;
    }
  EXPECT_EQ (mmr_store_size (store.get ()), 6u);
  for (guint i = 0; i < regs.size (); i++)
    for (guint j = i + 1; j < regs.size (); j++)
      EXPECT_NE (regs[i], regs[j]) << colliding[i] << " " << colliding[j];

  // Grow the table past the colliding chains: still found, still distinct.
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *name = g_strdup_printf ("other%u", i);
      mmr_store_ensure (store.get (), name);
    }
  EXPECT_EQ (mmr_store_size (store.get ()), 1006u);
  for (guint i = 0; i < G_N_ELEMENTS (colliding); i++)
    {
      MmrRegister *reg = mmr_store_lookup (store.get (), colliding[i]);

      EXPECT_EQ (reg, regs[i]) << colliding[i];
      EXPECT_EQ (reg->vv.c[1], 100 + i) << colliding[i];
    }
  // Same hash, absent name: the probe must compare names, not hashes.
  EXPECT_EQ (mmr_store_hash ("AaAaAa"), mmr_store_hash ("B@B@B@"));
  EXPECT_EQ (mmr_store_lookup (store.get (), "B@B@B@"), nullptr);
}

// Names live right after their register in the arena: any length, any
// UTF-8, and writing a register all over must not touch a neighbour's name.
TEST (MmrStore, NamesOfEveryLengthAreKeptExactly)
{
  StorePtr store (mmr_store_new ());
  std::string long300 (300, 'x');
  long300[0] = 'L';
  long300[299] = 'z';
  std::string huge (100000, 'h');  // larger than one arena block (64 KiB)
  std::vector<std::string> names = {
    "",
    "a",
    "ab",
    "abcdefg",        // 7 + NUL = 8: exactly a word
    "abcdefgh",       // 8 + NUL: one byte past a word
    long300,
    huge,
    "caf\xc3\xa9",                 // café
    "\xe6\x97\xa5\xe6\x9c\xac",    // 日本
    "\xf0\x9f\x9b\x92.items",      // 🛒.items (4-byte UTF-8)
    "z",
  };

  std::vector<MmrRegister *> regs;
  for (auto &name : names)
    regs.push_back (mmr_store_ensure (store.get (), name.c_str ()));
  ASSERT_EQ (mmr_store_size (store.get ()), names.size ());
  // Fill every register completely, siblings included.
  for (guint i = 0; i < regs.size (); i++)
    {
      for (guint r = 0; r < MMR_MAX_REPLICAS; r++)
        regs[i]->vv.c[r] = G_MAXUINT32;
      MmrVersion *v = mmr_register_reset_siblings (regs[i], 1 + i % 3);
      for (guint s = 0; s < regs[i]->n_siblings; s++)
        {
          v[s].dot.replica = s;
          v[s].dot.counter = i + 1;
          v[s].value = g_strdup_printf ("value %u.%u", i, s);
        }
    }
  for (guint i = 0; i < names.size (); i++)
    {
      SCOPED_TRACE (i);
      EXPECT_EQ (mmr_store_lookup (store.get (), names[i].c_str ()), regs[i]);
      EXPECT_EQ (regs[i]->n_siblings, 1 + i % 3);
      g_autofree char *first = g_strdup_printf ("value %u.0", i);
      EXPECT_STREQ (regs[i]->siblings[0].value, first);
    }
  // Lookups of a name's neighbours miss.
  EXPECT_EQ (mmr_store_lookup (store.get (), long300.substr (0, 299).c_str ()),
             nullptr);
  EXPECT_EQ (mmr_store_lookup (store.get (), "caf\xc3\xa9 "), nullptr);
  EXPECT_EQ (mmr_store_lookup (store.get (), "cafe"), nullptr);

  std::vector<std::string> sorted = names;
  std::sort (sorted.begin (), sorted.end ());  // bytewise, as strcmp
  EXPECT_EQ (Names (store.get ()), sorted);
  EXPECT_EQ (Names (store.get ()).front (), "");
  EXPECT_EQ (Names (store.get ()).back (),
             "\xf0\x9f\x9b\x92.items");  // 0xf0 sorts last
}

TEST (MmrStore, DupNamesIsSortedByStrcmp)
{
  StorePtr store (mmr_store_new ());

  for (const char *name : { "user.name", "cart", "Cart", "user", "b", "a.b",
                            "a", "user.email", "10", "9", "\xc3\xa9" })
    mmr_store_ensure (store.get (), name);
  EXPECT_EQ (Names (store.get ()),
             (std::vector<std::string>{ "10", "9", "Cart", "a", "a.b", "b",
                                        "cart", "user", "user.email",
                                        "user.name", "\xc3\xa9" }));
}

TEST (MmrStore, ForeachVisitsEveryRegisterExactlyOnce)
{
  StorePtr store (mmr_store_new ());
  std::map<std::string, MmrRegister *> made;

  // 500 names: several growths, plus the colliding pair.
  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *name = g_strdup_printf ("key-%u", i * 7919);
      made[name] = mmr_store_ensure (store.get (), name);
    }
  made["Aa"] = mmr_store_ensure (store.get (), "Aa");
  made["B@"] = mmr_store_ensure (store.get (), "B@");
  made[""] = mmr_store_ensure (store.get (), "");

  std::map<std::string, std::vector<MmrRegister *>> seen;
  mmr_store_foreach (store.get (), CountVisit, &seen);
  EXPECT_EQ (seen.size (), 503u);
  EXPECT_EQ (mmr_store_size (store.get ()), 503u);
  for (auto &[name, reg] : made)
    {
      auto it = seen.find (name);
      ASSERT_NE (it, seen.end ()) << name;
      ASSERT_EQ (it->second.size (), 1u) << name;
      EXPECT_EQ (it->second[0], reg) << name;
    }
}

TEST (MmrStore, PrefetchDoesNotChangeAnything)
{
  StorePtr store (mmr_store_new ());
  MmrRegister *a = mmr_store_ensure (store.get (), "a");

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *name = g_strdup_printf ("n%u", i);
      mmr_store_prefetch (store.get (), mmr_store_hash (name));
    }
  mmr_store_prefetch (store.get (), 0);
  mmr_store_prefetch (store.get (), G_MAXUINT32);
  EXPECT_EQ (mmr_store_size (store.get ()), 1u);
  EXPECT_EQ (mmr_store_lookup (store.get (), "a"), a);
}

// What registers own - sibling arrays, the inline sibling's value, every
// sibling's value - is freed with the store (LeakSanitizer checks).
TEST (MmrStore, FreeReleasesWhatRegistersOwn)
{
  MmrStore *store = mmr_store_new ();

  for (guint i = 0; i < 3000; i++)
    {
      g_autofree char *name = g_strdup_printf ("r%u", i);
      MmrRegister *reg = mmr_store_ensure (store, name);
      MmrVersion *v = mmr_register_reset_siblings (reg, i % 4);

      for (guint s = 0; s < i % 4; s++)
        {
          v[s].dot.replica = s;
          v[s].dot.counter = 1;
          v[s].value = (i + s) % 5 == 0 ? nullptr  // a tombstone
                                        : g_strdup_printf ("%u/%u", i, s);
        }
      if (i % 4 == 1)
        {
          EXPECT_EQ (reg->siblings, &reg->one);
        }
    }
  EXPECT_EQ (mmr_store_size (store), 3000u);
  mmr_store_free (store);
}
