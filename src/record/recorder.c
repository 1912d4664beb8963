/* recorder.c - writes a run into a run database (see recorder.h)
 *
 * Concept: a flight recorder keeps everything needed to answer "what did
 * each replica show at 1.5 s?" after the run, without re-running it.
 * Events say what happened; changes and snapshots say what it led to.
 *
 * Interface: mmr_recorder_new, _finish, _free, _n_events, _n_changes,
 * _n_snapshots.
 *
 * How it stays cheap (the target is at most ~3x the run's own time):
 *   - one prepared statement per table, bound with SQLITE_STATIC;
 *   - one transaction per COMMIT_ROWS rows, journal off and no fsync
 *     while recording: the file is a .part until finish, so a crash
 *     leaves nothing a reader would trust;
 *   - no index but the primary keys: time never decreases along seq and
 *     id, so replay finds instants by bisection (replay.c);
 *   - a snapshot is taken only after as many changes as it has
 *     registers, so snapshots never cost more than the changes did.
 *
 * Invariants: every event reaches the events table in seq order; every
 * change observed gets the next changes.id; a snapshot's last_change is
 * the last change already applied to the views it stores; the file is
 * renamed into place only after a successful COMMIT and close.
 */
#include "record/recorder.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "record/run-db.h"
#include "sim/view.h"
#include "store/part-file.h"

#define COMMIT_ROWS 65536

enum {
  INS_EVENT,
  INS_CHANGE,
  INS_SNAPSHOT,
  INS_SNAPSHOT_REGISTER,
  INS_META,
  N_STMTS
};

static const char *const stmt_sql[N_STMTS] = {
  ("INSERT INTO events VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
   " ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)"),
  "INSERT INTO changes VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
  "INSERT INTO snapshots VALUES (?1, ?2, ?3, ?4)",
  "INSERT INTO snapshot_registers VALUES (?1, ?2, ?3, ?4)",
  "INSERT OR REPLACE INTO meta VALUES (?1, ?2)",
};

struct _MmrRecorder {
  MmrWorld *world;
  char *path;
  char *part;
  sqlite3 *db;
  sqlite3_stmt *stmts[N_STMTS];
  guint observer;
  guint change_observer;
  GError *error;              /* the first failure; recording stopped */
  GByteArray *buf;
  GByteArray *versions;       /* the event's blobs, bound in place */
  GByteArray *kept;
  GByteArray *superseded;
  guint8 vv[MMR_STORAGE_VV_MAX];
  guint8 clock[MMR_STORAGE_VV_MAX];
  guint snapshot_changes;
  guint64 n_events;
  guint64 n_changes;
  guint64 n_snapshots;
  guint64 changes_since_snapshot;
  guint rows_in_transaction;
};

/* Runs a bound statement, resets it; records the first failure. Bindings
 * stay: every statement binds all its parameters each time (NULL
 * explicitly), which is cheaper than clearing them. */
static gboolean
run (MmrRecorder *rec, sqlite3_stmt *stmt, const char *doing)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rec->error == NULL)
    mmr_storage_set_error (&rec->error, rec->db, rc, rec->part, doing);
  return rc == SQLITE_DONE;
}

static gboolean
exec (MmrRecorder *rec, const char *sql)
{
  if (rec->error != NULL)
    return FALSE;
  return mmr_storage_exec (rec->db, rec->part, sql, &rec->error);
}

static void
count_row (MmrRecorder *rec)
{
  if (++rec->rows_in_transaction < COMMIT_ROWS)
    return;
  rec->rows_in_transaction = 0;
  exec (rec, "COMMIT; BEGIN");
}

static gboolean
set_meta (MmrRecorder *rec, const char *key, const char *value)
{
  sqlite3_stmt *st = rec->stmts[INS_META];

  sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (st, 2, value, -1, SQLITE_TRANSIENT);
  return run (rec, st, "writing the run's settings");
}

/* @buf must outlive the statement's next step. */
static void
bind_vv (sqlite3_stmt *st, int col, const MmrVersionVector *vv, guint8 *buf)
{
  gsize len = mmr_storage_vv_encode (vv, buf);

  sqlite3_bind_blob (st, col, buf, (int) len, SQLITE_STATIC);
}

