/* convergence-watch.c - do the replicas agree, and since when? (see
 * convergence-watch.h)
 *
 * The one convergence checker: the report's "converged N after the last
 * heal", the inspector's "diverging" count and mmr_check_convergence's
 * lines all come from the state kept here, so they cannot disagree.
 *
 * State: register name -> a row of what each replica shows of it, through
 * the views (sim/view.c: merge functions, record fields and CRDT keys
 * included): per replica the register's entries as (name, formatted
 * value), sorted by name; and how many of those entries read differently
 * somewhere. An entry missing at a replica reads "absent" there, as
 * mmr_view_entry_format says of a missing entry.
 *
 * A change of one register at one replica re-reads that register there
 * and recounts its row: O(replicas x entries of the register) per change,
 * so a run pays nothing in proportion to its number of keys. When the
 * count of differing entries reaches 0 the replicas agree from that
 * instant; when it leaves 0 they no longer do.
 *
 * Some things change what replicas show without a register change: a
 * crash (the memory is gone), a restart (the database is back) and a
 * setting change (a strategy switch changes how siblings read). Those
 * events rebuild the whole state, which costs one read of every register
 * and happens a handful of times per run. A snapshot is that rebuild
 * alone, with nothing followed afterwards (mmr_check_convergence).
 *
 * Taught in docs/architecture.md (step 10, "Check").
 */
#include "sim/convergence-watch.h"

#include <string.h>

#include "sim/view.h"

/* One entry of a register as one replica shows it. */
typedef struct {
  char *name;               /* "cart", "user.name" */
  char *shown;              /* mmr_view_entry_format */
} Shown;

/* One register at every replica. */
typedef struct {
  guint n_differing;        /* entries that read differently somewhere */
  GPtrArray *at[];          /* per replica: Shown*, sorted by name */
} Row;

struct _MmrConvergenceWatch {
  const MmrWorld *world;    /* read */
  MmrWorld *followed;       /* subscribed to; NULL for a snapshot */
  guint observer;
  guint change_observer;
  guint n;
  GHashTable *rows;         /* register name -> Row* */
  guint n_diverging;        /* sum of the rows' n_differing */
  gint64 since_us;          /* -1 while n_diverging > 0 */
};

static void
shown_free (Shown *s)
{
  g_free (s->name);
  g_free (s->shown);
  g_free (s);
}

/* What @replica shows of register @name: its entries, sorted by name. */
static GPtrArray *
shown_at (const MmrWorld *world, guint replica, const char *name)
{
  g_autoptr (GPtrArray) entries = mmr_view_dup_register (world, replica, name,
                                                         FALSE);
  GPtrArray *out = g_ptr_array_new_full (entries->len,
                                         (GDestroyNotify) shown_free);

  for (guint i = 0; i < entries->len; i++)
    {
      const MmrViewEntry *e = entries->pdata[i];
      Shown *s = g_new (Shown, 1);

      s->name = g_strdup (e->name);
      s->shown = mmr_view_entry_format (e);
      g_ptr_array_add (out, s);
    }
  return out;
}

/* How @list shows entry @name: "absent" when it has no such entry. */
static const char *
shown_as (const GPtrArray *list, const char *name)
{
  for (guint i = 0; i < list->len; i++)
    {
      const Shown *s = list->pdata[i];

      if (strcmp (s->name, name) == 0)
        return s->shown;
    }
  return "absent";
}

/* Is entry @name new at replica @r (no earlier replica lists it)? So each
 * entry of a row is counted once. */
static gboolean
first_listed_at (const Row *row, guint r, const char *name)
{
  for (guint q = 0; q < r; q++)
    for (guint i = 0; i < row->at[q]->len; i++)
      if (strcmp (((const Shown *) row->at[q]->pdata[i])->name, name) == 0)
        return FALSE;
  return TRUE;
}

static gboolean
entry_differs (const Row *row, guint n, const char *name)
{
  const char *first = shown_as (row->at[0], name);

  for (guint r = 1; r < n; r++)
    if (strcmp (shown_as (row->at[r], name), first) != 0)
      return TRUE;
  return FALSE;
}

/* Calls @fn for every entry of @row that reads differently somewhere. */
static guint
foreach_differing (const Row *row, guint n,
                   void (*fn) (const char *name, gpointer data), gpointer data)
{
  guint count = 0;

  for (guint r = 0; r < n; r++)
    for (guint i = 0; i < row->at[r]->len; i++)
      {
        const char *name = ((const Shown *) row->at[r]->pdata[i])->name;

        if (first_listed_at (row, r, name) && entry_differs (row, n, name))
          {
            count++;
            if (fn != NULL)
              fn (name, data);
          }
      }
  return count;
}

static void
note_count (MmrConvergenceWatch *w)
{
  if (w->n_diverging > 0)
    w->since_us = -1;
  else if (w->since_us < 0)
    w->since_us = mmr_world_now (w->world);
}

static Row *
row_new (MmrConvergenceWatch *w, const char *name)
{
  /* One slot more than replicas, left NULL: see row_free. */
  Row *row = g_malloc0 (sizeof (Row) + (w->n + 1) * sizeof (GPtrArray *));

  for (guint r = 0; r < w->n; r++)
    row->at[r] = shown_at (w->world, r, name);
  row->n_differing = foreach_differing (row, w->n, NULL, NULL);
  return row;
}

