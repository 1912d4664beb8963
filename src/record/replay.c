/* replay.c - a recorded run, read back (see replay.h)
 *
 * Concept: the state at an instant is a fold of changes over time, and a
 * snapshot is that fold computed in advance. Rebuilding instant T reads
 * the last snapshot at or before T (found by bisection, then its rows)
 * and the changes after it up to T (the change blocks that hold them,
 * known from the block list read at open). Each register's latest
 * entries blob wins; only the winners are decoded.
 *
 * Interface: mmr_replay_open / _free, the run's settings, dup_state,
 * foreach_event. Exports are in replay-export.c.
 *
 * Invariants: the file is opened read-only; a malformed row is a CORRUPT
 * error naming the file, never a crash; events come out in seq order,
 * each with the versions, kept and superseded dots it was recorded with.
 */
#include "record/replay.h"

#include <string.h>

#include "record/replay-private.h"
#include "record/run-db.h"

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
  GError *local = NULL;
  char *value = mmr_storage_dup_meta (rp->db, rp->path, key,
                                      "reading settings", &local);

  if (local != NULL)
    g_propagate_error (error, local);
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

/* The list of blocks: each starts where the one before ended, holds 1 to
 * MMR_RUN_DB_BLOCK_ROWS rows, and time never decreases along it. */
static gboolean
load_blocks (MmrReplay *rp, const char *sql, GArray *into, GError **error)
{
  sqlite3_stmt *st = mmr_storage_prepare (rp->db, rp->path, sql, error);
  gboolean ok = TRUE;
  int rc;

  if (st == NULL)
    return FALSE;
  while (ok && (rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      ReplayBlock b = { sqlite3_column_int64 (st, 0),
                        sqlite3_column_int64 (st, 1),
                        sqlite3_column_int64 (st, 2),
                        sqlite3_column_int64 (st, 3) };
      const ReplayBlock *prev = into->len > 0
          ? &g_array_index (into, ReplayBlock, into->len - 1) : NULL;

      ok = b.n >= 1 && b.n <= MMR_RUN_DB_BLOCK_ROWS
           && b.first_time_us <= b.last_time_us
           && (prev == NULL || (b.first == prev->first + prev->n
                                && b.first_time_us >= prev->last_time_us));
      g_array_append_val (into, b);
    }
  sqlite3_finalize (st);
  if (!ok)
    return corrupt (rp, error, "the blocks of the recording do not follow"
                    " each other");
  if (rc != SQLITE_DONE)
    return mmr_storage_set_error (error, rp->db, rc, rp->path,
                                  "reading the recording");
  return TRUE;
}

static gboolean
load_settings (MmrReplay *rp, GError **error)
{
  g_autofree char *complete = dup_meta (rp, "complete", error);
  g_autofree char *seed = NULL, *end = NULL, *n = NULL;
  g_autofree char *kinds = NULL, *rules = NULL;

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
      || (n = dup_meta (rp, "n_events", error)) == NULL
      || (kinds = dup_meta (rp, "kinds", error)) == NULL
      || (rules = dup_meta (rp, "rules", error)) == NULL)
    return FALSE;
  rp->seed = g_ascii_strtoull (seed, NULL, 10);
  rp->end_us = g_ascii_strtoll (end, NULL, 10);
  rp->n_events = g_ascii_strtoull (n, NULL, 10);
  if (!load_replicas (rp, error))
    return FALSE;
  mmr_run_db_codes_init (&rp->codes, kinds, rules, rp->n);
  return load_blocks (rp, "SELECT first_seq, n, first_time_us, last_time_us"
                      " FROM event_blocks ORDER BY first_seq",
                      rp->event_blocks, error)
         && load_blocks (rp, "SELECT first_id, n, first_time_us,"
                         " last_time_us FROM change_blocks ORDER BY first_id",
                         rp->change_blocks, error);
}

