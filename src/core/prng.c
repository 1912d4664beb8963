/* prng.c - seeded randomness for the simulator (see prng.h) */
#include "core/prng.h"

struct _MmrPrng {
  GRand *rand;
};

MmrPrng *
mmr_prng_new (guint64 seed)
{
  MmrPrng *prng = g_new0 (MmrPrng, 1);
  guint32 words[2] = { (guint32) seed, (guint32) (seed >> 32) };

  prng->rand = g_rand_new_with_seed_array (words, 2);
  return prng;
}

void
mmr_prng_free (MmrPrng *prng)
{
  if (prng == NULL)
    return;
  g_rand_free (prng->rand);
  g_free (prng);
}

double
mmr_prng_double (MmrPrng *prng)
{
  return g_rand_double (prng->rand);
}

gint64
mmr_prng_range (MmrPrng *prng, gint64 lo, gint64 hi)
{
  guint64 span;

  g_assert (lo <= hi);
  span = (guint64) (hi - lo) + 1;
  if (span == 0 || span > G_MAXUINT32)
    return lo + (gint64) (g_rand_double (prng->rand) * (double) (hi - lo));
  return lo + (gint64) (g_rand_int (prng->rand) % span);
}

gboolean
mmr_prng_chance (MmrPrng *prng, double p)
{
  if (p <= 0.0)
    return FALSE;
  return g_rand_double (prng->rand) < p;
}

guint32
mmr_prng_u32 (MmrPrng *prng)
{
  return g_rand_int (prng->rand);
}