static void
row_free (gpointer data)
{
  Row *row = data;

  /* The row does not know its width: its arrays end at the NULL slot
   * row_new leaves past the last replica. */
  for (guint r = 0; row->at[r] != NULL; r++)
    g_ptr_array_unref (row->at[r]);
  g_free (row);
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
  g_hash_table_remove_all (w->rows);
  w->n_diverging = 0;
  g_hash_table_iter_init (&it, names);
  while (g_hash_table_iter_next (&it, &name, NULL))
    {
      Row *row = row_new (w, name);

      w->n_diverging += row->n_differing;
      g_hash_table_insert (w->rows, g_strdup (name), row);
    }
  note_count (w);
}

static void
on_change (MmrWorld *world, guint replica, const char *name,
           gpointer user_data)
{
  MmrConvergenceWatch *w = user_data;
  Row *row = g_hash_table_lookup (w->rows, name);

  (void) world;
  if (row == NULL)
    {
      row = row_new (w, name);
      g_hash_table_insert (w->rows, g_strdup (name), row);
    }
  else
    {
      w->n_diverging -= row->n_differing;
      g_ptr_array_unref (row->at[replica]);
      row->at[replica] = shown_at (w->world, replica, name);
      row->n_differing = foreach_differing (row, w->n, NULL, NULL);
    }
  w->n_diverging += row->n_differing;
  note_count (w);
}

static void
on_event (const MmrEvent *ev, gpointer user_data)
{
  if (ev->kind == MMR_EV_CRASH || ev->kind == MMR_EV_RESTART
      || ev->kind == MMR_EV_CONFIG)
    rebuild (user_data);
}

static MmrConvergenceWatch *
watch_new (const MmrWorld *world)
{
  MmrConvergenceWatch *w = g_new0 (MmrConvergenceWatch, 1);

  w->world = world;
  w->n = mmr_world_n_replicas (world);
  w->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, row_free);
  w->since_us = -1;
  rebuild (w);
  return w;
}

MmrConvergenceWatch *
mmr_convergence_watch_new (MmrWorld *world)
{
  MmrConvergenceWatch *w = watch_new (world);

  w->followed = world;
  w->observer = mmr_world_add_observer (world, on_event, w);
  w->change_observer = mmr_world_add_change_observer (world, on_change, w);
  return w;
}

MmrConvergenceWatch *
mmr_convergence_watch_new_snapshot (const MmrWorld *world)
{
  return watch_new (world);
}

void
mmr_convergence_watch_free (MmrConvergenceWatch *w)
{
  if (w == NULL)
    return;
  if (w->followed != NULL)
    {
      mmr_world_remove_observer (w->followed, w->observer);
      mmr_world_remove_change_observer (w->followed, w->change_observer);
    }
  g_hash_table_unref (w->rows);
  g_free (w);
}

gint64
mmr_convergence_watch_since_us (const MmrConvergenceWatch *w)
{
  return w->since_us;
}

guint
mmr_convergence_watch_n_diverging (const MmrConvergenceWatch *w)
{
  return w->n_diverging;
}

/* ---- the differences, in words ---- */

/* One differing entry: its name (borrowed from a row) and its line. */
typedef struct {
  const char *name;
  char *line;               /* "name: A=x B=y" */
} Diff;

typedef struct {
  const MmrConvergenceWatch *w;
  const Row *row;
  GArray *diffs;            /* Diff */
} Lines;

static void
add_line (const char *name, gpointer data)
{
  Lines *l = data;
  GString *line = g_string_new (name);
  Diff d = { .name = name };

  g_string_append_c (line, ':');
  for (guint r = 0; r < l->w->n; r++)
    g_string_append_printf (line, " %s=%s",
                            mmr_world_replica_name (l->w->world, r),
                            shown_as (l->row->at[r], name));
  d.line = g_string_free (line, FALSE);
  g_array_append_val (l->diffs, d);
}

/* By entry name, not by line: "a.b:" sorts after "a:" by name, before it
 * by bytes. */
static int
diff_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (((const Diff *) a)->name, ((const Diff *) b)->name);
}

/* DOC: convergence-diffs */
GPtrArray *
mmr_convergence_watch_dup_diffs (const MmrConvergenceWatch *w)
{
  g_autoptr (GArray) diffs = g_array_new (FALSE, FALSE, sizeof (Diff));
  Lines l = { .w = w, .diffs = diffs };
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter it;
  gpointer row;

  if (w->n_diverging == 0)
    return lines;
  g_hash_table_iter_init (&it, w->rows);
  while (g_hash_table_iter_next (&it, NULL, &row))
    if (((const Row *) row)->n_differing > 0)
      {
        l.row = row;
        foreach_differing (row, w->n, add_line, &l);
      }
  g_array_sort (diffs, diff_cmp);
  for (guint i = 0; i < diffs->len; i++)
    g_ptr_array_add (lines, g_array_index (diffs, Diff, i).line);
  return lines;
}
