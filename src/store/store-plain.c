/* store-plain.c - the store over a GHashTable (store.h; -Dstore=plain)
 *
 * The same store as store.c without its speed tricks (store-table.c,
 * arena.c, huge-pages.c): a GHashTable from a copied name to a malloc'd
 * register. Every run gives the same trace with either store
 * (tests/baseline); this one is slower and larger (docs/benchmarks.md,
 * "The plain store").
 */
#include "store/store.h"

#include <string.h>

struct _MmrStore {
  GHashTable *registers;   /* char* (owned) -> MmrRegister* (owned) */
};

guint32
mmr_store_hash (const char *name)
{
  guint32 h = 5381;

  for (const guint8 *p = (const guint8 *) name; *p != '\0'; p++)
    h = h * 33 + *p;
  return h;
}

static guint
hash_cb (gconstpointer name)
{
  return mmr_store_hash (name);
}

MmrStore *
mmr_store_new (void)
{
  MmrStore *store = g_new (MmrStore, 1);

  store->registers = g_hash_table_new_full (
      hash_cb, g_str_equal, g_free, (GDestroyNotify) mmr_register_free);
  return store;
}

void
mmr_store_free (MmrStore *store)
{
  if (store != NULL)
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
    g_hash_table_insert (store->registers, g_strdup (name),
                         reg = mmr_register_new ());
  return reg;
}

guint
mmr_store_size (const MmrStore *store)
{
  return g_hash_table_size (store->registers);
}

void
mmr_store_foreach (const MmrStore *store, GHFunc func, gpointer user_data)
{
  g_hash_table_foreach (store->registers, func, user_data);
}

static void
add_name_cb (gpointer name, gpointer reg, gpointer names)
{
  (void) reg;
  g_ptr_array_add (names, name);
}

static int
name_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
mmr_store_dup_names (const MmrStore *store)
{
  GPtrArray *names = g_ptr_array_new ();

  mmr_store_foreach (store, add_name_cb, names);
  g_ptr_array_sort (names, name_cmp);
  return names;
}

static void
copy_cb (gpointer name, gpointer reg, gpointer copy)
{
  g_hash_table_insert (copy, g_strdup (name), mmr_register_copy (reg));
}

MmrStore *
mmr_store_copy (const MmrStore *store)
{
  MmrStore *copy = mmr_store_new ();

  mmr_store_foreach (store, copy_cb, copy->registers);
  return copy;
}

gsize
mmr_store_mapped_bytes (const MmrStore *store)
{
  (void) store;
  return 0;                /* all of it is malloc'd */
}

void
mmr_store_prefetch (const MmrStore *store, guint32 hash)
{
  (void) store;
  (void) hash;             /* nothing to warm up */
}
