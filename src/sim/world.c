/* world.c - the deterministic simulator: who owns what, and the API
 *
 * The world owns the replicas, the channel of every ordered pair of them,
 * the scheduler, the one PRNG and the observers. Client operations and
 * faults come from outside (the scenario runner or the inspector) between
 * steps, at the current virtual time; the loop that runs between them is
 * world-run.c.
 *
 * This file: creating and freeing a world (and its replicas' databases),
 * observers, client operations (put, delete, reads with their contexts,
 * CRDT operations) and the read-only views. The other facets of the same
 * struct are listed in world-private.h.
 *
 * Taught in docs/architecture.md.
 */
#include "sim/world-private.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>


/* ---- environment handed to replicas ---- */

static gint64
env_now (gpointer data)
{
  return ((MmrWorld *) data)->now_us;
}

/* ---- life cycle ---- */


/* DOC: open-databases */
static gboolean
open_databases (MmrWorld *w, GError **error)
{
  if (w->config.data_dir == NULL || w->config.durability == MMR_DURABILITY_NONE)
    return TRUE;
  if (g_mkdir_with_parents (w->config.data_dir, 0755) != 0)
    {
      int err = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err),
                   "%s: cannot create the data directory: %s",
                   w->config.data_dir, g_strerror (err));
      return FALSE;
    }
  for (guint i = 0; i < w->n; i++)
    {
      g_autofree char *file = g_strconcat (w->names[i], ".db", NULL);
      g_autofree char *path = g_build_filename (w->config.data_dir, file,
                                                NULL);

      if (!mmr_replica_open_db (w->replicas[i], path,
                                w->config.durability == MMR_DURABILITY_ASYNC,
                                error))
        return FALSE;
      mmr_world_schedule_flush (w, i, w->config.flush_interval_us);
    }
  return TRUE;
}

MmrWorld *
mmr_world_new (const MmrWorldConfig *cfg)
{
  g_autoptr (GError) error = NULL;
  MmrWorld *w = mmr_world_new_full (cfg, &error);

  if (w == NULL)
    g_critical ("mmr_world_new: %s", error->message);
  return w;
}

MmrWorld *
mmr_world_new_full (const MmrWorldConfig *cfg, GError **error)
{
  MmrWorld *w;

  g_return_val_if_fail (cfg->n_replicas >= 2
                        && cfg->n_replicas <= MMR_MAX_REPLICAS, NULL);
  w = g_new0 (MmrWorld, 1);
  w->config = *cfg;
  w->n = cfg->n_replicas;
  for (guint i = 0; i < w->n; i++)
    {
      w->names[i] = g_strdup (cfg->names[i]);
      w->config.names[i] = w->names[i];
    }
  w->config.merge = g_strdup (cfg->merge);
  w->config.data_dir = g_strdup (cfg->data_dir);
  w->scheduler = mmr_scheduler_new ();
  w->prng = mmr_prng_new (cfg->seed);
  w->observers = g_array_new (FALSE, FALSE, sizeof (Observer));
  w->change_observers = g_array_new (FALSE, FALSE, sizeof (Observer));
  w->conflict_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           NULL);
  w->env.now = env_now;
  w->env.send = mmr_world_env_send;
  w->env.emit = mmr_world_env_emit;
  w->env.changed = mmr_world_env_changed;
  w->metrics.last_heal_us = -1;
  for (guint i = 0; i < w->n; i++)
    {
      w->leases[i].ts = MMR_NO_CLOCK_LEASE;
      w->replicas[i] = mmr_replica_new (i, w->n,
                                        (const char *const *) w->names,
                                        &w->env, w);
      mmr_world_apply_settings (w, w->replicas[i]);
      for (guint j = 0; j < w->n; j++)
        if (i != j)
          w->links[i][j] = mmr_channel_new (i, j, &cfg->link);
    }
  mmr_world_start_ticks (w);
  if (!open_databases (w, error))
    {
      mmr_world_free (w);
      return NULL;
    }
  return w;
}

void
mmr_world_free (MmrWorld *w)
{
  if (w == NULL)
    return;
  for (guint i = 0; i < w->n; i++)
    {
      mmr_replica_free (w->replicas[i]);
      for (guint j = 0; j < w->n; j++)
        mmr_channel_free (w->links[i][j]);
      g_free (w->names[i]);
    }
  g_free (w->config.merge);
  g_free (w->config.data_dir);
  mmr_scheduler_free (w->scheduler);
  mmr_prng_free (w->prng);
  g_array_unref (w->observers);
  g_array_unref (w->change_observers);
  g_hash_table_unref (w->conflict_ids);
  mmr_world_block_give (w);
}

