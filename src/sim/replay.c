/* replay.c - a recorded run, read back (see replay.h)
 *
 * Concept: the state at an instant is a fold of changes over time, and a
 * snapshot is that fold computed in advance. Rebuilding instant T reads
 * the last snapshot at or before T (one indexed lookup, then its rows)
 * and the changes after it up to T (an id range, found through the
 * (time_us, id) index). Each register's latest entries blob wins; only
 * the winners are decoded.
 *
 * Interface: mmr_replay_open / _free, the run's settings, dup_state,
 * foreach_event. Exports are in replay-export.c.
 *
 * Invariants: the file is opened read-only; a malformed row is a CORRUPT
 * error naming the file, never a crash; events come out in seq order,
 * each with the versions, kept and superseded dots it was recorded with.
 */
#include "sim/replay.h"

#include <string.h>

#include "sim/replay-private.h"
#include "sim/run-db.h"

static gboolean
corrupt (MmrReplay *rp, GError **error, const char *what)
{
  g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_CORRUPT,
               "%s: damaged: %s", rp->path, what);
  return FALSE;
}

static char *
dup_meta (MmrReplay *rp, const char *key, GError **error)
{
  sqlite3_stmt *st = mmr_storage_prepare (
      rp->db, rp->path, "SELECT value FROM meta WHERE key = ?1", error);
  char *value = NULL;
  int rc;

  if (st == NULL)
    return NULL;
  sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (st, 0));
  sqlite3_finalize (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    mmr_storage_set_error (error, rp->db, rc, rp->path, "reading settings");
  else if (value == NULL)
    {
      g_autofree char *what = g_strdup_printf ("setting '%s' is missing",
                                               key);
      corrupt (rp, error, what);
    }
  return value;
}

static gboolean
load_replicas (MmrReplay *rp, GError **error)
{
  sqlite3_stmt *st = mmr_storage_prepare (
      rp->db, rp->path, "SELECT idx, name FROM replicas ORDER BY idx", error);
  int rc;

  if (st == NULL)
    return FALSE;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW && rp->n < MMR_MAX_REPLICAS)
    {
      const char *name = (const char *) sqlite3_column_text (st, 1);

      if (sqlite3_column_int64 (st, 0) != rp->n || name == NULL)
        break;
      rp->names[rp->n++] = g_strdup (name);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE || rp->n == 0)
    return rc == SQLITE_ROW || rc == SQLITE_DONE
           ? corrupt (rp, error, "the replicas table is not 0, 1, 2, ...")
           : mmr_storage_set_error (error, rp->db, rc, rp->path,
                                    "reading replicas");
  return TRUE;
}

static gboolean
load_settings (MmrReplay *rp, GError **error)
{
  g_autofree char *complete = dup_meta (rp, "complete", error);
  g_autofree char *seed = NULL, *end = NULL, *n = NULL;

  if (complete == NULL)
    return FALSE;
  if (strcmp (complete, "1") != 0)
    {
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_INCOMPLETE,
                   "%s: incomplete: the recording never finished", rp->path);
      return FALSE;
    }
  if ((rp->scenario = dup_meta (rp, "scenario", error)) == NULL
      || (rp->source = dup_meta (rp, "source", error)) == NULL
      || (seed = dup_meta (rp, "seed", error)) == NULL
      || (end = dup_meta (rp, "end_us", error)) == NULL
      || (n = dup_meta (rp, "n_events", error)) == NULL)
    return FALSE;
  rp->seed = g_ascii_strtoull (seed, NULL, 10);
  rp->end_us = g_ascii_strtoll (end, NULL, 10);
  rp->n_events = g_ascii_strtoull (n, NULL, 10);
  return load_replicas (rp, error);
}

MmrReplay *
mmr_replay_open (const char *path, GError **error)
{
  MmrReplay *rp;

  g_return_val_if_fail (path != NULL, NULL);
  rp = g_new0 (MmrReplay, 1);
  rp->path = g_strdup (path);
  rp->db = mmr_storage_open (path, &mmr_run_db_format,
                             MMR_STORAGE_OPEN_READ_ONLY, NULL, error);
  if (rp->db == NULL || !load_settings (rp, error))
    {
      mmr_replay_free (rp);
      return NULL;
    }
  return rp;
}

