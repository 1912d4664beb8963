/* store.c - a replica's registers in a hash table (see store.h)
 *
 * Memory layout: each register is allocated together with its name, the
 * name right after the struct, and the table's key points into that same
 * block. One allocation instead of two per key saves a malloc chunk (32
 * bytes on glibc) for every key at every replica - the benchmark's memory
 * target is 256 bytes per key per replica. mmr_register_free frees the
 * whole block, since the register is its first member.
 *
 * Iteration order of a GHashTable depends on insertion history, so
 * anything that must be deterministic across replicas (digests, reports)
 * goes through mmr_store_dup_names, which sorts.
 */
#include "store/store.h"

#include <string.h>

struct _MmrStore {
  GHashTable *registers;   /* name -> MmrRegister*; the name lives in the
                            * register's block (see above) */
};

MmrStore *
mmr_store_new (void)
{
  MmrStore *store = g_new0 (MmrStore, 1);

  store->registers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            (GDestroyNotify) mmr_register_free);
  return store;
}

void
mmr_store_free (MmrStore *store)
{
  if (store == NULL)
    return;
  g_hash_table_unref (store->registers);
  g_free (store);
}

MmrRegister *
mmr_store_lookup (MmrStore *store, const char *name)
{
  return g_hash_table_lookup (store->registers, name);
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
      reg = g_malloc0 (sizeof (MmrRegister) + len + 1);
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
