/* checker.c - is everyone equal, and what was lost? (see checker.h) */
#include "sim/checker.h"

#include <string.h>

#include "sim/convergence-watch.h"
#include "sim/view.h"

/* ---- convergence ---- */

/* DOC: check-convergence */
/* A snapshot of the one convergence checker (convergence-watch.c): every
 * register of every replica read through the views, compared entry by
 * entry; the same rule the runner's watch applies incrementally. */
GPtrArray *
mmr_check_convergence (const MmrWorld *world)
{
  g_autoptr (MmrConvergenceWatch) watch =
      mmr_convergence_watch_new_snapshot (world);

  return mmr_convergence_watch_dup_diffs (watch);
}

/* ---- lost writes ---- */

typedef struct {
  guint replica;
  char *key;
  char *value;
  MmrDot dot;
  gint64 time_us;
  guint64 seq;
} Write;

struct _MmrWriteLog {
  MmrWorld *world;
  guint observer;
  GPtrArray *writes;          /* Write*, in order */
  GHashTable *superseded;     /* "name|r:c" set */
};

static char *
dot_id (const char *name, MmrDot dot)
{
  return g_strdup_printf ("%s|%u:%u", name, dot.replica, dot.counter);
}

static void
write_free (Write *w)
{
  g_free (w->key);
  g_free (w->value);
  g_free (w);
}

void
mmr_lost_write_free (MmrLostWrite *lw)
{
  if (lw == NULL)
    return;
  g_free (lw->key);
  g_free (lw->value);
  g_free (lw);
}

static void
on_event (const MmrEvent *ev, gpointer user_data)
{
  MmrWriteLog *log = user_data;
  Write *w;

  if (ev->kind != MMR_EV_WRITE && ev->kind != MMR_EV_DELETE)
    return;
  w = g_new0 (Write, 1);
  w->replica = (guint) ev->replica;
  w->key = g_strdup (ev->key);
  w->value = g_strdup (ev->value);
  w->dot = ev->dot;
  w->time_us = ev->time_us;
  w->seq = ev->seq;
  g_ptr_array_add (log->writes, w);
  for (guint i = 0; i < ev->n_superseded; i++)
    g_hash_table_add (log->superseded, dot_id (ev->key, ev->superseded[i]));
}

MmrWriteLog *
mmr_write_log_new (MmrWorld *world)
{
  MmrWriteLog *log = g_new0 (MmrWriteLog, 1);

  log->world = world;
  log->writes = g_ptr_array_new_with_free_func ((GDestroyNotify) write_free);
  log->superseded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           NULL);
  log->observer = mmr_world_add_observer (world, on_event, log);
  return log;
}

void
mmr_write_log_free (MmrWriteLog *log)
{
  if (log == NULL)
    return;
  mmr_world_remove_observer (log->world, log->observer);
  g_ptr_array_unref (log->writes);
  g_hash_table_unref (log->superseded);
  g_free (log);
}

guint64
mmr_write_log_n_writes (const MmrWriteLog *log)
{
  return log->writes->len;
}

typedef struct {
  GHashTable *visible;
} VisibleCtx;

static void
add_visible (gpointer key, gpointer value, gpointer user_data)
{
  const MmrRegister *reg = value;
  VisibleCtx *ctx = user_data;

  for (guint i = 0; i < reg->n_siblings; i++)
    g_hash_table_add (ctx->visible, dot_id (key, reg->siblings[i].dot));
}

/* DOC: lost-writes */
GPtrArray *
mmr_write_log_dup_lost (const MmrWriteLog *log)
{
  GPtrArray *lost = g_ptr_array_new_with_free_func (
      (GDestroyNotify) mmr_lost_write_free);
  VisibleCtx ctx;
  MmrGranularity granularity = mmr_world_get_config (log->world)->granularity;

  ctx.visible = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint r = 0; r < mmr_world_n_replicas (log->world); r++)
    mmr_store_foreach (mmr_world_get_store (log->world, r), add_visible, &ctx);
  for (guint i = 0; i < log->writes->len; i++)
    {
      const Write *w = log->writes->pdata[i];
      g_autofree char *id = dot_id (w->key, w->dot);
      MmrLostWrite *lw;

      if (g_hash_table_contains (ctx.visible, id)
          || g_hash_table_contains (log->superseded, id))
        continue;
      lw = g_new0 (MmrLostWrite, 1);
      lw->replica = w->replica;
      lw->key = g_strdup (w->key);
      lw->value = w->value != NULL
                  ? mmr_view_format_value (granularity, w->value) : NULL;
      lw->dot = w->dot;
      lw->time_us = w->time_us;
      lw->seq = w->seq;
      g_ptr_array_add (lost, lw);
    }
  g_hash_table_unref (ctx.visible);
  return lost;
}

/* ---- copies, for mmr explore ---- */

MmrWriteLog *
mmr_write_log_copy (const MmrWriteLog *log, MmrWorld *world)
{
  MmrWriteLog *copy = g_new0 (MmrWriteLog, 1);
  GHashTableIter it;
  gpointer id;

  copy->world = world;
  copy->writes = g_ptr_array_new_full (log->writes->len,
                                       (GDestroyNotify) write_free);
  for (guint i = 0; i < log->writes->len; i++)
    {
      const Write *w = log->writes->pdata[i];
      Write *c = g_new (Write, 1);

      *c = *w;
      c->key = g_strdup (w->key);
      c->value = g_strdup (w->value);
      g_ptr_array_add (copy->writes, c);
    }
  copy->superseded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            NULL);
  g_hash_table_iter_init (&it, log->superseded);
  while (g_hash_table_iter_next (&it, &id, NULL))
    g_hash_table_add (copy->superseded, g_strdup (id));
  copy->observer = mmr_world_add_observer (world, on_event, copy);
  return copy;
}

guint64
mmr_write_log_hash (const MmrWriteLog *log)
{
  guint64 sum = log->writes->len;
  GHashTableIter it;
  gpointer id;

  g_hash_table_iter_init (&it, log->superseded);
  while (g_hash_table_iter_next (&it, &id, NULL))
    {
      guint64 h = 0xcbf29ce484222325ull;

      for (const guint8 *p = id; *p != '\0'; p++)
        h = (h ^ *p) * 0x100000001b3ull;
      sum += h ^ (h >> 29);
    }
  return sum;
}
