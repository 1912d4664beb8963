/* small-map.c - inline array first, GHashTable past four entries
 *
 * Interface: see small-map.h. Invariants: while table is NULL the entries
 * are keys[0..n_inline) and values[0..n_inline), no two keys equal; once
 * table exists, n_inline is 0 and the table holds everything.
 */
#include "crdt/small-map.h"

void
mmr_small_map_init (MmrSmallMap *map, GHashFunc hash, GEqualFunc equal,
                    GDestroyNotify key_free, GDestroyNotify value_free)
{
  map->hash = hash;
  map->equal = equal;
  map->key_free = key_free;
  map->value_free = value_free;
  map->n_inline = 0;
  map->table = NULL;
}

static void
free_entry (MmrSmallMap *map, gpointer key, gpointer value)
{
  /* A set-like map (key == value) owns one thing, freed once. */
  if (map->value_free != NULL && value != key)
    map->value_free (value);
  if (map->key_free != NULL)
    map->key_free (key);
}

void
mmr_small_map_clear (MmrSmallMap *map)
{
  for (guint i = 0; i < map->n_inline; i++)
    free_entry (map, map->keys[i], map->values[i]);
  map->n_inline = 0;
  g_clear_pointer (&map->table, g_hash_table_unref);
}

guint
mmr_small_map_size (const MmrSmallMap *map)
{
  return map->table != NULL ? g_hash_table_size (map->table) : map->n_inline;
}

static int
find_inline (const MmrSmallMap *map, gconstpointer key)
{
  for (guint i = 0; i < map->n_inline; i++)
    if (map->equal (map->keys[i], key))
      return (int) i;
  return -1;
}

gpointer
mmr_small_map_lookup (const MmrSmallMap *map, gconstpointer key)
{
  int i;

  if (map->table != NULL)
    return g_hash_table_lookup (map->table, key);
  i = find_inline (map, key);
  return i >= 0 ? map->values[i] : NULL;
}

static void
grow (MmrSmallMap *map)
{
  /* key == value entries would be freed twice by a table with both free
   * functions; such maps pass value_free NULL (see free_entry). */
  map->table = g_hash_table_new_full (map->hash, map->equal, map->key_free,
                                      map->value_free);
  for (guint i = 0; i < map->n_inline; i++)
    g_hash_table_insert (map->table, map->keys[i], map->values[i]);
  map->n_inline = 0;
}

void
mmr_small_map_insert (MmrSmallMap *map, gpointer key, gpointer value)
{
  int i;

  if (map->table == NULL)
    {
      i = find_inline (map, key);
      if (i >= 0)
        {
          if (map->value_free != NULL && map->values[i] != value)
            map->value_free (map->values[i]);
          map->values[i] = value;
          if (map->key_free != NULL && key != map->keys[i])
            map->key_free (key);
          return;
        }
      if (map->n_inline < MMR_SMALL_MAP_INLINE)
        {
          map->keys[map->n_inline] = key;
          map->values[map->n_inline] = value;
          map->n_inline++;
          return;
        }
      grow (map);
    }
  g_hash_table_insert (map->table, key, value);
}

static void
remove_inline (MmrSmallMap *map, guint i)
{
  free_entry (map, map->keys[i], map->values[i]);
  map->n_inline--;
  map->keys[i] = map->keys[map->n_inline];
  map->values[i] = map->values[map->n_inline];
}

gboolean
mmr_small_map_remove (MmrSmallMap *map, gconstpointer key)
{
  int i;

  if (map->table != NULL)
    return g_hash_table_remove (map->table, key);
  i = find_inline (map, key);
  if (i < 0)
    return FALSE;
  remove_inline (map, (guint) i);
  return TRUE;
}

void
mmr_small_map_iter_init (MmrSmallMapIter *iter, MmrSmallMap *map)
{
  iter->map = map;
  iter->next = 0;
  if (map->table != NULL)
    g_hash_table_iter_init (&iter->iter, map->table);
}

gboolean
mmr_small_map_iter_next (MmrSmallMapIter *iter, gpointer *key,
                         gpointer *value)
{
  MmrSmallMap *map = iter->map;

  if (map->table != NULL)
    return g_hash_table_iter_next (&iter->iter, key, value);
  if (iter->next >= map->n_inline)
    return FALSE;
  if (key != NULL)
    *key = map->keys[iter->next];
  if (value != NULL)
    *value = map->values[iter->next];
  iter->next++;
  return TRUE;
}

void
mmr_small_map_iter_remove (MmrSmallMapIter *iter)
{
  if (iter->map->table != NULL)
    {
      g_hash_table_iter_remove (&iter->iter);
      return;
    }
  /* The last entry moves into the hole: visit that slot again. */
  remove_inline (iter->map, --iter->next);
}

void
mmr_small_map_iter_replace (MmrSmallMapIter *iter, gpointer value)
{
  MmrSmallMap *map = iter->map;

  if (map->table != NULL)
    {
      g_hash_table_iter_replace (&iter->iter, value);
      return;
    }
  if (map->value_free != NULL && map->values[iter->next - 1] != value)
    map->value_free (map->values[iter->next - 1]);
  map->values[iter->next - 1] = value;
}

gpointer *
mmr_small_map_dup_keys (MmrSmallMap *map, guint *out_n)
{
  guint n = mmr_small_map_size (map), i = 0;
  gpointer *keys = g_new (gpointer, n + 1);
  MmrSmallMapIter iter;
  gpointer key;

  mmr_small_map_iter_init (&iter, map);
  while (mmr_small_map_iter_next (&iter, &key, NULL))
    keys[i++] = key;
  keys[n] = NULL;
  *out_n = n;
  return keys;
}
