// antientropy-test.cc - digest, Merkle and full anti-entropy repair the
// same divergence; what differs is the bytes they ship.
#include <gtest/gtest.h>

#include "world-helpers.h"

static const gint64 S = G_USEC_PER_SEC;

struct Cost
{
  guint64 repair_bytes;   // anti-entropy bytes from heal to quiescence
  guint64 idle_bytes;     // anti-entropy bytes over 10 idle seconds
};

// 2,000 keys in sync, then 20 of them change on A while B is cut off.
static Cost
measure (MmrAntiEntropyMode mode)
{
  MmrWorld *w = make_world (2, MMR_STRATEGY_LWW, MMR_CLOCK_HLC);
  int groups[MMR_MAX_REPLICAS] = { 0, 1 };
  char key[16];
  Cost c;

  mmr_world_set_antientropy_mode (w, mode);
  for (int i = 0; i < 2000; i++)
    {
      g_snprintf (key, sizeof key, "k%d", i);
      mmr_world_put (w, 0, key, nullptr, "v");
    }
  EXPECT_TRUE (mmr_world_settle (w, 60 * S));
  mmr_world_partition (w, groups);
  for (int i = 0; i < 2000; i += 100)
    {
      g_snprintf (key, sizeof key, "k%d", i);
      mmr_world_put (w, 0, key, nullptr, "changed");
    }
  mmr_world_run_until (w, mmr_world_now (w) + S);
  EXPECT_EQ (shown (w, 1, "k100"), "v");
  mmr_world_heal_all (w);
  guint64 before = mmr_world_get_metrics (w)->antientropy_bytes;
  EXPECT_TRUE (mmr_world_settle (w, 60 * S));
  EXPECT_TRUE (differences (w).empty ()) << "mode " << mode;
  EXPECT_EQ (shown (w, 1, "k100"), "changed");
  c.repair_bytes = mmr_world_get_metrics (w)->antientropy_bytes - before;
  before = mmr_world_get_metrics (w)->antientropy_bytes;
  mmr_world_run_until (w, mmr_world_now (w) + 10 * S);
  c.idle_bytes = mmr_world_get_metrics (w)->antientropy_bytes - before;
  mmr_world_free (w);
  return c;
}

TEST (MmrAntiEntropy, EveryModeRepairsAPartitionAndMerkleShipsTheLeast)
{
  Cost digest = measure (MMR_AE_DIGEST);
  Cost merkle = measure (MMR_AE_MERKLE);
  Cost full = measure (MMR_AE_FULL);

  // Idle: a digest lists every key each round, Merkle sends one root hash.
  EXPECT_LT (merkle.idle_bytes * 50, digest.idle_bytes);
  EXPECT_LT (digest.idle_bytes, full.idle_bytes);
  EXPECT_LT (merkle.repair_bytes, digest.repair_bytes);
  EXPECT_LT (digest.repair_bytes, full.repair_bytes);
  RecordProperty ("digest_idle", (int) digest.idle_bytes);
  RecordProperty ("merkle_idle", (int) merkle.idle_bytes);
  RecordProperty ("full_idle", (int) full.idle_bytes);
  printf ("repair bytes: digest %" G_GUINT64_FORMAT ", merkle %" G_GUINT64_FORMAT
          ", full %" G_GUINT64_FORMAT "; idle 10s: digest %" G_GUINT64_FORMAT
          ", merkle %" G_GUINT64_FORMAT ", full %" G_GUINT64_FORMAT "\n",
          digest.repair_bytes, merkle.repair_bytes, full.repair_bytes,
          digest.idle_bytes, merkle.idle_bytes, full.idle_bytes);
}