MmrReplay *
mmr_replay_open (const char *path, GError **error)
{
  MmrReplay *rp;

  g_return_val_if_fail (path != NULL, NULL);
  rp = g_new0 (MmrReplay, 1);
  rp->path = g_strdup (path);
  rp->event_blocks = g_array_new (FALSE, FALSE, sizeof (ReplayBlock));
  rp->change_blocks = g_array_new (FALSE, FALSE, sizeof (ReplayBlock));
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
  g_array_unref (replay->event_blocks);
  g_array_unref (replay->change_blocks);
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

/* Runs @st (bound by the caller) for one integer; *@found FALSE when
 * there is no row. Resets @st. */
static gboolean
step_int (MmrReplay *rp, sqlite3_stmt *st, gint64 *out, gboolean *found,
          GError **error)
{
  int rc = sqlite3_step (st);

  *found = rc == SQLITE_ROW && sqlite3_column_type (st, 0) != SQLITE_NULL;
  if (*found)
    *out = sqlite3_column_int64 (st, 0);
  sqlite3_reset (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return mmr_storage_set_error (error, rp->db, rc, rp->path,
                                  "reading the recording");
  return TRUE;
}

/* DOC: replay-bisect */
/* The largest key of @table whose time_us is at or before @t (*@found
 * FALSE if none). Keys are integer primary keys and time never decreases
 * as they grow, so bisection needs O(log n) point lookups and no index. */
static gboolean
last_at_or_before (MmrReplay *rp, const char *table, const char *key,
                   gint64 t, gint64 *out, gboolean *found, GError **error)
{
  /* Two subqueries: SQLite answers a lone min() or max() of a primary
   * key from the b-tree's ends, but scans the table for both at once. */
  g_autofree char *range_sql = g_strdup_printf (
      "SELECT (SELECT min(%s) FROM %s), (SELECT max(%s) FROM %s)", key, table,
      key, table);
  g_autofree char *time_sql = g_strdup_printf (
      "SELECT time_us FROM %s WHERE %s = ?1", table, key);
  sqlite3_stmt *range = mmr_storage_prepare (rp->db, rp->path, range_sql,
                                             error);
  sqlite3_stmt *at = range != NULL
                     ? mmr_storage_prepare (rp->db, rp->path, time_sql, error)
                     : NULL;
  gint64 lo = 0, hi = -1, time = 0;
  gboolean ok = at != NULL, has;

  *found = FALSE;
  if (ok && sqlite3_step (range) == SQLITE_ROW
      && sqlite3_column_type (range, 0) != SQLITE_NULL)
    {
      lo = sqlite3_column_int64 (range, 0);
      hi = sqlite3_column_int64 (range, 1);
    }
  /* Invariant: every key below lo is at or before t, every key above hi
   * is after it. */
  while (ok && lo <= hi)
    {
      gint64 mid = lo + (hi - lo) / 2;

      sqlite3_bind_int64 (at, 1, mid);
      ok = step_int (rp, at, &time, &has, error);
      if (ok && !has)
        ok = corrupt (rp, error, "the recording has a gap in its keys");
      else if (ok && time <= t)
        {
          *out = mid;
          *found = TRUE;
          lo = mid + 1;
        }
      else
        hi = mid - 1;
    }
  sqlite3_finalize (range);
  sqlite3_finalize (at);
  return ok;
}

static gboolean
query_snapshot (MmrReplay *rp, gint64 id, gint64 *last_change,
                GError **error)
{
  sqlite3_stmt *st = mmr_storage_prepare (
      rp->db, rp->path, "SELECT last_change FROM snapshots WHERE id = ?1",
      error);
  gboolean found = FALSE, ok = st != NULL;

  if (ok)
    {
      sqlite3_bind_int64 (st, 1, id);
      ok = step_int (rp, st, last_change, &found, error);
    }
  sqlite3_finalize (st);
  if (ok && !found)
    ok = corrupt (rp, error, "a snapshot is missing");
  return ok;
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

/* The data of the block of @table whose first key is @first. */
static GBytes *
read_block (MmrReplay *rp, const char *sql, gint64 first, GError **error)
{
  sqlite3_stmt *st = mmr_storage_prepare (rp->db, rp->path, sql, error);
  GBytes *data = NULL;
  int rc;

  if (st == NULL)
    return NULL;
  sqlite3_bind_int64 (st, 1, first);
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW)
    data = g_bytes_new (sqlite3_column_blob (st, 0),
                        (gsize) sqlite3_column_bytes (st, 0));
  sqlite3_finalize (st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    mmr_storage_set_error (error, rp->db, rc, rp->path,
                           "reading the recording");
  else if (data == NULL)
    corrupt (rp, error, "a block is missing");
  return data;
}

/* Walks the changes of one block; those with an id above @after and a
 * time at or before @t go into @latest. *@done when a change after @t
 * was met. */
static gboolean
collect_block (MmrReplay *rp, const ReplayBlock *b, gint64 after, gint64 t,
               GHashTable **latest, gboolean *done, GError **error)
{
  g_autoptr (GBytes) data = read_block (
      rp, "SELECT data FROM change_blocks WHERE first_id = ?1", b->first,
      error);
  const guint8 *start, *p, *end;
  gint64 time = 0;
  gsize len;

  if (data == NULL)
    return FALSE;
  start = p = g_bytes_get_data (data, &len);
  end = len > 0 ? start + len : start;
  for (gint64 i = 0; i < b->n; i++)
    {
      MmrRunDbChange c;

      if (len == 0 || !mmr_run_db_get_change (&p, end, rp->n, &c))
        return corrupt (rp, error, "a change cannot be read back");
      time += c.dtime;
      if (time > t)
        {
          *done = TRUE;
          return TRUE;
        }
      if (b->first + i > after)
        g_hash_table_insert (latest[c.replica], g_strdup (c.register_name),
                             g_bytes_new_from_bytes (
                                 data, (gsize) (c.entries - start),
                                 c.entries_len));
    }
  return p == end || corrupt (rp, error, "a change block has extra bytes");
}

/* The changes with an id above @after, up to the last at or before @t. */
static gboolean
collect_changes (MmrReplay *rp, gint64 after, gint64 t, GHashTable **latest,
                 GError **error)
{
  gboolean done = FALSE;

  for (guint i = 0; !done && i < rp->change_blocks->len; i++)
    {
      const ReplayBlock *b = &g_array_index (rp->change_blocks, ReplayBlock,
                                             i);

      if (b->first + b->n - 1 <= after)
        continue;
      if (b->first_time_us > t)
        break;
      if (!collect_block (rp, b, after, t, latest, &done, error))
        return FALSE;
    }
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
  gint64 snapshot = 0, from = 0;
  gboolean found, ok;

  for (guint r = 0; r < replay->n; r++)
    latest[r] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_bytes_unref);
  ok = last_at_or_before (replay, "snapshots", "id", time_us, &snapshot,
                          &found, error)
       && (!found || query_snapshot (replay, snapshot, &from, error))
       && (!found
           || collect_rows (replay, "SELECT replica, register, entries"
                            " FROM snapshot_registers WHERE snapshot = ?1"
                            " AND ?2 = ?2", snapshot, 0, latest, error))
       && collect_changes (replay, from, time_us, latest, error);
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

/* Calls @func for the events of one block with @from_us <= time <=
 * @to_us; *@done when one after @to_us was met. */
static gboolean
each_in_block (MmrReplay *rp, const ReplayBlock *b, gint64 from_us,
               gint64 to_us, MmrObserverFunc func, gpointer user_data,
               MmrRunDbEventArrays *arrays, gboolean *done, GError **error)
{
  g_autoptr (GBytes) data = read_block (
      rp, "SELECT data FROM event_blocks WHERE first_seq = ?1", b->first,
      error);
  const guint8 *p, *end;
  MmrRunDbCursor cur = { 0 };
  gsize len;

  if (data == NULL)
    return FALSE;
  p = g_bytes_get_data (data, &len);
  end = len > 0 ? p + len : p;
  for (gint64 i = 0; i < b->n; i++)
    {
      MmrEvent ev;

      if (len == 0 || !mmr_run_db_get_event (&p, end, &cur, &rp->codes, &ev,
                                             arrays))
        {
          g_autofree char *what = g_strdup_printf (
              "event %" G_GINT64_FORMAT " cannot be read back", b->first + i);
          return corrupt (rp, error, what);
        }
      ev.seq = (guint64) (b->first + i);
      if (ev.time_us > to_us)
        {
          *done = TRUE;
          return TRUE;
        }
      if (ev.time_us >= from_us)
        func (&ev, user_data);
    }
  return p == end || corrupt (rp, error, "an event block has extra bytes");
}

/* DOC: replay-events */
gboolean
mmr_replay_foreach_event (MmrReplay *replay, gint64 from_us, gint64 to_us,
                          MmrObserverFunc func, gpointer user_data,
                          GError **error)
{
  MmrRunDbEventArrays arrays;
  gboolean ok = TRUE, done = FALSE;

  mmr_run_db_event_arrays_init (&arrays);
  for (guint i = 0; ok && !done && i < replay->event_blocks->len; i++)
    {
      const ReplayBlock *b = &g_array_index (replay->event_blocks,
                                             ReplayBlock, i);

      if (b->last_time_us < from_us)
        continue;
      if (b->first_time_us > to_us)
        break;
      ok = each_in_block (replay, b, from_us, to_us, func, user_data,
                          &arrays, &done, error);
    }
  mmr_run_db_event_arrays_clear (&arrays);
  return ok;
}
