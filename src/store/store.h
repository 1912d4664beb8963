/* store.h - a replica's key space: register name -> MmrRegister
 *
 * The store is the in-memory state of one replica. A register name is the
 * key ("cart") with granularity "record", or key and field ("user.name")
 * with granularity "field" (see record.h for how a record's fields live in
 * one register's value).  Replicas never share a store: what one replica
 * knows, another learns only through messages.
 *
 * Two implementations, chosen at build time (meson option store):
 * store.c (fast, the default: an open-addressing table over an arena,
 * store-table.c and arena.c) and store-plain.c (a GHashTable). Both give
 * every run the same trace.
 *
 * Taught in docs/architecture.md.
 */
#pragma once

#include <glib.h>

#include "store/register.h"

G_BEGIN_DECLS

typedef struct _MmrStore MmrStore;

MmrStore    *mmr_store_new      (void);
void         mmr_store_free     (MmrStore *store);
/* Borrowed; NULL when the replica has never heard of @name. */
MmrRegister *mmr_store_lookup   (MmrStore *store, const char *name);
/* The same for a reader that may not change the store (the views, the
 * checkers, the inspector): a lookup moves and creates nothing. */
static inline const MmrRegister *
mmr_store_get (const MmrStore *store, const char *name)
{
  return mmr_store_lookup ((MmrStore *) store, name);
}
/* Borrowed; creates an empty register on first use. */
MmrRegister *mmr_store_ensure   (MmrStore *store, const char *name);
guint        mmr_store_size     (const MmrStore *store);
/* Bytes the store holds in memory it mapped itself (huge pages), which
 * malloc's statistics do not see; the rest of its memory is malloc'd. */
gsize        mmr_store_mapped_bytes (const MmrStore *store);
/* The hash the store files @name under; with it, mmr_store_prefetch asks
 * the CPU to start loading @name's bucket now, so that a lookup a little
 * later does not wait for memory (the world does this for the next
 * delivery while it applies the current one). */
guint32      mmr_store_hash     (const char *name);
void         mmr_store_prefetch (const MmrStore *store, guint32 hash);
/* Register names, sorted (strcmp); borrowed strings in a new array. */
GPtrArray   *mmr_store_dup_names (const MmrStore *store);
void         mmr_store_foreach  (const MmrStore *store, GHFunc func,
                                 gpointer user_data);
/* A deep copy. The fast store's copy iterates in the same order as
 * @store (every register in the same bucket); the plain one's need not,
 * and nothing may depend on it: iteration order is not part of the
 * interface (store.c). */
MmrStore    *mmr_store_copy     (const MmrStore *store);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrStore, mmr_store_free)

G_END_DECLS
