// cart-merge-grader.cc - lab 05's grader: checks the student's cart_merge
// (starter/cart-merge.c) against its contract, its algebra (order,
// duplicates, grouping) on seeded random carts, and inside the engine as
// the merge function of a replicated cart.
#include <gtest/gtest.h>

#include <string>
#include <vector>

extern "C" {
#include "cart-merge.h"
#include "sim/view.h"
#include "sim/world.h"
#include "store/merge-fn.h"
}

static std::string
merge (std::vector<std::string> carts)
{
  std::vector<const char *> v;

  for (auto &c : carts)
    v.push_back (c.c_str ());
  char *m = cart_merge (v.data (), (guint) v.size (), nullptr);
  std::string out = m != nullptr ? m : "(null)";
  g_free (m);
  return out;
}

TEST (Lab05CartMerge, OneCartComesBackSortedWithQuantities)
{
  EXPECT_EQ (merge ({ "milk:2,eggs:1" }), "eggs:1,milk:2");
}

TEST (Lab05CartMerge, EveryItemOfEverySiblingIsKept)
{
  EXPECT_EQ (merge ({ "milk:1", "eggs:2" }), "eggs:2,milk:1");
  EXPECT_EQ (merge ({ "a:1", "b:1", "c:1" }), "a:1,b:1,c:1");
}

TEST (Lab05CartMerge, TheLargestQuantityWins)
{
  EXPECT_EQ (merge ({ "milk:1,eggs:1", "milk:3" }), "eggs:1,milk:3");
  EXPECT_EQ (merge ({ "milk:3", "milk:1" }), "milk:3");
  EXPECT_EQ (merge ({ "milk:10", "milk:9" }), "milk:10");
}

TEST (Lab05CartMerge, AnItemWithoutQuantityCountsOne)
{
  EXPECT_EQ (merge ({ "milk", "milk:2,bread" }), "bread:1,milk:2");
}

TEST (Lab05CartMerge, EmptyCartsAndEmptyEntries)
{
  EXPECT_EQ (merge ({ "" }), "");
  EXPECT_EQ (merge ({ "", "milk:1,," }), "milk:1");
}

static std::string
random_cart (GRand *rand)
{
  static const char *items[] = { "milk", "eggs", "flour", "jam", "tea" };
  std::string out;
  int n = g_rand_int_range (rand, 0, 4);

  for (int i = 0; i < n; i++)
    out += std::string (i > 0 ? "," : "")
           + items[g_rand_int_range (rand, 0, 5)] + ":"
           + std::to_string (g_rand_int_range (rand, 1, 4));
  return out;
}

TEST (Lab05CartMerge, OrderDuplicatesAndGroupingDoNotMatter)
{
  for (guint32 seed = 1; seed <= 300; seed++)
    {
      GRand *rand = g_rand_new_with_seed (seed);
      std::string a = random_cart (rand), b = random_cart (rand),
                  c = random_cart (rand);
      std::string abc = merge ({ a, b, c });

      g_rand_free (rand);
      ASSERT_EQ (merge ({ c, a, b }), abc) << "seed " << seed;
      ASSERT_EQ (merge ({ b, c, a, b, a }), abc) << "seed " << seed;
      ASSERT_EQ (merge ({ merge ({ a, b }), c }), abc) << "seed " << seed;
      ASSERT_EQ (merge ({ abc }), abc) << "seed " << seed;
    }
}

// Both replicas read the same siblings through cart_merge.
TEST (Lab05CartMerge, ReplicasReadTheSameMergedCart)
{
  MmrWorldConfig cfg;

  mmr_merge_register ("student-cart", cart_merge, nullptr);
  mmr_world_config_init (&cfg);
  cfg.n_replicas = 2;
  cfg.names[0] = g_strdup ("A");
  cfg.names[1] = g_strdup ("B");
  cfg.strategy = MMR_STRATEGY_SIBLINGS;
  MmrWorld *w = mmr_world_new (&cfg);
  mmr_world_set_merge (w, "student-cart");
  mmr_world_put (w, 0, "cart", nullptr, "milk:1,eggs:2");
  mmr_world_put (w, 1, "cart", nullptr, "milk:3");
  ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
  for (guint r = 0; r < 2; r++)
    {
      MmrViewEntry *e = mmr_view_lookup (w, r, "cart");
      char *shown = mmr_view_entry_format (e);

      EXPECT_STREQ (shown, "eggs:2,milk:3") << "replica " << r;
      g_free (shown);
      mmr_view_entry_free (e);
    }
  mmr_world_free (w);
  mmr_world_config_clear (&cfg);
}