static void
bind_opt_text (sqlite3_stmt *st, int col, const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (st, col, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (st, col);
}

static void
bind_dots (sqlite3_stmt *st, int col, GByteArray *buf, const MmrDot *dots,
           guint n)
{
  if (n == 0)
    {
      sqlite3_bind_null (st, col);
      return;
    }
  mmr_run_db_encode_dots (buf, dots, n);
  sqlite3_bind_blob (st, col, buf->data, (int) buf->len, SQLITE_STATIC);
}

static void
bind_opt_int (sqlite3_stmt *st, int col, gboolean is_set, gint64 v)
{
  if (is_set)
    sqlite3_bind_int64 (st, col, v);
  else
    sqlite3_bind_null (st, col);
}

/* DOC: recorder-event */
static void
on_event (const MmrEvent *ev, gpointer user_data)
{
  MmrRecorder *rec = user_data;
  sqlite3_stmt *st = rec->stmts[INS_EVENT];
  gboolean at_replica = ev->replica >= 0, is_conflict =
      ev->kind == MMR_EV_CONFLICT || ev->kind == MMR_EV_RESOLVE;

  if (rec->error != NULL)
    return;
  /* After the first event, let SQLite number the row: seq is contiguous,
   * and appending with a new rowid skips the uniqueness seek. */
  if (rec->n_events == 0)
    sqlite3_bind_int64 (st, 1, (gint64) ev->seq);
  else
    sqlite3_bind_null (st, 1);
  sqlite3_bind_int64 (st, 2, ev->time_us);
  sqlite3_bind_text (st, 3, mmr_event_kind_to_string (ev->kind), -1,
                     SQLITE_STATIC);
  bind_opt_int (st, 4, at_replica, ev->replica);
  bind_opt_int (st, 5, ev->peer >= 0, ev->peer);
  bind_opt_text (st, 6, ev->key);
  bind_opt_text (st, 7, ev->value);
  bind_opt_int (st, 8, ev->dot.counter != 0, ev->dot.replica);
  bind_opt_int (st, 9, ev->dot.counter != 0, ev->dot.counter);
  if (ev->key != NULL)
    bind_vv (st, 10, &ev->vv, rec->vv);
  else
    sqlite3_bind_null (st, 10);
  if (at_replica)
    bind_vv (st, 11, &ev->clock, rec->clock);
  else
    sqlite3_bind_null (st, 11);
  bind_opt_int (st, 12, at_replica, ev->hlc.l);
  bind_opt_int (st, 13, at_replica, ev->hlc.c);
  bind_opt_int (st, 14, ev->msg_id != 0, (gint64) ev->msg_id);
  bind_opt_int (st, 15, ev->msg_id != 0, ev->bytes);
  bind_opt_int (st, 16, ev->exchange != 0, ev->exchange);
  bind_opt_text (st, 17, ev->detail);
  bind_opt_text (st, 18, is_conflict ? mmr_resolve_rule_to_string (ev->rule)
                                     : NULL);
  if (ev->n_versions > 0)
    {
      mmr_run_db_encode_versions (rec->versions, ev->versions,
                                  ev->n_versions);
      sqlite3_bind_blob (st, 19, rec->versions->data,
                         (int) rec->versions->len, SQLITE_STATIC);
    }
  else
    sqlite3_bind_null (st, 19);
  bind_dots (st, 20, rec->kept, ev->kept, ev->n_kept);
  bind_dots (st, 21, rec->superseded, ev->superseded, ev->n_superseded);
  run (rec, st, "recording an event");
  count_row (rec);
  rec->n_events++;
}

static int
by_register_then_name (gconstpointer a, gconstpointer b)
{
  const MmrViewEntry *x = *(const MmrViewEntry *const *) a;
  const MmrViewEntry *y = *(const MmrViewEntry *const *) b;
  int c = strcmp (x->register_name, y->register_name);

  return c != 0 ? c : strcmp (x->name, y->name);
}

static void
snapshot_replica (MmrRecorder *rec, guint replica)
{
  g_autoptr (GPtrArray) view = mmr_view_dup (rec->world, replica, TRUE);
  sqlite3_stmt *st = rec->stmts[INS_SNAPSHOT_REGISTER];

  g_ptr_array_sort (view, by_register_then_name);
  for (guint i = 0, n; i < view->len; i += n)
    {
      const MmrViewEntry *first = view->pdata[i];

      for (n = 1; i + n < view->len; n++)
        if (strcmp (((MmrViewEntry *) view->pdata[i + n])->register_name,
                    first->register_name) != 0)
          break;
      g_byte_array_set_size (rec->buf, 0);
      mmr_run_db_encode_entries (rec->buf, view, i, n);
      sqlite3_bind_int64 (st, 1, (gint64) rec->n_snapshots + 1);
      sqlite3_bind_int (st, 2, (int) replica);
      sqlite3_bind_text (st, 3, first->register_name, -1, SQLITE_STATIC);
      sqlite3_bind_blob (st, 4, rec->buf->data, (int) rec->buf->len,
                         SQLITE_STATIC);
      run (rec, st, "recording a snapshot");
      count_row (rec);
    }
}

/* DOC: recorder-snapshot */
static void
take_snapshot (MmrRecorder *rec)
{
  sqlite3_stmt *st = rec->stmts[INS_SNAPSHOT];

  for (guint r = 0; r < mmr_world_n_replicas (rec->world); r++)
    snapshot_replica (rec, r);
  sqlite3_bind_int64 (st, 1, (gint64) rec->n_snapshots + 1);
  sqlite3_bind_int64 (st, 2, (gint64) mmr_world_n_events (rec->world));
  sqlite3_bind_int64 (st, 3, mmr_world_now (rec->world));
  sqlite3_bind_int64 (st, 4, (gint64) rec->n_changes);
  run (rec, st, "recording a snapshot");
  count_row (rec);
  rec->n_snapshots++;
  rec->changes_since_snapshot = 0;
}

static guint64
n_registers (MmrWorld *w)
{
  guint64 n = 0;

  for (guint r = 0; r < mmr_world_n_replicas (w); r++)
    n += mmr_store_size (mmr_world_get_store (w, r));
  return n;
}

/* DOC: recorder-change */
static void
on_change (MmrWorld *w, guint replica, const char *register_name,
           gpointer user_data)
{
  MmrRecorder *rec = user_data;
  sqlite3_stmt *st = rec->stmts[INS_CHANGE];
  g_autoptr (GPtrArray) entries = NULL;

  if (rec->error != NULL)
    return;
  entries = mmr_view_dup_register (w, replica, register_name, TRUE);
  g_byte_array_set_size (rec->buf, 0);
  mmr_run_db_encode_entries (rec->buf, entries, 0, entries->len);
  sqlite3_bind_null (st, 1);   /* rowid n_changes + 1 */
  sqlite3_bind_int64 (st, 2, (gint64) mmr_world_n_events (w));
  sqlite3_bind_int64 (st, 3, mmr_world_now (w));
  sqlite3_bind_int (st, 4, (int) replica);
  sqlite3_bind_text (st, 5, register_name, -1, SQLITE_STATIC);
  sqlite3_bind_blob (st, 6, rec->buf->data, (int) rec->buf->len,
                     SQLITE_STATIC);
  if (!run (rec, st, "recording a change"))
    return;
  count_row (rec);
  rec->n_changes++;
  if (++rec->changes_since_snapshot >= rec->snapshot_changes
      && rec->changes_since_snapshot >= n_registers (w))
    take_snapshot (rec);
}

static gboolean
write_header (MmrRecorder *rec, const MmrRecorderInfo *info)
{
  static const char *const granularity[] = { "record", "field" };
  const MmrWorldConfig *cfg = mmr_world_get_config (rec->world);
  g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, info->seed);
  g_autoptr (GError) e = NULL;
  sqlite3_stmt *st = mmr_storage_prepare (
      rec->db, rec->part, "INSERT INTO replicas VALUES (?1, ?2)", &e);

  if (st == NULL)
    {
      rec->error = g_steal_pointer (&e);
      return FALSE;
    }
  for (guint r = 0; r < mmr_world_n_replicas (rec->world); r++)
    {
      sqlite3_bind_int (st, 1, (int) r);
      sqlite3_bind_text (st, 2, mmr_world_replica_name (rec->world, r), -1,
                         SQLITE_STATIC);
      run (rec, st, "writing the replicas");
    }
  sqlite3_finalize (st);
  set_meta (rec, "scenario", info->scenario != NULL ? info->scenario : "");
  set_meta (rec, "source", info->source != NULL ? info->source : "");
  set_meta (rec, "seed", seed);
  set_meta (rec, "granularity", granularity[cfg->granularity]);
  set_meta (rec, "complete", "0");
  return rec->error == NULL;
}

