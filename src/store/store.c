/* store.c - a replica's registers: a hash table over an arena (store.h)
 *
 * Every remote apply looks a name up here and, the first time, adds it:
 * this file is the hottest data structure of the simulator, and the one
 * the benchmark's memory target (256 bytes per key per replica) is about.
 * So it does two things GHashTable cannot:
 *
 * One probe per apply. The table is open addressing with linear probing
 * over a power-of-two array of buckets; a bucket holds the name's hash and
 * the register. A lookup that misses stops at an empty bucket - exactly
 * where the name goes - so "find or add" walks the array once, where
 * GHashTable needs a lookup and then an insert that hashes and probes
 * again. A probe touches one array (GHashTable keeps hashes, keys and
 * values in three), and compares names only when the 32-bit hashes agree.
 * Registers are never removed from a store, so there are no tombstones;
 * the table doubles when it is three quarters full, so it always has an
 * empty bucket and every probe ends.
 *
 * One arena for the registers. Registers are never freed one by one
 * either, so they are carved one after another out of blocks (4 KiB
 * doubling up to 2 MiB, see huge_alloc) and freed with the store. Each
 * register is followed by its name in the same slot (no second
 * allocation, no malloc header or rounding per key). What a register
 * owns (its siblings' values, a sibling array) is still malloc'd, and
 * freed by mmr_register_clear when the store goes.
 *
 * Taught in docs/benchmarks.md ("The hot path").
 *
 * Iteration order depends on insertion history, so anything that must be
 * deterministic across replicas (digests, reports) goes through
 * mmr_store_dup_names, which sorts.
 *
 * Hashing: djb2 (Bernstein: h = 33 h + c, as g_str_hash), whose low bits
 * are weak for names that differ in their last character ("k1", "k2"), so
 * the bucket is taken from the high bits of the hash times 2^32/phi
 * (Fibonacci hashing, Knuth TAOCP vol. 3, 6.4).
 */
#include "store/store.h"

#include <string.h>
#include <sys/mman.h>

/* Arena blocks double from 4 KiB, so that a small world (a lab, a test,
 * one of the thousands of worlds of a property test) stays small, up to
 * 2 MiB, the size of a huge page. */
#define FIRST_BLOCK (4u << 10)
#define HUGE_PAGE (2u << 20)
#define MIN_BITS 4

typedef struct {
  guint32 hash;
  MmrRegister *reg;        /* NULL: empty */
} Bucket;

typedef struct {
  gpointer start;
  gsize bytes;
} HugeBlock;

struct _MmrStore {
  Bucket *buckets;         /* 1 << bits of them */
  guint bits;
  guint n_registers;       /* at most 3/4 of the buckets */
  GPtrArray *blocks;       /* the arena's blocks below HUGE_PAGE, owned */
  GArray *huge_blocks;     /* HugeBlock: the others (mapped), owned */
  gsize mapped_bytes;      /* held in mappings of our own (huge_alloc) */
  gsize next_block;        /* size of the next block */
  guint8 *free_at;         /* the unused tail of the newest block */
  gsize free_bytes;
};

/* DOC: store-layout */
/* A register's name lives right after it, in the same slot. */
static inline const char *
name_of (const MmrRegister *reg)
{
  return (const char *) (reg + 1);
}

static inline guint32
name_hash (const char *name)
{
  guint32 h = 5381;

  for (const guint8 *p = (const guint8 *) name; *p != '\0'; p++)
    h = h * 33 + *p;
  return h;
}

static inline guint
first_bucket (const MmrStore *store, guint32 hash)
{
  return (guint) ((hash * 2654435769u) >> (32 - store->bits));
}

/* The bucket holding @name, or the empty bucket where it belongs. */
static Bucket *
probe (const MmrStore *store, const char *name, guint32 hash)
{
  guint mask = (1u << store->bits) - 1;

  for (guint i = first_bucket (store, hash);; i = (i + 1) & mask)
    {
      Bucket *b = &store->buckets[i];

      if (b->reg == NULL
          || (b->hash == hash && strcmp (name_of (b->reg), name) == 0))
        return b;
    }
}

/* Memory of HUGE_PAGE bytes or more, asking Linux for transparent huge
 * pages (2 MiB). Two reasons. A large bucket array is probed at random,
 * one TLB miss per probe on 4 KiB pages - and a TLB miss costs most under
 * virtualisation; huge pages cover it with a few hundred TLB entries
 * instead of thousands. And memory is faulted in a huge page at a time,
 * not 4 KiB at a time: at a million keys on five replicas, faulting in a
 * gigabyte 4 KiB at a time was a fifth of the benchmark's time.
 *
 * Mapped here, not malloc'd: a huge page must start at a 2 MiB boundary,
 * and malloc's aligned allocation of 2 MiB reserves 4 MiB to find one.
 * Mapping 2 MiB more than needed and unmapping the unaligned head and
 * tail reserves exactly what is used. The pages come zeroed, and are
 * advised before their first touch (after it they are small already).
 * mmr_store_mapped_bytes reports them, since malloc's statistics cannot. */
