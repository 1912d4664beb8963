/* store.c - a replica's registers, by name (store.h)
 *
 * A store is what one replica knows: a map from register name ("cart",
 * or "user.name" under granularity field) to the register that holds the
 * versions of that key or field (register.h). Writes and merges change a
 * register in place; the store itself only finds registers and makes
 * them on first use.
 *
 * What every caller relies on:
 *   - a name maps to at most one register, and mmr_store_ensure makes it
 *     empty (no version, a zero version vector) the first time;
 *   - a register is never removed and never moves: a pointer to it stays
 *     good for the store's lifetime (a replica that has seen a key keeps
 *     its version vector forever - deletes are tombstones, not removals);
 *   - iteration order is not part of the interface. It depends on the
 *     order names arrived in, which differs from replica to replica, so
 *     anything that must be the same everywhere (digests, reports, the
 *     trace) either sorts (mmr_store_dup_names) or combines registers in
 *     an order-free way (a sum of hashes);
 *   - mmr_store_copy is deep, and the copy iterates in the same order as
 *     the original (mmr explore runs copies of a world side by side).
 *
 * A register's name is hashed with djb2 (Bernstein: h = 33 h + c, as
 * g_str_hash but over unsigned bytes); the hash is part of the interface
 * so that the world can note it when a message is sent and warm the
 * bucket up before the message arrives (mmr_store_prefetch).
 *
 * This file is the concept. How fast it is lives behind it, in files a
 * student can skip (docs/benchmarks.md, "The hot path"):
 *   store-table.c  the index: open addressing, one probe per apply;
 *   arena.c        registers and their names carved from blocks, freed
 *                  with the store;
 *   huge-pages.c   the big arrays in 2 MiB pages.
 * store-plain.c is the same interface over a GHashTable in sixty lines:
 * build with -Dstore=plain and every run is the same, byte for byte, only
 * slower and larger.
 *
 * Taught in docs/architecture.md and docs/benchmarks.md.
 */
#include "store/store.h"

#include <string.h>

#include "store/store-private.h"

G_STATIC_ASSERT (G_ALIGNOF (MmrRegister) <= MMR_ARENA_ALIGN);

struct _MmrStore {
  MmrStoreTable *table;    /* name -> register */
  MmrArena *arena;         /* the registers, each followed by its name */
};

MmrStore *
mmr_store_new (void)
{
  MmrStore *store = g_new0 (MmrStore, 1);

  store->table = mmr_store_table_new ();
  store->arena = mmr_arena_new ();
  return store;
}

static void
clear_register_cb (gpointer name, gpointer reg, gpointer user_data)
{
  (void) name;
  (void) user_data;
  mmr_register_clear (reg);
}

void
mmr_store_free (MmrStore *store)
{
  if (store == NULL)
    return;
  /* The arena holds the registers; what they own (their siblings) is
   * malloc'd, so it goes first. */
  mmr_store_table_foreach (store->table, clear_register_cb, NULL);
  mmr_store_table_free (store->table);
  mmr_arena_free (store->arena);
  g_free (store);
}

/* Inline here: every lookup and ensure hashes, and a call per apply shows
 * in the benchmark. */
static inline guint32
name_hash (const char *name)
{
  guint32 h = 5381;

  for (const guint8 *p = (const guint8 *) name; *p != '\0'; p++)
    h = h * 33 + *p;
  return h;
}

guint32
mmr_store_hash (const char *name)
{
  return name_hash (name);
}

void
mmr_store_prefetch (const MmrStore *store, guint32 hash)
{
  mmr_store_table_prefetch (store->table, hash);
}

MmrRegister *
mmr_store_lookup (MmrStore *store, const char *name)
{
  return mmr_store_table_lookup (store->table, name, name_hash (name));
}

static gsize
piece_size (const char *name)
{
  return sizeof (MmrRegister) + strlen (name) + 1;
}

/* An empty register with @name right after it, in one piece of the arena
 * (mmr_store_table_name_of reads it there). */
static MmrRegister *
new_register (MmrArena *arena, const char *name)
{
  gsize size = piece_size (name);
  MmrRegister *reg = mmr_arena_alloc (arena, size);

  memcpy (reg + 1, name, size - sizeof *reg);
  return reg;
}

MmrRegister *
mmr_store_ensure (MmrStore *store, const char *name)
{
  MmrRegister **slot = mmr_store_table_claim (store->table, name,
                                              name_hash (name));

  if (*slot == NULL)
    *slot = new_register (store->arena, name);
  return *slot;
}

guint
mmr_store_size (const MmrStore *store)
{
  return mmr_store_table_size (store->table);
}

gsize
mmr_store_mapped_bytes (const MmrStore *store)
{
  return mmr_store_table_mapped_bytes (store->table)
         + mmr_arena_mapped_bytes (store->arena);
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
  GPtrArray *names = g_ptr_array_sized_new (mmr_store_size (store));

  mmr_store_table_foreach (store->table, add_name_cb, names);
  g_ptr_array_sort (names, name_cmp);
  return names;
}

void
mmr_store_foreach (const MmrStore *store, GHFunc func, gpointer user_data)
{
  mmr_store_table_foreach (store->table, func, user_data);
}

static void
add_piece_size_cb (gpointer name, gpointer reg, gpointer total)
{
  (void) reg;
  *(gsize *) total += mmr_arena_round (piece_size (name));
}

static MmrRegister *
copy_register (const MmrRegister *reg, gpointer arena)
{
  MmrRegister *copy = new_register (arena,
                                    mmr_store_table_name_of (reg));

  mmr_register_copy_to (reg, copy);
  return copy;
}

/* DOC: store-copy */
MmrStore *
mmr_store_copy (const MmrStore *store)
{
  MmrStore *copy = g_new0 (MmrStore, 1);
  gsize bytes = 0;

  /* One block of exactly the registers' size: a small store (mmr explore
   * copies thousands) then costs one allocation, not a 4 KiB block. */
  mmr_store_table_foreach (store->table, add_piece_size_cb, &bytes);
  copy->arena = mmr_arena_new ();
  mmr_arena_reserve (copy->arena, bytes);
  copy->table = mmr_store_table_copy (store->table, copy_register,
                                      copy->arena);
  return copy;
}