void
mmr_replay_free (MmrReplay *replay)
{
  if (replay == NULL)
    return;
  sqlite3_close (replay->db);
  for (guint i = 0; i < replay->n; i++)
    g_free (replay->names[i]);
  g_free (replay->scenario);
  g_free (replay->source);
  g_free (replay->path);
  g_free (replay);
}

guint
mmr_replay_n_replicas (const MmrReplay *replay)
{
  return replay->n;
}

const char *const *
mmr_replay_replica_names (const MmrReplay *replay)
{
  return (const char *const *) replay->names;
}

const char *
mmr_replay_get_scenario (const MmrReplay *replay)
{
  return replay->scenario;
}

const char *
mmr_replay_get_source (const MmrReplay *replay)
{
  return replay->source;
}

guint64
mmr_replay_get_seed (const MmrReplay *replay)
{
  return replay->seed;
}

gint64
mmr_replay_get_end_us (const MmrReplay *replay)
{
  return replay->end_us;
}

guint64
mmr_replay_n_events (const MmrReplay *replay)
{
  return replay->n_events;
}

/* ---- the state at an instant ---------------------------------------- */

/* Runs a one-row, two-integer query; FALSE with *found FALSE when there
 * is no row. */
static gboolean
query_pair (MmrReplay *rp, const char *sql, gint64 arg, gint64 *a, gint64 *b,
            gboolean *found, GError **error)
{
  sqlite3_stmt *st = mmr_storage_prepare (rp->db, rp->path, sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, arg);
  rc = sqlite3_step (st);
  *found = rc == SQLITE_ROW;
  if (*found)
    {
      *a = sqlite3_column_int64 (st, 0);
      *b = sqlite3_column_int64 (st, 1);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return mmr_storage_set_error (error, rp->db, rc, rp->path,
                                  "reading the recording");
  return TRUE;
}

/* Reads (replica, register, entries) rows into @latest[replica]:
 * register name -> GBytes, later rows replacing earlier ones. */
static gboolean
collect_rows (MmrReplay *rp, const char *sql, gint64 a, gint64 b,
              GHashTable **latest, GError **error)
{
  sqlite3_stmt *st = mmr_storage_prepare (rp->db, rp->path, sql, error);
  int rc;

  if (st == NULL)
    return FALSE;
  sqlite3_bind_int64 (st, 1, a);
  sqlite3_bind_int64 (st, 2, b);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      gint64 r = sqlite3_column_int64 (st, 0);
      const char *name = (const char *) sqlite3_column_text (st, 1);
      const void *blob = sqlite3_column_blob (st, 2);
      gsize len = (gsize) sqlite3_column_bytes (st, 2);

      if (r < 0 || r >= rp->n || name == NULL)
        {
          sqlite3_finalize (st);
          return corrupt (rp, error, "a change names no known replica");
        }
      g_hash_table_insert (latest[r], g_strdup (name),
                           g_bytes_new (blob, len));
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return mmr_storage_set_error (error, rp->db, rc, rp->path,
                                  "reading the recording");
  return TRUE;
}

static int
entry_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(const MmrViewEntry *const *) a)->name,
                 (*(const MmrViewEntry *const *) b)->name);
}

/* Decodes one replica's winning blobs into a sorted view. */
static GPtrArray *
decode_view (MmrReplay *rp, GHashTable *latest, gboolean with_absent,
             GError **error)
{
  g_autoptr (GPtrArray) view = g_ptr_array_new_with_free_func (
      (GDestroyNotify) mmr_view_entry_free);
  GHashTableIter it;
  gpointer name, bytes;

  g_hash_table_iter_init (&it, latest);
  while (g_hash_table_iter_next (&it, &name, &bytes))
    {
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (bytes, &len);

      if (!mmr_run_db_decode_entries (data, len, name, view))
        {
          g_autofree char *what = g_strdup_printf (
              "the entries of register '%s' cannot be read back",
              (const char *) name);
          corrupt (rp, error, what);
          return NULL;
        }
    }
  for (guint i = 0; !with_absent && i < view->len;)
    if (((MmrViewEntry *) view->pdata[i])->is_absent)
      g_ptr_array_remove_index (view, i);
    else
      i++;
  g_ptr_array_sort (view, entry_cmp);
  return g_steal_pointer (&view);
}

