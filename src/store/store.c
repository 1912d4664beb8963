/* store.c - a replica's registers in a hash table (see store.h)
 *
 * Memory layout: registers are never removed from a store, only changed,
 * so they are carved one after another out of large blocks (an arena)
 * and freed all at once with the store. Each register is followed by its
 * name in the same slot, and the table's key points at that name. One
 * slot per key instead of two mallocs (register, name) saves the
 * allocator's header and rounding on every key at every replica - the
 * benchmark's memory target is 256 bytes per key per replica - and the
 * time of a malloc on the hottest path of a remote apply. What a register
 * owns (its siblings' values, a sibling array) is still malloc'd, and
 * freed by mmr_register_clear when the store goes.
 *
 * Iteration order of a GHashTable depends on insertion history, so
 * anything that must be deterministic across replicas (digests, reports)
 * goes through mmr_store_dup_names, which sorts.
 */
#include "store/store.h"

#include <string.h>

/* Below glibc's mmap threshold (128 KiB), so blocks come from the heap
 * like every other allocation and the benchmark's accounting sees them. */
#define BLOCK_BYTES (64 * 1024)

struct _MmrStore {
  GHashTable *registers;   /* name -> MmrRegister*, both in a block */
  GPtrArray *blocks;       /* owned */
  guint8 *free_at;         /* the unused tail of the newest block */
  gsize free_bytes;
};

MmrStore *
mmr_store_new (void)
{
  MmrStore *store = g_new0 (MmrStore, 1);

  store->registers = g_hash_table_new (g_str_hash, g_str_equal);
  store->blocks = g_ptr_array_new_with_free_func (g_free);
  return store;
}

static void
clear_register (gpointer key, gpointer value, gpointer user_data)
{
  (void) key;
  (void) user_data;
  mmr_register_clear (value);
}

void
mmr_store_free (MmrStore *store)
{
  if (store == NULL)
    return;
  g_hash_table_foreach (store->registers, clear_register, NULL);
  g_hash_table_unref (store->registers);
  g_ptr_array_unref (store->blocks);
  g_free (store);
}

MmrRegister *
mmr_store_lookup (MmrStore *store, const char *name)
{
  return g_hash_table_lookup (store->registers, name);
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
      gsize block = MAX (size, BLOCK_BYTES);

      store->free_at = g_malloc (block);
      store->free_bytes = block;
      g_ptr_array_add (store->blocks, store->free_at);
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
  MmrRegister *reg = g_hash_table_lookup (store->registers, name);

  if (reg == NULL)
    {
      gsize len = strlen (name);
      char *key;

      /* DOC: store-layout */
      reg = carve (store, sizeof (MmrRegister) + len + 1);
      key = (char *) (reg + 1);
      memcpy (key, name, len + 1);
      g_hash_table_insert (store->registers, key, reg);
    }
  return reg;
}

guint
mmr_store_size (const MmrStore *store)
{
  return g_hash_table_size (store->registers);
}

static int
name_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
mmr_store_dup_names (const MmrStore *store)
{
  GPtrArray *names = g_ptr_array_sized_new (g_hash_table_size (store->registers));
  GHashTableIter it;
  gpointer key;

  g_hash_table_iter_init (&it, store->registers);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (names, key);
  g_ptr_array_sort (names, name_cmp);
  return names;
}

void
mmr_store_foreach (const MmrStore *store, GHFunc func, gpointer user_data)
{
  g_hash_table_foreach (store->registers, func, user_data);
}
