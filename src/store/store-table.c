/* store-table.c - the store's index: open addressing, one probe per apply
 *
 * A speed trick behind the store (store.c), not part of what a store is:
 * the plain store (store-plain.c) is a GHashTable and gives the same run.
 * Every remote apply looks a name up here and, the first time, adds it,
 * which makes this the hottest data structure of the simulator. What the
 * table buys over a GHashTable, in mmr bench (engine, a million keys on
 * five replicas): see docs/benchmarks.md, "The hot path", items 1 and 7.
 *
 * One probe per apply. The table is open addressing with linear probing
 * over a power-of-two array of buckets; a bucket holds the name's hash and
 * the register. A lookup that misses stops at an empty bucket - exactly
 * where the name goes - so "find or add" (mmr_store_table_claim) walks
 * the array once, where GHashTable needs a lookup and then an insert that
 * hashes and probes again. A probe touches one array (GHashTable keeps
 * hashes, keys and values in three), and compares names only when the
 * 32-bit hashes agree.
 *
 * No tombstones. Registers are never removed from a store, so no bucket
 * is ever emptied again; the table doubles when it is three quarters
 * full, so it always has an empty bucket and every probe ends.
 *
 * Fibonacci hashing. The store's hash is djb2 (store.c), whose low bits
 * are weak for names that differ in their last character ("k1", "k2"),
 * so the bucket is taken from the high bits of the hash times 2^32/phi
 * (Knuth, TAOCP vol. 3, 6.4).
 *
 * Huge pages. A bucket array of 2 MiB or more is mapped in huge pages
 * (huge-pages.c): probing an array of millions at random then does not
 * also miss the TLB on every lookup.
 *
 * Interface (store-private.h): mmr_store_table_new / _free / _lookup /
 * _claim / _size / _prefetch / _foreach / _copy / _mapped_bytes.
 *
 * Invariants: n_registers <= 3/4 of the buckets; a register sits in the
 * bucket its hash names or after it, with no empty bucket between.
 *
 * Taught in docs/benchmarks.md ("The hot path").
 */
#include "store/store-private.h"

#include <string.h>

#define MIN_BITS 4

/* DOC: store-layout */
typedef struct {
  guint32 hash;
  MmrRegister *reg;        /* NULL: empty */
} Bucket;

struct _MmrStoreTable {
  Bucket *buckets;         /* 1 << bits of them */
  guint bits;
  guint n_registers;       /* at most 3/4 of the buckets */
};

static inline guint
first_bucket (const MmrStoreTable *t, guint32 hash)
{
  return (guint) ((hash * 2654435769u) >> (32 - t->bits));
}

/* The bucket holding @name, or the empty bucket where it belongs. */
static Bucket *
probe (const MmrStoreTable *t, const char *name, guint32 hash)
{
  guint mask = (1u << t->bits) - 1;

  for (guint i = first_bucket (t, hash);; i = (i + 1) & mask)
    {
      Bucket *b = &t->buckets[i];

      if (b->reg == NULL
          || (b->hash == hash
              && strcmp (mmr_store_table_name_of (b->reg), name) == 0))
        return b;
    }
}

static gsize
array_bytes (guint bits)
{
  return ((gsize) 1 << bits) * sizeof (Bucket);
}

/* A zeroed array of 1 << @bits buckets. */
static Bucket *
buckets_new (guint bits)
{
  if (array_bytes (bits) < MMR_HUGE_PAGE)
    return g_new0 (Bucket, (gsize) 1 << bits);
  return mmr_huge_pages_map (array_bytes (bits));
}

static void
buckets_free (Bucket *b, guint bits)
{
  if (array_bytes (bits) < MMR_HUGE_PAGE)
    g_free (b);
  else
    mmr_huge_pages_unmap (b, array_bytes (bits));
}

static void
grow (MmrStoreTable *t)
{
  Bucket *old = t->buckets;
  guint old_bits = t->bits;
  guint mask;

  t->bits++;
  t->buckets = buckets_new (t->bits);
  mask = (1u << t->bits) - 1;
  for (guint i = 0; i < 1u << old_bits; i++)
    if (old[i].reg != NULL)
      {
        guint j = first_bucket (t, old[i].hash);

        while (t->buckets[j].reg != NULL)
          j = (j + 1) & mask;
        t->buckets[j] = old[i];
      }
  buckets_free (old, old_bits);
}

MmrStoreTable *
mmr_store_table_new (void)
{
  MmrStoreTable *t = g_new0 (MmrStoreTable, 1);

  t->bits = MIN_BITS;
  t->buckets = buckets_new (t->bits);
  return t;
}

void
mmr_store_table_free (MmrStoreTable *t)
{
  if (t == NULL)
    return;
  buckets_free (t->buckets, t->bits);
  g_free (t);
}

MmrRegister *
mmr_store_table_lookup (const MmrStoreTable *t, const char *name,
                        guint32 hash)
{
  return probe (t, name, hash)->reg;
}

MmrRegister **
mmr_store_table_claim (MmrStoreTable *t, const char *name, guint32 hash)
{
  Bucket *b = probe (t, name, hash);

  if (b->reg != NULL)
    return &b->reg;
  if (4 * (t->n_registers + 1) > 3u << t->bits)
    {
      grow (t);
      b = probe (t, name, hash);
    }
  b->hash = hash;
  t->n_registers++;
  return &b->reg;
}

guint
mmr_store_table_size (const MmrStoreTable *t)
{
  return t->n_registers;
}

void
mmr_store_table_prefetch (const MmrStoreTable *t, guint32 hash)
{
#if defined(__GNUC__)
  __builtin_prefetch (&t->buckets[first_bucket (t, hash)]);
#else
  (void) t;
  (void) hash;
#endif
}

void
mmr_store_table_foreach (const MmrStoreTable *t, GHFunc func,
                         gpointer user_data)
{
  for (guint i = 0; i < 1u << t->bits; i++)
    if (t->buckets[i].reg != NULL)
      func ((gpointer) mmr_store_table_name_of (t->buckets[i].reg),
            t->buckets[i].reg, user_data);
}

MmrStoreTable *
mmr_store_table_copy (const MmrStoreTable *t,
                      MmrRegister *(*copy_reg) (const MmrRegister *reg,
                                                gpointer user_data),
                      gpointer user_data)
{
  MmrStoreTable *copy = g_new0 (MmrStoreTable, 1);

  copy->bits = t->bits;
  copy->buckets = buckets_new (t->bits);
  for (guint i = 0; i < 1u << t->bits; i++)
    if (t->buckets[i].reg != NULL)
      {
        copy->buckets[i].hash = t->buckets[i].hash;
        copy->buckets[i].reg = copy_reg (t->buckets[i].reg, user_data);
      }
  copy->n_registers = t->n_registers;
  return copy;
}

gsize
mmr_store_table_mapped_bytes (const MmrStoreTable *t)
{
  gsize bytes = array_bytes (t->bits);

  return bytes < MMR_HUGE_PAGE ? 0 : bytes;
}
