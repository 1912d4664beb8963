/* prng.c - seeded randomness for the simulator (see prng.h)
 *
 * Copies share their generator until one of them draws (copy on write):
 * mmr explore copies a world for every state it reaches, most copies
 * never draw (a delivery draws nothing), and a GRand is 2.5 KB.
 * Invariant: a generator shared by several MmrPrng (refs > 1) is never
 * drawn from; the MmrPrng about to draw takes its own copy first.
 */
#include "core/prng.h"

typedef struct {
  gint refs;                /* the MmrPrng that share it (atomic) */
  GRand *rand;
} Generator;

struct _MmrPrng {
  Generator *gen;
};

static Generator *
generator_new (GRand *rand)
{
  Generator *gen = g_new (Generator, 1);

  gen->refs = 1;
  gen->rand = rand;
  return gen;
}

static void
generator_unref (Generator *gen)
{
  if (g_atomic_int_dec_and_test (&gen->refs))
    {
      g_rand_free (gen->rand);
      g_free (gen);
    }
}

/* The generator @prng may draw from: its own. */
static GRand *
own (MmrPrng *prng)
{
  if (g_atomic_int_get (&prng->gen->refs) > 1)
    {
      Generator *shared = prng->gen;

      prng->gen = generator_new (g_rand_copy (shared->rand));
      generator_unref (shared);
    }
  return prng->gen->rand;
}

MmrPrng *
mmr_prng_new (guint64 seed)
{
  MmrPrng *prng = g_new0 (MmrPrng, 1);
  guint32 words[2] = { (guint32) seed, (guint32) (seed >> 32) };

  prng->gen = generator_new (g_rand_new_with_seed_array (words, 2));
  return prng;
}

void
mmr_prng_free (MmrPrng *prng)
{
  if (prng == NULL)
    return;
  generator_unref (prng->gen);
  g_free (prng);
}

double
mmr_prng_double (MmrPrng *prng)
{
  return g_rand_double (own (prng));
}

gint64
mmr_prng_range (MmrPrng *prng, gint64 lo, gint64 hi)
{
  /* Unsigned arithmetic: hi - lo may not fit in a gint64. A span of 0
   * means the whole 64-bit range. */
  guint64 span = (guint64) hi - (guint64) lo + 1;
  guint64 draw;
  GRand *rand = own (prng);

  g_assert (lo <= hi);
  if (span != 0 && span <= G_MAXUINT32)
    draw = g_rand_int (rand) % span;
  else
    {
      draw = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
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
  return g_rand_double (own (prng)) < p;
}

guint32
mmr_prng_u32 (MmrPrng *prng)
{
  return g_rand_int (own (prng));
}

MmrPrng *
mmr_prng_copy (const MmrPrng *prng)
{
  MmrPrng *copy = g_new0 (MmrPrng, 1);

  g_atomic_int_inc (&prng->gen->refs);
  copy->gen = prng->gen;
  return copy;
}
