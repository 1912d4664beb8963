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
  /* Unsigned arithmetic: hi - lo may not fit in a gint64. A span of 0
   * means the whole 64-bit range. */
  guint64 span = (guint64) hi - (guint64) lo + 1;
  guint64 draw;

  g_assert (lo <= hi);
  if (span != 0 && span <= G_MAXUINT32)
    draw = g_rand_int (prng->rand) % span;
  else
    {
      draw = ((guint64) g_rand_int (prng->rand) << 32) | g_rand_int (prng->rand);
      if (span != 0)
        draw %= span;
    }
  return (gint64) ((guint64) lo + draw);
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

MmrPrng *
mmr_prng_copy (const MmrPrng *prng)
{
  MmrPrng *copy = g_new0 (MmrPrng, 1);

  copy->rand = g_rand_copy (prng->rand);
  return copy;
}
