// merkle-test.cc - the Merkle tree over the key space: equal stores have
// equal roots, one change touches exactly one path, incremental updates
// equal a rebuild, and a 1% divergence of 100,000 keys is found exactly.
#include <gtest/gtest.h>

#include <set>
#include <string>

extern "C" {
#include <glib.h>
#include "sync/merkle.h"
}

namespace {

void
put (MmrStore *store, const char *name, guint replica, guint32 counter)
{
  MmrRegister *r = mmr_store_ensure (store, name);

  r->vv.c[replica] = counter;
}

MmrStore *
store_of (guint n_keys, guint first)
{
  MmrStore *s = mmr_store_new ();

  for (guint k = 0; k < n_keys; k++)
    {
      guint i = (first + k) % n_keys;
      g_autofree char *name = g_strdup_printf ("key-%06u", i);

      put (s, name, i % 3, i + 1);
    }
  return s;
}

std::set<guint32>
differing_nodes (const MmrMerkle *a, const MmrMerkle *b)
{
  std::set<guint32> out;
  guint32 n_nodes = (guint32) 2 << mmr_merkle_get_depth (a);

  for (guint32 n = 1; n < n_nodes; n++)
    if (mmr_merkle_node_hash (a, n) != mmr_merkle_node_hash (b, n))
      out.insert (n);
  return out;
}

} // namespace

TEST (MmrMerkle, EqualStoresBuiltInAnyOrderHaveEqualRoots)
{
  g_autoptr (MmrStore) a = store_of (1000, 0);
  g_autoptr (MmrStore) b = store_of (1000, 517);
  g_autoptr (MmrMerkle) ta = mmr_merkle_new_from_store (a, 10);
  g_autoptr (MmrMerkle) tb = mmr_merkle_new_from_store (b, 10);

  EXPECT_NE (mmr_merkle_root (ta), 0u);
  EXPECT_EQ (mmr_merkle_root (ta), mmr_merkle_root (tb));
  EXPECT_TRUE (differing_nodes (ta, tb).empty ());
}

TEST (MmrMerkle, EmptyTreeHashesToZeroAndAnEqualExchangeIsTwoMessages)
{
  g_autoptr (MmrStore) a = mmr_store_new ();
  g_autoptr (MmrMerkle) ta = mmr_merkle_new_from_store (a, 4);
  g_autoptr (MmrMerkle) tb = mmr_merkle_new (4);
  MmrMerkleDiff diff;

  EXPECT_EQ (mmr_merkle_root (ta), 0u);
  EXPECT_EQ (mmr_merkle_diff (ta, tb, &diff), 0u);
  EXPECT_EQ (diff.messages, 2u);
  // ROOT: 12 header + 1 depth + 1 count + 8 hash; empty NODES: 12 + 1.
  EXPECT_EQ (diff.bytes, 22u + 13u);
  EXPECT_EQ (diff.nodes_compared, 1u);
  mmr_merkle_diff_clear (&diff);
}

TEST (MmrMerkle, OneChangedRegisterChangesExactlyOneLeafPath)
{
  const guint depth = 12;
  g_autoptr (MmrStore) a = store_of (5000, 0);
  g_autoptr (MmrStore) b = store_of (5000, 0);

  put (b, "key-001234", 2, 99999);
  g_autoptr (MmrMerkle) ta = mmr_merkle_new_from_store (a, depth);
  g_autoptr (MmrMerkle) tb = mmr_merkle_new_from_store (b, depth);
  guint32 bucket = mmr_merkle_bucket_of (depth, "key-001234");
  std::set<guint32> path;
  for (guint32 n = (1u << depth) + bucket; n >= 1; n /= 2)
    path.insert (n);

  EXPECT_EQ (path.size (), depth + 1);
  EXPECT_EQ (differing_nodes (ta, tb), path);

  MmrMerkleDiff diff;
  ASSERT_EQ (mmr_merkle_diff (ta, tb, &diff), 1u);
  EXPECT_EQ (g_array_index (diff.buckets, guint32, 0), bucket);
  EXPECT_EQ (diff.messages, 1u + 2u * depth);
  EXPECT_EQ (diff.nodes_compared, 1u + 2u * depth);
  // ROOT 22, then per level NODES (13 + 1 + 16) and WANT (13 + 1 + 1).
  EXPECT_EQ (diff.bytes, 22u + depth * (30u + 15u));
  mmr_merkle_diff_clear (&diff);
}

