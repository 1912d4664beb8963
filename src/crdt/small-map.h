/* small-map.h - a hash map that stays a short array while small (private)
 *
 * A delta names one element or one field, and a GHashTable costs as much
 * to create and destroy as the rest of an operation put together. So the
 * OR-Set and the OR-Map keep their entries in an MmrSmallMap: up to
 * MMR_SMALL_MAP_INLINE entries live in an array searched linearly; the
 * next one moves everything into a GHashTable, for good. The interface is
 * GHashTable's, cut down to what the CRDTs use, with the same ownership
 * rules (the map frees keys and values with the functions given to init).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MMR_SMALL_MAP_INLINE 4

typedef struct {
  GHashFunc hash;
  GEqualFunc equal;
  GDestroyNotify key_free;     /* may be NULL */
  GDestroyNotify value_free;   /* may be NULL */
  guint n_inline;
  gpointer keys[MMR_SMALL_MAP_INLINE];
  gpointer values[MMR_SMALL_MAP_INLINE];
  GHashTable *table;           /* NULL while the entries fit inline */
} MmrSmallMap;

typedef struct {
  MmrSmallMap *map;
  guint next;                  /* inline: index of the next entry */
  GHashTableIter iter;
} MmrSmallMapIter;

void     mmr_small_map_init     (MmrSmallMap *map, GHashFunc hash,
                                 GEqualFunc equal, GDestroyNotify key_free,
                                 GDestroyNotify value_free);
void     mmr_small_map_clear    (MmrSmallMap *map);
guint    mmr_small_map_size     (const MmrSmallMap *map);
gpointer mmr_small_map_lookup   (const MmrSmallMap *map, gconstpointer key);
/* Like g_hash_table_insert: takes @key and @value; if the key is already
 * there, its value is replaced (the old one freed) and @key is freed. */
void     mmr_small_map_insert   (MmrSmallMap *map, gpointer key,
                                 gpointer value);
/* Frees the entry's key and value; FALSE if there was none. */
gboolean mmr_small_map_remove   (MmrSmallMap *map, gconstpointer key);

/* The keys, borrowed, in an array of size() + 1 (NULL-terminated) to
 * g_free; for sorting before a canonical walk. */
gpointer *mmr_small_map_dup_keys (MmrSmallMap *map, guint *out_n);

/* Iteration in no particular order; the current entry may be removed or
 * given a new value, and no other change is allowed meanwhile. */
void     mmr_small_map_iter_init    (MmrSmallMapIter *iter, MmrSmallMap *map);
gboolean mmr_small_map_iter_next    (MmrSmallMapIter *iter, gpointer *key,
                                     gpointer *value);
void     mmr_small_map_iter_remove  (MmrSmallMapIter *iter);
void     mmr_small_map_iter_replace (MmrSmallMapIter *iter, gpointer value);

G_END_DECLS