guint
mmr_world_add_observer (MmrWorld *w, MmrObserverFunc func, gpointer user_data)
{
  Observer o = { ++w->next_observer_id, func, user_data };

  g_array_append_val (w->observers, o);
  return o.id;
}

guint
mmr_world_add_change_observer (MmrWorld *w, MmrChangeFunc func,
                               gpointer user_data)
{
  Observer o = { ++w->next_observer_id,
                 (MmrObserverFunc) (void (*) (void)) func, user_data };

  g_array_append_val (w->change_observers, o);
  return o.id;
}

void
mmr_world_remove_change_observer (MmrWorld *w, guint id)
{
  for (guint i = 0; i < w->change_observers->len; i++)
    if (g_array_index (w->change_observers, Observer, i).id == id)
      {
        g_array_remove_index (w->change_observers, i);
        return;
      }
}

void
mmr_world_remove_observer (MmrWorld *w, guint id)
{
  for (guint i = 0; i < w->observers->len; i++)
    if (g_array_index (w->observers, Observer, i).id == id)
      {
        g_array_remove_index (w->observers, i);
        return;
      }
}

gint64 mmr_world_now (const MmrWorld *w) { return w->now_us; }
guint64 mmr_world_n_events (const MmrWorld *w) { return w->n_events; }
guint mmr_world_n_replicas (const MmrWorld *w) { return w->n; }
const MmrWorldConfig *mmr_world_get_config (const MmrWorld *w) { return &w->config; }
const MmrMetrics *mmr_world_get_metrics (const MmrWorld *w) { return &w->metrics; }
guint64 mmr_world_n_in_flight (const MmrWorld *w) { return w->n_in_flight; }

const char *
mmr_world_replica_name (const MmrWorld *w, guint replica)
{
  g_return_val_if_fail (replica < w->n, NULL);
  return w->names[replica];
}

const char *const *
mmr_world_replica_names (const MmrWorld *w)
{
  return (const char *const *) w->names;
}

int
mmr_world_replica_index (const MmrWorld *w, const char *name)
{
  for (guint i = 0; i < w->n; i++)
    if (strcmp (w->names[i], name) == 0)
      return (int) i;
  return -1;
}

/* ---- client operations ---- */

/* A down or recovering replica acknowledges nothing: the client's write
 * is refused, and the trace says so. */
static gboolean
accepts (MmrWorld *w, guint replica, const char *key, const char *value)
{
  MmrReplica *r = w->replicas[replica];
  MmrEvent ev = { 0 };

  if (mmr_replica_accepts_writes (r, w->now_us))
    return TRUE;
  ev.kind = MMR_EV_REFUSED;
  ev.replica = r->is_down ? -1 : (int) replica;
  ev.peer = r->is_down ? (int) replica : -1;
  ev.key = key;
  ev.value = value;
  ev.detail = r->is_down ? "replica is down" : "replica is recovering";
  mmr_world_emit (w, &ev);
  return FALSE;
}

void
mmr_world_put (MmrWorld *w, guint replica, const char *key, const char *field,
               const char *value)
{
  g_return_if_fail (replica < w->n && key != NULL && value != NULL);
  if (accepts (w, replica, key, value))
    mmr_replica_write (w->replicas[replica], key, field, value);
}

void
mmr_world_delete (MmrWorld *w, guint replica, const char *key,
                  const char *field)
{
  g_return_if_fail (replica < w->n && key != NULL);
  if (accepts (w, replica, key, NULL))
    mmr_replica_write (w->replicas[replica], key, field, NULL);
}

void
mmr_world_declare_type (MmrWorld *w, const char *key, MmrCrdtType type)
{
  g_autofree char *detail = g_strdup_printf ("type %s %s", key,
                                             mmr_crdt_type_to_string (type));

  for (guint i = 0; i < w->n; i++)
    mmr_replica_declare_type (w->replicas[i], key, type);
  mmr_world_trace (w, MMR_EV_CONFIG, -1, -1, detail);
}