static gboolean
setup (MmrRecorder *rec, const MmrRecorderInfo *info)
{
  if (!exec (rec, "PRAGMA journal_mode = OFF;"
                  "PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE;"
                  "PRAGMA cache_size = -65536; BEGIN")
      || !exec (rec, mmr_run_db_schema_sql)
      || !mmr_storage_stamp (rec->db, rec->part, &mmr_run_db_format,
                             &rec->error))
    return FALSE;
  for (guint i = 0; i < N_STMTS; i++)
    if ((rec->stmts[i] = mmr_storage_prepare (rec->db, rec->part,
                                              stmt_sql[i],
                                              &rec->error)) == NULL)
      return FALSE;
  return write_header (rec, info);
}

static void
close_db (MmrRecorder *rec)
{
  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&rec->stmts[i], sqlite3_finalize);
  g_clear_pointer (&rec->db, sqlite3_close);
}

static void
stop_observing (MmrRecorder *rec)
{
  if (rec->observer != 0)
    mmr_world_remove_observer (rec->world, rec->observer);
  if (rec->change_observer != 0)
    mmr_world_remove_change_observer (rec->world, rec->change_observer);
  rec->observer = rec->change_observer = 0;
}

MmrRecorder *
mmr_recorder_new (MmrWorld *world, const char *path,
                  const MmrRecorderInfo *info, GError **error)
{
  MmrRecorder *rec;

  g_return_val_if_fail (world != NULL && path != NULL && info != NULL, NULL);
  rec = g_new0 (MmrRecorder, 1);
  rec->world = world;
  rec->path = g_strdup (path);
  rec->part = g_strconcat (path, ".part", NULL);
  rec->buf = g_byte_array_new ();
  rec->versions = g_byte_array_new ();
  rec->kept = g_byte_array_new ();
  rec->superseded = g_byte_array_new ();
  rec->snapshot_changes = info->snapshot_changes > 0
                          ? info->snapshot_changes
                          : MMR_RECORDER_DEFAULT_SNAPSHOT_CHANGES;
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_IO,
                   "%s: cannot write: it is a directory", path);
      mmr_recorder_free (rec);
      return NULL;
    }
  /* The caller checked with store/output-guard.h that @path and its .part
   * may be replaced; a .part is tracked so that SIGINT/SIGTERM removes
   * it (store/part-file.h). */
  mmr_part_file_track (rec->part);
  g_unlink (rec->part);
  rec->db = mmr_storage_open (rec->part, &mmr_run_db_format,
                              MMR_STORAGE_OPEN_FRESH, NULL, &rec->error);
  if (rec->db == NULL || !setup (rec, info))
    {
      g_propagate_error (error, g_steal_pointer (&rec->error));
      mmr_recorder_free (rec);
      return NULL;
    }
  rec->observer = mmr_world_add_observer (world, on_event, rec);
  rec->change_observer = mmr_world_add_change_observer (world, on_change,
                                                        rec);
  return rec;
}

