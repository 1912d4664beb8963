/* convergence-watch.c - since when have the replicas agreed? (see
 * convergence-watch.h)
 *
 * State: register name -> what each replica shows of it, one string per
 * replica ("user.email=a@x\nuser.name=Ann\n", "" when nothing is
 * visible), built from the same views the convergence checker compares;
 * and the number of registers whose strings differ between replicas.
 *
 * A change of one register at one replica re-reads that register there
 * and compares it with the other replicas' strings: O(replicas) per
 * change, so a run pays nothing in proportion to its number of keys.
 * When the count of differing registers reaches 0 the replicas agree from
 * that instant; when it leaves 0 they no longer do.
 *
 * Some things change what replicas show without a register change: a
 * crash (the memory is gone), a restart (the database is back) and a
 * setting change (a strategy switch changes how siblings read). Those
 * events rebuild the whole state, which costs one read of every register
 * and happens a handful of times per run.
 *
 * Taught in docs/architecture.md (step 10, "Check").
 */
#include "sim/convergence-watch.h"

#include <string.h>

#include "sim/view.h"

struct _MmrConvergenceWatch {
  MmrWorld *world;
  guint observer;
  guint change_observer;
  guint n;
  GHashTable *shown;        /* register name -> char*[n + 1] (strv) */
  guint n_differing;
  gint64 since_us;          /* -1 while n_differing > 0 */
};

/* What @replica shows of register @name: its entries, one per line. */
static char *
register_shown (MmrWorld *world, guint replica, const char *name)
{
  g_autoptr (GPtrArray) entries = mmr_view_dup_register (world, replica, name,
                                                         FALSE);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      const MmrViewEntry *e = entries->pdata[i];
      g_autofree char *v = mmr_view_entry_format (e);

      g_string_append_printf (s, "%s=%s\n", e->name, v);
    }
  return g_string_free (s, FALSE);
}

static gboolean
row_differs (char *const *row, guint n)
{
  for (guint r = 1; r < n; r++)
    if (strcmp (row[r], row[0]) != 0)
      return TRUE;
  return FALSE;
}

static void
note_count (MmrConvergenceWatch *w)
{
  if (w->n_differing > 0)
    w->since_us = -1;
  else if (w->since_us < 0)
    w->since_us = mmr_world_now (w->world);
}

static char **
row_new (MmrConvergenceWatch *w, const char *name)
{
  char **row = g_new0 (char *, w->n + 1);

  for (guint r = 0; r < w->n; r++)
    row[r] = register_shown (w->world, r, name);
  return row;
}

static void
add_names (GHashTable *names, GPtrArray *list)
{
  for (guint i = 0; i < list->len; i++)
    g_hash_table_add (names, g_strdup (list->pdata[i]));
}

static void
rebuild (MmrConvergenceWatch *w)
{
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash,
                                                        g_str_equal, g_free,
                                                        NULL);
  GHashTableIter it;
  gpointer name;

  for (guint r = 0; r < w->n; r++)
    {
      g_autoptr (GPtrArray) regs = mmr_store_dup_names (
          mmr_world_get_store (w->world, r));
      g_autoptr (GPtrArray) crdts = mmr_world_dup_crdt_keys (w->world, r);

      add_names (names, regs);
      add_names (names, crdts);
    }
  g_hash_table_remove_all (w->shown);
  w->n_differing = 0;
  g_hash_table_iter_init (&it, names);
  while (g_hash_table_iter_next (&it, &name, NULL))
    {
      char **row = row_new (w, name);

      w->n_differing += row_differs (row, w->n);
      g_hash_table_insert (w->shown, g_strdup (name), row);
    }
  note_count (w);
}

static void
on_change (MmrWorld *world, guint replica, const char *name,
           gpointer user_data)
{
  MmrConvergenceWatch *w = user_data;
  char **row = g_hash_table_lookup (w->shown, name);

  (void) world;
  if (row == NULL)
    {
      row = row_new (w, name);
      g_hash_table_insert (w->shown, g_strdup (name), row);
      w->n_differing += row_differs (row, w->n);
    }
  else
    {
      gboolean was = row_differs (row, w->n);

      g_free (row[replica]);
      row[replica] = register_shown (w->world, replica, name);
      w->n_differing -= was;
      w->n_differing += row_differs (row, w->n);
    }
  note_count (w);
}

static void
on_event (const MmrEvent *ev, gpointer user_data)
{
  if (ev->kind == MMR_EV_CRASH || ev->kind == MMR_EV_RESTART
      || ev->kind == MMR_EV_CONFIG)
    rebuild (user_data);
}

MmrConvergenceWatch *
mmr_convergence_watch_new (MmrWorld *world)
{
  MmrConvergenceWatch *w = g_new0 (MmrConvergenceWatch, 1);

  w->world = world;
  w->n = mmr_world_n_replicas (world);
  w->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) g_strfreev);
  w->since_us = -1;
  rebuild (w);
  w->observer = mmr_world_add_observer (world, on_event, w);
  w->change_observer = mmr_world_add_change_observer (world, on_change, w);
  return w;
}

void
mmr_convergence_watch_free (MmrConvergenceWatch *w)
{
  if (w == NULL)
    return;
  mmr_world_remove_observer (w->world, w->observer);
  mmr_world_remove_change_observer (w->world, w->change_observer);
  g_hash_table_unref (w->shown);
  g_free (w);
}

gint64
mmr_convergence_watch_since_us (const MmrConvergenceWatch *w)
{
  return w->since_us;
}
