/* world-copy.c - a copy of a whole world, for mmr explore
 *
 * Interface: mmr_world_copy (world.h). mmr explore (src/explore/explore.c)
 * expands a state by copying it once per enabled delivery and delivering one
 * message in each copy, so a copy must be complete (every replica, link,
 * queued message, clock, the scheduler and the PRNG) and independent (no
 * pointer into the original survives; freeing either never touches the
 * other). Invariant: mmr_world_free of a copy frees exactly what this file
 * allocated.
 *
 * Only worlds without databases and CRDT keys can be copied (can_copy says
 * why not). Taught in docs/checking.md (explore).
 *
 * Speed. A world struct is about 25 KB: its arrays are sized for
 * MMR_MAX_REPLICAS, the anti-entropy slots alone 16 KB. A malloc that
 * large makes glibc sort all its small free chunks first
 * (malloc_consolidate), and explore copied one per state it reached, so
 * freed world structs are kept in a small pool for the next copy
 * (mmr_world_block_take/_give, which mmr_world_free uses), and a copy
 * takes only the anti-entropy slots of the replicas the world has.
 */
#include "sim/world-private.h"

#include <stddef.h>
#include <string.h>

/* ---- the pool of world structs ---- */

#define POOL_MAX 32

G_LOCK_DEFINE_STATIC (pool);
static MmrWorld *pool[POOL_MAX];
static guint pool_n;

/* An uninitialised world struct. */
MmrWorld *
mmr_world_block_take (void)
{
  MmrWorld *w = NULL;

  G_LOCK (pool);
  if (pool_n > 0)
    w = pool[--pool_n];
  G_UNLOCK (pool);
  return w != NULL ? w : g_new (MmrWorld, 1);
}

/* @w's struct, its contents freed already. */
void
mmr_world_block_give (MmrWorld *w)
{
  G_LOCK (pool);
  if (pool_n < POOL_MAX)
    {
      pool[pool_n++] = w;
      w = NULL;
    }
  G_UNLOCK (pool);
  g_free (w);
}

/* Everything by value but the anti-entropy slots of replicas the world
 * does not have (never read: a world's replica indexes are below n). */
static void
copy_fields (MmrWorld *c, const MmrWorld *w)
{
  gsize slots = offsetof (MmrWorld, ae_start);
  gsize after = slots + sizeof w->ae_start;

  memcpy (c, w, slots);
  memcpy (c->ae_start, w->ae_start, w->n * sizeof w->ae_start[0]);
  memcpy ((char *) c + after, (const char *) w + after,
          sizeof *w - after);
}

static gboolean
can_copy (const MmrWorld *w, GError **error)
{
  for (guint i = 0; i < w->n; i++)
    if (!mmr_replica_can_copy (w->replicas[i]))
      {
        g_set_error (error, MMR_WORLD_ERROR, MMR_WORLD_ERROR_UNSUPPORTED,
                     "replica %s has a database (durability) or CRDT keys, "
                     "which a copy of the world cannot hold",
                     w->names[i]);
        return FALSE;
      }
  return TRUE;
}

/* DOC: world-copy */
/* Everything by value (copy_fields), then each owned piece copied; the replicas'
 * environment points at the new world. Observers are not copied: they
 * belong to whoever made them (a copy of a write log subscribes itself). */
MmrWorld *
mmr_world_copy (const MmrWorld *w, GError **error)
{
  MmrWorld *c;

  if (!can_copy (w, error))
    return NULL;
  c = mmr_world_block_take ();
  copy_fields (c, w);
  memset (c->names, 0, sizeof c->names);
  for (guint i = 0; i < w->n; i++)
    {
      c->names[i] = g_strdup (w->names[i]);
      c->config.names[i] = c->names[i];
    }
  c->config.merge = g_strdup (w->config.merge);
  c->config.data_dir = g_strdup (w->config.data_dir);
  c->scheduler = mmr_scheduler_copy (w->scheduler);
  c->prng = mmr_prng_copy (w->prng);
  c->observers = g_array_new (FALSE, FALSE, sizeof (Observer));
  c->change_observers = g_array_new (FALSE, FALSE, sizeof (Observer));
  c->conflict_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           NULL);
  {
    GHashTableIter it;
    gpointer id;

    g_hash_table_iter_init (&it, w->conflict_ids);
    while (g_hash_table_iter_next (&it, &id, NULL))
      g_hash_table_add (c->conflict_ids, g_strdup (id));
  }
  c->delivering = NULL;
  for (guint i = 0; i < w->n; i++)
    {
      c->replicas[i] = mmr_replica_copy (w->replicas[i],
                                         (const char *const *) c->names,
                                         &c->env, c);
      for (guint j = 0; j < w->n; j++)
        if (i != j)
          c->links[i][j] = mmr_channel_copy (w->links[i][j]);
    }
  return c;
}