static gboolean
sync_file (const char *path, GError **error)
{
  int fd = g_open (path, O_RDONLY, 0);
  int rc = fd >= 0 ? fsync (fd) : -1;
  int e = errno;

  if (fd >= 0)
    close (fd);
  if (rc != 0)
    {
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_IO,
                   "%s: cannot write: %s", path, g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_trailer (MmrRecorder *rec)
{
  g_autofree char *end = g_strdup_printf ("%" G_GINT64_FORMAT,
                                          mmr_world_now (rec->world));
  g_autofree char *n = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                        rec->n_events);

  if (rec->changes_since_snapshot > 0 || rec->n_snapshots == 0)
    take_snapshot (rec);
  set_meta (rec, "end_us", end);
  set_meta (rec, "n_events", n);
  set_meta (rec, "complete", "1");
  return exec (rec, "COMMIT")
         && exec (rec, "PRAGMA journal_mode = DELETE");
}

/* DOC: recorder-finish */
gboolean
mmr_recorder_finish (MmrRecorder *rec, GError **error)
{
  int rc;

  g_return_val_if_fail (rec->db != NULL, FALSE);
  stop_observing (rec);
  if (rec->error == NULL)
    write_trailer (rec);
  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&rec->stmts[i], sqlite3_finalize);
  rc = sqlite3_close (rec->db);
  if (rc != SQLITE_OK && rec->error == NULL)
    mmr_storage_set_error (&rec->error, rec->db, rc, rec->part, "closing");
  rec->db = NULL;
  if (rec->error == NULL && sync_file (rec->part, &rec->error)
      && g_rename (rec->part, rec->path) != 0)
    {
      int e = errno;

      g_set_error (&rec->error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_IO,
                   "%s: cannot write: %s", rec->path, g_strerror (e));
    }
  if (rec->error != NULL)
    g_unlink (rec->part);
  mmr_part_file_untrack (rec->part);
  if (rec->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&rec->error));
      return FALSE;
    }
  return TRUE;
}

void
mmr_recorder_free (MmrRecorder *rec)
{
  if (rec == NULL)
    return;
  stop_observing (rec);
  if (rec->db != NULL)
    {
      close_db (rec);
      g_unlink (rec->part);
      mmr_part_file_untrack (rec->part);
    }
  g_clear_error (&rec->error);
  g_byte_array_unref (rec->buf);
  g_byte_array_unref (rec->versions);
  g_byte_array_unref (rec->kept);
  g_byte_array_unref (rec->superseded);
  g_free (rec->path);
  g_free (rec->part);
  g_free (rec);
}

guint64
mmr_recorder_n_events (const MmrRecorder *rec)
{
  return rec->n_events;
}

guint64
mmr_recorder_n_changes (const MmrRecorder *rec)
{
  return rec->n_changes;
}

guint64
mmr_recorder_n_snapshots (const MmrRecorder *rec)
{
  return rec->n_snapshots;
}