/* DOC: replay-state */
GPtrArray *
mmr_replay_dup_state (MmrReplay *replay, gint64 time_us,
                      gboolean with_absent, GError **error)
{
  GHashTable *latest[MMR_MAX_REPLICAS] = { NULL };
  g_autoptr (GPtrArray) state = g_ptr_array_new_with_free_func (
      (GDestroyNotify) g_ptr_array_unref);
  gint64 snapshot = 0, from = 0, to = 0, unused;
  gboolean found, ok;

  for (guint r = 0; r < replay->n; r++)
    latest[r] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_bytes_unref);
  ok = query_pair (replay, "SELECT id, last_change FROM snapshots"
                   " WHERE time_us <= ?1 ORDER BY time_us DESC, id DESC"
                   " LIMIT 1", time_us, &snapshot, &from, &found, error)
       && (!found
           || collect_rows (replay, "SELECT replica, register, entries"
                            " FROM snapshot_registers WHERE snapshot = ?1"
                            " AND ?2 = ?2", snapshot, 0, latest, error))
       && query_pair (replay, "SELECT id, 0 FROM changes WHERE time_us <= ?1"
                      " ORDER BY time_us DESC, id DESC LIMIT 1", time_us,
                      &to, &unused, &found, error)
       && (!found || to <= from
           || collect_rows (replay, "SELECT replica, register, entries"
                            " FROM changes WHERE id > ?1 AND id <= ?2"
                            " ORDER BY id", from, to, latest, error));
  for (guint r = 0; ok && r < replay->n; r++)
    {
      GPtrArray *view = decode_view (replay, latest[r], with_absent, error);

      ok = view != NULL;
      if (ok)
        g_ptr_array_add (state, view);
    }
  for (guint r = 0; r < replay->n; r++)
    g_hash_table_unref (latest[r]);
  return ok ? g_steal_pointer (&state) : NULL;
}

/* ---- events ----------------------------------------------------------- */

/* The versions, kept and superseded dots of the events being read,
 * merged in from a second cursor over event_versions (same seq order). */
typedef struct {
  sqlite3_stmt *st;
  gboolean has_row;
  GArray *met;            /* MmrEventVersion, values borrowed from st */
  GArray *kept;           /* MmrDot */
  GArray *superseded;     /* MmrDot */
  GPtrArray *values;      /* owned copies of the met values */
} VersionCursor;

static void
cursor_collect (VersionCursor *c, guint64 seq)
{
  g_array_set_size (c->met, 0);
  g_array_set_size (c->kept, 0);
  g_array_set_size (c->superseded, 0);
  g_ptr_array_set_size (c->values, 0);
  while (c->has_row && (guint64) sqlite3_column_int64 (c->st, 0) <= seq)
    {
      const char *role = (const char *) sqlite3_column_text (c->st, 1);
      MmrDot dot = { (guint8) sqlite3_column_int (c->st, 3),
                     (guint32) sqlite3_column_int64 (c->st, 4) };

      if ((guint64) sqlite3_column_int64 (c->st, 0) == seq && role != NULL)
        {
          if (strcmp (role, "met") == 0)
            {
              char *value = g_strdup ((const char *) sqlite3_column_text (
                  c->st, 9));
              MmrEventVersion v = { dot, value,
                                    sqlite3_column_int64 (c->st, 5),
                                    (guint32) sqlite3_column_int64 (c->st, 6),
                                    { sqlite3_column_int64 (c->st, 7),
                                      (guint32) sqlite3_column_int64 (c->st,
                                                                      8) } };

              g_ptr_array_add (c->values, value);
              g_array_append_val (c->met, v);
            }
          else if (strcmp (role, "kept") == 0)
            g_array_append_val (c->kept, dot);
          else if (strcmp (role, "superseded") == 0)
            g_array_append_val (c->superseded, dot);
        }
      c->has_row = sqlite3_step (c->st) == SQLITE_ROW;
    }
}

static gboolean
column_vv (sqlite3_stmt *st, int col, MmrVersionVector *out)
{
  return mmr_storage_vv_decode (sqlite3_column_blob (st, col),
                                (gsize) sqlite3_column_bytes (st, col), out);
}

static int
opt_int (sqlite3_stmt *st, int col)
{
  return sqlite3_column_type (st, col) == SQLITE_NULL
         ? -1 : sqlite3_column_int (st, col);
}

/* Fills @ev from the current row of the events cursor; FALSE if the row
 * cannot be an event of this run. */