gboolean
mmr_world_crdt_op (MmrWorld *w, guint replica, const char *key,
                   const char *op, const char *arg, GError **error)
{
  g_return_val_if_fail (replica < w->n && key != NULL && op != NULL, FALSE);
  if (!g_hash_table_contains (w->replicas[replica]->crdt_types, key))
    {
      g_set_error (error, MMR_CRDT_ERROR, MMR_CRDT_ERROR_UNKNOWN_TYPE,
                   "'%s' has no CRDT type; declare it with 'type'", key);
      return FALSE;
    }
  if (!accepts (w, replica, key, op))
    return TRUE;   /* refused and traced: not an error of the caller's */
  return mmr_replica_crdt_op (w->replicas[replica], key, op, arg, error);
}

void
mmr_world_begin_local_batch (MmrWorld *w, guint replica)
{
  g_return_if_fail (replica < w->n);
  mmr_replica_begin_local_batch (w->replicas[replica]);
}

void
mmr_world_commit_local_batch (MmrWorld *w, guint replica)
{
  g_return_if_fail (replica < w->n);
  mmr_replica_commit_local_batch (w->replicas[replica]);
}

gboolean
mmr_world_is_down (const MmrWorld *w, guint replica)
{
  g_return_val_if_fail (replica < w->n, FALSE);
  return w->replicas[replica]->is_down;
}

gboolean
mmr_world_is_recovering (const MmrWorld *w, guint replica)
{
  g_return_val_if_fail (replica < w->n, FALSE);
  return mmr_replica_accepts_writes (w->replicas[replica], w->now_us) == FALSE
         && !w->replicas[replica]->is_down;
}


const MmrCrdt *
mmr_world_get_crdt (const MmrWorld *w, guint replica, const char *key)
{
  g_return_val_if_fail (replica < w->n, NULL);
  return g_hash_table_lookup (w->replicas[replica]->crdts, key);
}

static int
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
mmr_world_dup_crdt_keys (const MmrWorld *w, guint replica)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key;

  g_return_val_if_fail (replica < w->n, keys);
  g_hash_table_iter_init (&it, w->replicas[replica]->crdts);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, str_ptr_cmp);
  return keys;
}

void
mmr_world_read (MmrWorld *w, guint replica, const char *key,
                const char *field, MmrVersionVector *out_context)
{
  g_autofree char *reg = NULL;

  g_return_if_fail (replica < w->n && key != NULL);
  reg = mmr_record_register_name (w->config.granularity, key,
                                  field != NULL ? field : "");
  mmr_replica_read (w->replicas[replica], reg, out_context);
}

void
mmr_world_client_write (MmrWorld *w, guint replica, const char *key,
                        const char *field, const char *value,
                        const MmrVersionVector *context)
{
  g_return_if_fail (replica < w->n && key != NULL);
  if (accepts (w, replica, key, value))
    mmr_replica_client_write (w->replicas[replica], key, field, value,
                              context);
}

void
mmr_world_read_field_contexts (MmrWorld *w, guint replica, const char *key,
                               GHashTable *out_contexts)
{
  g_return_if_fail (replica < w->n && key != NULL && out_contexts != NULL);
  if (w->config.granularity == MMR_GRANULARITY_FIELD)
    mmr_replica_read_fields (w->replicas[replica], key, out_contexts);
}

void
mmr_world_client_delete_record (MmrWorld *w, guint replica, const char *key,
                                GHashTable *contexts)
{
  g_return_if_fail (replica < w->n && key != NULL);
  if (accepts (w, replica, key, NULL))
    mmr_replica_client_delete_record (w->replicas[replica], key, contexts);
}

/* ---- read-only views ---- */

const MmrStore *
mmr_world_get_store (const MmrWorld *w, guint replica)
{
  g_return_val_if_fail (replica < w->n, NULL);
  return w->replicas[replica]->store;
}

const MmrChannel *
mmr_world_get_channel (const MmrWorld *w, guint from, guint to)
{
  g_return_val_if_fail (from < w->n && to < w->n && from != to, NULL);
  return w->links[from][to];
}

void
mmr_world_get_clocks (const MmrWorld *w, guint replica,
                      gint64 *out_physical_us, guint64 *out_lamport,
                      MmrHlc *out_hlc)
{
  const MmrReplica *r;

  g_return_if_fail (replica < w->n);
  r = w->replicas[replica];
  if (out_physical_us != NULL)
    *out_physical_us = mmr_physical_clock_read (&r->physical, w->now_us);
  if (out_lamport != NULL)
    *out_lamport = r->lamport;
  if (out_hlc != NULL)
    *out_hlc = r->hlc;
}

const MmrPhysicalClock *
mmr_world_get_physical_clock (const MmrWorld *w, guint replica)
{
  g_return_val_if_fail (replica < w->n, NULL);
  return &w->replicas[replica]->physical;
}