static gpointer
huge_alloc (MmrStore *store, gsize bytes)
{
  gsize span = bytes + HUGE_PAGE;
  guint8 *p = mmap (NULL, span, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  guint8 *start;
  gsize head;

  if (p == MAP_FAILED)
    g_error ("store: out of memory mapping %" G_GSIZE_FORMAT " bytes",
             span);
  start = (guint8 *) (((guintptr) p + HUGE_PAGE - 1)
                      & ~(guintptr) (HUGE_PAGE - 1));
  head = (gsize) (start - p);
  if (head > 0)
    munmap (p, head);
  if (span - head - bytes > 0)
    munmap (start + bytes, span - head - bytes);
#ifdef MADV_HUGEPAGE
  madvise (start, bytes, MADV_HUGEPAGE);
#endif
  store->mapped_bytes += bytes;
  return start;
}

static void
huge_free (MmrStore *store, gpointer start, gsize bytes)
{
  munmap (start, bytes);
  store->mapped_bytes -= bytes;
}

/* Arena blocks of one huge page, freed by one store, kept for the next
 * one instead of unmapped - as malloc keeps freed memory for the next
 * malloc. A block unmapped and mapped again is handed out zeroed by the
 * kernel page by page, which costs as much as the first time; a kept
 * block is resident already (carve zeroes each slot it hands out).
 * Bounded, so that a process that once held a huge world does not hold
 * its memory forever. Shared by every store, hence the lock. */
#define MAX_SPARE_BLOCKS 512      /* 1 GiB */

static GMutex spare_lock;
static gpointer spare_blocks[MAX_SPARE_BLOCKS];
static guint n_spare_blocks;

static gpointer
spare_take (void)
{
  gpointer block = NULL;

  g_mutex_lock (&spare_lock);
  if (n_spare_blocks > 0)
    block = spare_blocks[--n_spare_blocks];
  g_mutex_unlock (&spare_lock);
  return block;
}

static gboolean
spare_give (gpointer block)
{
  gboolean kept = FALSE;

  g_mutex_lock (&spare_lock);
  if (n_spare_blocks < MAX_SPARE_BLOCKS)
    {
      spare_blocks[n_spare_blocks++] = block;
      kept = TRUE;
    }
  g_mutex_unlock (&spare_lock);
  return kept;
}

static Bucket *
buckets_new (MmrStore *store, guint n)
{
  gsize bytes = (gsize) n * sizeof (Bucket);

  if (bytes < HUGE_PAGE)
    return g_new0 (Bucket, n);
  return huge_alloc (store, bytes);      /* zeroed */
}

static void
buckets_free (MmrStore *store, Bucket *b, guint n)
{
  gsize bytes = (gsize) n * sizeof (Bucket);

  if (bytes < HUGE_PAGE)
    g_free (b);
  else
    huge_free (store, b, bytes);
}

static void
grow (MmrStore *store)
{
  Bucket *old = store->buckets;
  guint old_n = old != NULL ? 1u << store->bits : 0;

  store->bits = old != NULL ? store->bits + 1 : MIN_BITS;
  store->buckets = buckets_new (store, 1u << store->bits);
  for (guint i = 0; i < old_n; i++)
    if (old[i].reg != NULL)
      {
        guint mask = (1u << store->bits) - 1;
        guint j = first_bucket (store, old[i].hash);

        while (store->buckets[j].reg != NULL)
          j = (j + 1) & mask;
        store->buckets[j] = old[i];
      }
  if (old != NULL)
    buckets_free (store, old, old_n);
}

MmrStore *
mmr_store_new (void)
{
  MmrStore *store = g_new0 (MmrStore, 1);

  store->blocks = g_ptr_array_new_with_free_func (g_free);
  store->huge_blocks = g_array_new (FALSE, FALSE, sizeof (HugeBlock));
  store->next_block = FIRST_BLOCK;
  grow (store);
  return store;
}

void
mmr_store_free (MmrStore *store)
{
  if (store == NULL)
    return;
  for (guint i = 0; i < 1u << store->bits; i++)
    if (store->buckets[i].reg != NULL)
      mmr_register_clear (store->buckets[i].reg);
  buckets_free (store, store->buckets, 1u << store->bits);
  g_ptr_array_unref (store->blocks);
  for (guint i = 0; i < store->huge_blocks->len; i++)
    {
      HugeBlock *b = &g_array_index (store->huge_blocks, HugeBlock, i);

      if (b->bytes == HUGE_PAGE && spare_give (b->start))
        store->mapped_bytes -= b->bytes;
      else
        huge_free (store, b->start, b->bytes);
    }
  g_array_unref (store->huge_blocks);
  g_free (store);
}

guint32
mmr_store_hash (const char *name)
{
  return name_hash (name);
}

void
mmr_store_prefetch (const MmrStore *store, guint32 hash)
{
#if defined(__GNUC__)
  __builtin_prefetch (&store->buckets[first_bucket (store, hash)]);
#else
  (void) store;
  (void) hash;
#endif
}

MmrRegister *
mmr_store_lookup (MmrStore *store, const char *name)
{
  return probe (store, name, name_hash (name))->reg;
}

/* A zeroed slot of @size bytes, aligned for a register. */
static gpointer
carve (MmrStore *store, gsize size)
{
  gpointer slot;

  size = (size + G_ALIGNOF (MmrRegister) - 1)
         & ~(gsize) (G_ALIGNOF (MmrRegister) - 1);
  if (size > store->free_bytes)
    {
      gsize block = MAX (size, store->next_block);

      if (block >= HUGE_PAGE)
        {
          HugeBlock b;

          block = (block + HUGE_PAGE - 1) & ~(gsize) (HUGE_PAGE - 1);
          b.start = block == HUGE_PAGE ? spare_take () : NULL;
          if (b.start != NULL)
            store->mapped_bytes += block;
          else
            b.start = huge_alloc (store, block);
          store->free_at = b.start;
          b.bytes = block;
          g_array_append_val (store->huge_blocks, b);
        }
      else
        {
          store->free_at = g_malloc (block);
          g_ptr_array_add (store->blocks, store->free_at);
        }
      store->free_bytes = block;
      store->next_block = MIN (2 * store->next_block, HUGE_PAGE);
    }
  slot = store->free_at;
  store->free_at += size;
  store->free_bytes -= size;
  memset (slot, 0, size);
  return slot;
}

MmrRegister *
mmr_store_ensure (MmrStore *store, const char *name)
{
  guint32 hash = name_hash (name);
  Bucket *b = probe (store, name, hash);
  gsize len;

  if (b->reg != NULL)
    return b->reg;
  if (4 * (store->n_registers + 1) > 3u << store->bits)
    {
      grow (store);
      b = probe (store, name, hash);
    }
  len = strlen (name);
  b->hash = hash;
  b->reg = carve (store, sizeof (MmrRegister) + len + 1);
  memcpy ((char *) name_of (b->reg), name, len + 1);
  store->n_registers++;
  return b->reg;
}

guint
mmr_store_size (const MmrStore *store)
{
  return store->n_registers;
}

gsize
mmr_store_mapped_bytes (const MmrStore *store)
{
  return store->mapped_bytes;
}

static int
name_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
mmr_store_dup_names (const MmrStore *store)
{
  GPtrArray *names = g_ptr_array_sized_new (store->n_registers);

  for (guint i = 0; i < 1u << store->bits; i++)
    if (store->buckets[i].reg != NULL)
      g_ptr_array_add (names, (gpointer) name_of (store->buckets[i].reg));
  g_ptr_array_sort (names, name_cmp);
  return names;
}

void
mmr_store_foreach (const MmrStore *store, GHFunc func, gpointer user_data)
{
  for (guint i = 0; i < 1u << store->bits; i++)
    if (store->buckets[i].reg != NULL)
      func ((gpointer) name_of (store->buckets[i].reg),
            store->buckets[i].reg, user_data);
}

/* DOC: store-copy */
MmrStore *
mmr_store_copy (const MmrStore *store)
{
  MmrStore *copy = g_new0 (MmrStore, 1);
  guint n = 1u << store->bits;

  copy->blocks = g_ptr_array_new_with_free_func (g_free);
  copy->huge_blocks = g_array_new (FALSE, FALSE, sizeof (HugeBlock));
  copy->bits = store->bits;
  copy->buckets = buckets_new (copy, n);
  /* One block of exactly the registers' size: a small store (mmr explore
   * copies thousands) then costs one allocation, not a 4 KiB block. */
  copy->next_block = 0;
  for (guint i = 0; i < n; i++)
    if (store->buckets[i].reg != NULL)
      copy->next_block += (sizeof (MmrRegister)
                           + strlen (name_of (store->buckets[i].reg)) + 1
                           + G_ALIGNOF (MmrRegister) - 1)
                          & ~(gsize) (G_ALIGNOF (MmrRegister) - 1);
  copy->next_block = MAX (copy->next_block, 64);
  for (guint i = 0; i < n; i++)
    {
      const MmrRegister *reg = store->buckets[i].reg;
      gsize len;
      MmrRegister *dst;

      if (reg == NULL)
        continue;
      len = strlen (name_of (reg));
      dst = carve (copy, sizeof (MmrRegister) + len + 1);
      memcpy ((char *) name_of (dst), name_of (reg), len + 1);
      dst->vv = reg->vv;
      mmr_register_reset_siblings (dst, reg->n_siblings);
      for (guint s = 0; s < reg->n_siblings; s++)
        mmr_version_copy (&dst->siblings[s], &reg->siblings[s]);
      copy->buckets[i].hash = store->buckets[i].hash;
      copy->buckets[i].reg = dst;
    }
  copy->n_registers = store->n_registers;
  copy->next_block = FIRST_BLOCK;
  return copy;
}