static gboolean
event_from_row (MmrReplay *rp, sqlite3_stmt *st, MmrEvent *ev)
{
  memset (ev, 0, sizeof *ev);
  ev->seq = (guint64) sqlite3_column_int64 (st, 0);
  ev->time_us = sqlite3_column_int64 (st, 1);
  ev->replica = opt_int (st, 3);
  ev->peer = opt_int (st, 4);
  ev->key = (const char *) sqlite3_column_text (st, 5);
  ev->value = (const char *) sqlite3_column_text (st, 6);
  ev->dot.replica = (guint8) sqlite3_column_int (st, 7);
  ev->dot.counter = (guint32) sqlite3_column_int64 (st, 8);
  ev->hlc.l = sqlite3_column_int64 (st, 11);
  ev->hlc.c = (guint32) sqlite3_column_int64 (st, 12);
  ev->msg_id = (guint64) sqlite3_column_int64 (st, 13);
  ev->bytes = (guint32) sqlite3_column_int64 (st, 14);
  ev->exchange = (guint32) sqlite3_column_int64 (st, 15);
  ev->detail = (const char *) sqlite3_column_text (st, 16);
  if (!mmr_run_db_parse_kind ((const char *) sqlite3_column_text (st, 2),
                              &ev->kind)
      || ev->replica >= (int) rp->n || ev->peer >= (int) rp->n
      || ev->dot.replica >= rp->n || !column_vv (st, 9, &ev->vv)
      || !column_vv (st, 10, &ev->clock))
    return FALSE;
  if (ev->kind == MMR_EV_CONFLICT || ev->kind == MMR_EV_RESOLVE)
    return mmr_run_db_parse_rule ((const char *) sqlite3_column_text (st, 17),
                                  &ev->rule);
  return TRUE;
}

static void
attach_versions (MmrEvent *ev, VersionCursor *c)
{
  cursor_collect (c, ev->seq);
  ev->n_versions = c->met->len;
  ev->versions = (const MmrEventVersion *) c->met->data;
  ev->n_kept = c->kept->len;
  ev->kept = (const MmrDot *) c->kept->data;
  ev->n_superseded = c->superseded->len;
  ev->superseded = (const MmrDot *) c->superseded->data;
}

static void
cursor_clear (VersionCursor *c)
{
  sqlite3_finalize (c->st);
  g_array_unref (c->met);
  g_array_unref (c->kept);
  g_array_unref (c->superseded);
  g_ptr_array_unref (c->values);
}

/* DOC: replay-events */
gboolean
mmr_replay_foreach_event (MmrReplay *replay, gint64 from_us, gint64 to_us,
                          MmrObserverFunc func, gpointer user_data,
                          GError **error)
{
  VersionCursor c = { 0 };
  sqlite3_stmt *st = mmr_storage_prepare (
      replay->db, replay->path,
      "SELECT * FROM events WHERE time_us BETWEEN ?1 AND ?2 ORDER BY seq",
      error);
  gboolean ok = TRUE, started = FALSE;
  int rc = SQLITE_DONE;

  if (st == NULL)
    return FALSE;
  c.st = mmr_storage_prepare (replay->db, replay->path,
                              "SELECT * FROM event_versions WHERE seq >= ?1"
                              " ORDER BY seq, role, idx", error);
  c.met = g_array_new (FALSE, FALSE, sizeof (MmrEventVersion));
  c.kept = g_array_new (FALSE, FALSE, sizeof (MmrDot));
  c.superseded = g_array_new (FALSE, FALSE, sizeof (MmrDot));
  c.values = g_ptr_array_new_with_free_func (g_free);
  ok = c.st != NULL;
  sqlite3_bind_int64 (st, 1, from_us);
  sqlite3_bind_int64 (st, 2, to_us);
  while (ok && (rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      MmrEvent ev;

      if (!event_from_row (replay, st, &ev))
        {
          g_autofree char *what = g_strdup_printf (
              "event %" G_GINT64_FORMAT " cannot be read back",
              (gint64) sqlite3_column_int64 (st, 0));
          ok = corrupt (replay, error, what);
          break;
        }
      if (!started)
        {
          /* The second cursor starts at the window's first event. */
          sqlite3_bind_int64 (c.st, 1, (gint64) ev.seq);
          c.has_row = sqlite3_step (c.st) == SQLITE_ROW;
          started = TRUE;
        }
      attach_versions (&ev, &c);
      func (&ev, user_data);
    }
  if (ok && rc != SQLITE_DONE)
    ok = mmr_storage_set_error (error, replay->db, rc, replay->path,
                                "reading events");
  sqlite3_finalize (st);
  cursor_clear (&c);
  return ok;
}
