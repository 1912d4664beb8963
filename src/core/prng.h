/* prng.h - the world's one source of randomness
 *
 * Every random choice in a run (loss, duplication, latency, anti-entropy
 * peers, property-test cases) is drawn from an MmrPrng seeded from the
 * scenario's seed, so the same seed replays the same run bit for bit.
 * It wraps GRand (a Mersenne Twister whose output GLib fixes across
 * platforms) and adds the few draws the simulator needs.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MmrPrng MmrPrng;

MmrPrng *mmr_prng_new       (guint64 seed);
void     mmr_prng_free      (MmrPrng *prng);
/* Uniform in [0, 1). */
double   mmr_prng_double    (MmrPrng *prng);
/* Uniform in [lo, hi], inclusive; lo <= hi. */
gint64   mmr_prng_range     (MmrPrng *prng, gint64 lo, gint64 hi);
/* TRUE with probability p (p <= 0 never draws, so adding a zero-probability
 * fault does not shift the random stream of an existing scenario). */
gboolean mmr_prng_chance    (MmrPrng *prng, double p);
guint32  mmr_prng_u32       (MmrPrng *prng);
/* An independent generator in the same state: both draw the same stream
 * from here on (mmr explore copies a world with it). */
MmrPrng *mmr_prng_copy      (const MmrPrng *prng);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrPrng, mmr_prng_free)

G_END_DECLS