TEST (MmrMerkle, IncrementalUpdatesEqualARebuildForManySeeds)
{
  for (guint32 seed = 1; seed <= 50; seed++)
    {
      SCOPED_TRACE ("seed " + std::to_string (seed));
      GRand *rand = g_rand_new_with_seed (seed);
      g_autoptr (MmrStore) s = mmr_store_new ();
      g_autoptr (MmrMerkle) t = mmr_merkle_new (8);

      for (guint step = 0; step < 300; step++)
        {
          g_autofree char *name = g_strdup_printf (
              "k%d", g_rand_int_range (rand, 0, 60));
          MmrRegister *r = mmr_store_lookup (s, name);
          MmrVersionVector old = r != nullptr ? r->vv : MmrVersionVector ();
          gboolean existed = r != nullptr;

          r = mmr_store_ensure (s, name);
          r->vv.c[g_rand_int_range (rand, 0, MMR_MAX_REPLICAS)]++;
          mmr_merkle_update (t, name, existed ? &old : nullptr, &r->vv);
        }
      g_autoptr (MmrMerkle) rebuilt = mmr_merkle_new_from_store (s, 8);
      EXPECT_TRUE (differing_nodes (t, rebuilt).empty ());
      g_rand_free (rand);
    }
}

TEST (MmrMerkle, RemovingARegisterRestoresTheRoot)
{
  g_autoptr (MmrStore) s = store_of (100, 0);
  g_autoptr (MmrMerkle) t = mmr_merkle_new_from_store (s, 6);
  guint64 before = mmr_merkle_root (t);
  MmrVersionVector vv = {};

  vv.c[1] = 7;
  mmr_merkle_update (t, "new-key", nullptr, &vv);
  EXPECT_NE (mmr_merkle_root (t), before);
  mmr_merkle_update (t, "new-key", &vv, nullptr);
  EXPECT_EQ (mmr_merkle_root (t), before);
}

TEST (MmrMerkle, FindsEveryDivergedBucketAmong100000Keys)
{
  const guint n = 100000, depth = MMR_MERKLE_DEFAULT_DEPTH;
  g_autoptr (MmrStore) a = store_of (n, 0);
  g_autoptr (MmrStore) b = store_of (n, 0);
  GRand *rand = g_rand_new_with_seed (2007);
  std::set<guint32> expected;
  std::set<std::string> changed;

  while (changed.size () < n / 100)
    {
      guint i = (guint) g_rand_int_range (rand, 0, (gint32) n);
      g_autofree char *name = g_strdup_printf ("key-%06u", i);

      if (!changed.insert (name).second)
        continue;
      // Half the divergent keys changed on each side; one is new on b.
      put (changed.size () % 2 ? a : b, name, 1, 1000000 + i);
      expected.insert (mmr_merkle_bucket_of (depth, name));
    }
  put (b, "only-on-b", 0, 1);
  expected.insert (mmr_merkle_bucket_of (depth, "only-on-b"));
  g_rand_free (rand);

  g_autoptr (MmrMerkle) ta = mmr_merkle_new_from_store (a, depth);
  g_autoptr (MmrMerkle) tb = mmr_merkle_new_from_store (b, depth);
  MmrMerkleDiff diff;
  guint found = mmr_merkle_diff (ta, tb, &diff);

  EXPECT_EQ (found, expected.size ());
  std::set<guint32> got ((guint32 *) diff.buckets->data,
                         (guint32 *) diff.buckets->data + diff.buckets->len);
  EXPECT_EQ (got, expected);
  for (guint i = 1; i < diff.buckets->len; i++)
    EXPECT_LT (g_array_index (diff.buckets, guint32, i - 1),
               g_array_index (diff.buckets, guint32, i));
  EXPECT_EQ (diff.messages, 1u + 2u * depth);

  // The names to ship are exactly the ones in those buckets, on each side.
  g_autoptr (GPtrArray) names = mmr_merkle_dup_bucket_names (a, depth,
                                                             diff.buckets);
  guint n_changed_in_a = 0;
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = (const char *) names->pdata[i];
      EXPECT_TRUE (expected.count (mmr_merkle_bucket_of (depth, name)));
      n_changed_in_a += changed.count (name);
    }
  EXPECT_EQ (n_changed_in_a, changed.size ());
  guint in_buckets = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("key-%06u", i);
      in_buckets += expected.count (mmr_merkle_bucket_of (depth, name));
    }
  EXPECT_EQ (names->len, in_buckets);
  mmr_merkle_diff_clear (&diff);
}
