/* run-data-dir.c - the folder of replica databases of "mmr run --data DIR"
 *
 * Concept: DIR is an output like any other (store/output-guard.h), made
 * of several files that live through the run: each replica writes
 * through to DIR/NAME.db (with SQLite's -wal, -shm and -journal beside
 * it) while the run goes, and a README is added at the end. Three things
 * make that safe:
 *
 *   - a lock (store/dir-lock.h): a second run on DIR stops with exit 2
 *     naming the first, instead of deleting its live databases;
 *   - the guard's rules for every file we would replace: DIR/NAME.db
 *     must be a replica database (application_id 'MMRS') or empty, its
 *     -wal/-shm/-journal go with it, and one without its database is
 *     foreign; the README must be ours; --force replaces the rest;
 *   - a database is created as NAME.db.part (schema and stamp committed,
 *     then closed) and renamed to NAME.db, so a kill during creation
 *     leaves a .part that the next run recognises as ours, never an
 *     unstamped NAME.db that it would have to refuse as foreign.
 *
 * Until mmr_run_data_dir_finish, every database file (and DIR itself,
 * when this run created it) is tracked by store/part-file.h: a run that
 * fails or is interrupted removes what it made and leaves no half-run
 * databases. The previous run's databases were replaced when the run
 * started; they are not restored.
 *
 * Without --data, a scenario that needs databases gets a scratch
 * directory (mmr_run_data_dir_new_scratch), tracked the same way and
 * removed whatever happens.
 *
 * Interface (cli.h): mmr_run_data_dir_open, _new_scratch, _get_path,
 * _finish, _free.
 *
 * Taught in docs/storage.md ("Outputs") and the README's CLI section.
 */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "cli/cli.h"
#include "store/dir-lock.h"
#include "store/durable-store.h"
#include "store/output-guard.h"
#include "store/part-file.h"
#include "store/storage.h"

/* SQLite's files beside a database, "" being the database itself. */
static const char *const db_suffixes[] = { "", "-wal", "-shm", "-journal" };

static const MmrOutputFormat replica_db_format = {
  "replica database", MMR_DURABLE_STORE_APPLICATION_ID, NULL, NULL
};

/* The -wal etc. of a database already judged: nothing to test. */
static const MmrOutputFormat companion_format = {
  "replica database's journal", 0, NULL, NULL
};

static gboolean
never_ours (const guint8 *head, gsize len)
{
  (void) head;
  (void) len;
  return FALSE;
}

/* A -wal or -journal without its database: only an empty one is ours. */
static const MmrOutputFormat orphan_format = {
  "replica database's journal", 0, NULL, never_ours
};

/* DOC: run-data-dir */
static const char readme_text[] =
  "Replica databases written by 'mmr run --data' (docs/storage.md).\n"
  "Each replica wrote through to NAME.db as it ran (durability sync\n"
  "unless the scenario chose async); reopen one with mmr_durable_store.\n";

static const MmrOutputFormat readme_format = {
  "README of a data directory",
  0, "Replica databases written by 'mmr run --data'", NULL
};

struct _MmrRunDataDir {
  char *dir;
  gboolean made_dir;          /* --data made it: remove on failure */
  gboolean is_scratch;        /* no --data: removed whatever happens */
  MmrDirLock *lock;
  GPtrArray *files;          /* every database file path, tracked */
};

static char *
replica_path (const char *dir, MmrWorld *w, guint r, const char *suffix)
{
  g_autofree char *file = g_strconcat (mmr_world_replica_name (w, r), ".db",
                                       suffix, NULL);

  return g_build_filename (dir, file, NULL);
}

/* Rule checks for DB (NAME.db or NAME.db.part) and its companions. */
static gboolean
check_database (MmrOutputGuard *guard, const char *db, GError **error)
{
  gboolean has_db = g_file_test (db, G_FILE_TEST_EXISTS);

  if (!mmr_output_guard_check_in_place (guard, db, &replica_db_format,
                                        error))
    return FALSE;
  for (guint i = 1; i < G_N_ELEMENTS (db_suffixes); i++)
    {
      g_autofree char *f = g_strconcat (db, db_suffixes[i], NULL);

      if (!mmr_output_guard_check_in_place (guard, f, has_db
                                                     ? &companion_format
                                                     : &orphan_format,
                                            error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_files (MmrRunDataDir *d, MmrWorld *w, MmrOutputGuard *guard,
             GError **error)
{
  g_autofree char *readme = g_build_filename (d->dir, "README", NULL);

  for (guint r = 0; r < mmr_world_n_replicas (w); r++)
    {
      g_autofree char *db = replica_path (d->dir, w, r, "");
      g_autofree char *part = replica_path (d->dir, w, r, ".part");

      if (!check_database (guard, db, error)
          || !check_database (guard, part, error))
        return FALSE;
    }
  return mmr_output_guard_check (guard, readme, &readme_format, error);
}

/* Each file of each database, final and .part, tracked from now on. */
static void
list_files (MmrRunDataDir *d, MmrWorld *w)
{
  for (guint r = 0; r < mmr_world_n_replicas (w); r++)
    for (guint p = 0; p < 2; p++)
      for (guint i = 0; i < G_N_ELEMENTS (db_suffixes); i++)
        {
          g_autofree char *db = replica_path (d->dir, w, r,
                                              p == 0 ? "" : ".part");
          char *f = g_strconcat (db, db_suffixes[i], NULL);

          mmr_part_file_track (f);
          g_ptr_array_add (d->files, f);
        }
}

static void
remove_files (MmrRunDataDir *d)
{
  for (guint i = 0; i < d->files->len; i++)
    g_unlink (d->files->pdata[i]);
}

/* DOC: run-data-dir-create */
static gboolean
create_databases (MmrRunDataDir *d, MmrWorld *w, GError **error)
{
  for (guint r = 0; r < mmr_world_n_replicas (w); r++)
    {
      g_autofree char *db = replica_path (d->dir, w, r, "");
      g_autofree char *part = replica_path (d->dir, w, r, ".part");
      MmrDurableStore *s = mmr_durable_store_open (part, error);

      if (s == NULL)
        return FALSE;
      mmr_durable_store_close (s);      /* checkpoints: no -wal is left */
      if (g_rename (part, db) != 0)
        {
          int e = errno;

          g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_IO,
                       "%s: cannot create: %s", db, g_strerror (e));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
make_dir (MmrRunDataDir *d, GError **error)
{
  if (g_file_test (d->dir, G_FILE_TEST_IS_DIR))
    return TRUE;
  if (g_file_test (d->dir, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_IO,
                   "%s: cannot use it as the data directory: it is not a "
                   "directory", d->dir);
      return FALSE;
    }
  if (g_mkdir_with_parents (d->dir, 0755) != 0)
    {
      int e = errno;

      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_IO,
                   "%s: cannot create the data directory: %s", d->dir,
                   g_strerror (e));
      return FALSE;
    }
  d->made_dir = TRUE;
  mmr_part_file_track_dir (d->dir);
  return TRUE;
}

MmrRunDataDir *
mmr_run_data_dir_open (const char *dir, MmrWorld *world,
                       MmrOutputGuard *guard, const char *holder,
                       GError **error)
{
  g_autoptr (MmrRunDataDir) d = g_new0 (MmrRunDataDir, 1);
  g_autofree char *lock_path = g_build_filename (dir, MMR_DIR_LOCK_FILE,
                                                 NULL);

  d->dir = g_strdup (dir);
  d->files = g_ptr_array_new_with_free_func (g_free);
  if (!make_dir (d, error)
      || !mmr_output_guard_check_in_place (guard, lock_path,
                                           &mmr_dir_lock_format, error)
      || (d->lock = mmr_dir_lock_acquire (dir, holder, error)) == NULL)
    return NULL;
  mmr_part_file_track (mmr_dir_lock_get_path (d->lock));
  if (!check_files (d, world, guard, error))
    return NULL;
  list_files (d, world);
  remove_files (d);
  if (!create_databases (d, world, error))
    return NULL;
  return g_steal_pointer (&d);
}

gboolean
mmr_run_data_dir_finish (MmrRunDataDir *d, GError **error)
{
  g_autofree char *readme = g_build_filename (d->dir, "README", NULL);
  g_autoptr (MmrPartFile) part = mmr_part_file_open (readme, error);

  if (part == NULL)
    return FALSE;
  fputs (readme_text, mmr_part_file_get_stream (part));
  if (!mmr_part_file_commit (part, 0, error))
    return FALSE;
  /* Kept: forget them, so that free leaves them. */
  for (guint i = 0; i < d->files->len; i++)
    mmr_part_file_untrack (d->files->pdata[i]);
  g_ptr_array_set_size (d->files, 0);
  if (d->made_dir)
    mmr_part_file_untrack (d->dir);
  d->made_dir = FALSE;
  return TRUE;
}

/* The databases must be closed (the runner freed) before this. */
void
mmr_run_data_dir_free (MmrRunDataDir *d)
{
  if (d == NULL)
    return;
  remove_files (d);
  for (guint i = 0; i < d->files->len; i++)
    mmr_part_file_untrack (d->files->pdata[i]);
  if (d->lock != NULL)
    {
      mmr_part_file_untrack (mmr_dir_lock_get_path (d->lock));
      mmr_dir_lock_release (d->lock);
    }
  if (d->is_scratch)
    mmr_storage_remove_scratch_dir (d->dir);
  if (d->made_dir)
    {
      mmr_part_file_untrack (d->dir);
      g_rmdir (d->dir);
    }
  g_ptr_array_unref (d->files);
  g_free (d->dir);
  g_free (d);
}

/* DOC: run-scratch-dir */
MmrRunDataDir *
mmr_run_data_dir_new_scratch (MmrWorld *world, GError **error)
{
  g_autoptr (MmrRunDataDir) d = g_new0 (MmrRunDataDir, 1);

  d->files = g_ptr_array_new_with_free_func (g_free);
  d->dir = mmr_storage_make_scratch_dir ("mmr-run-XXXXXX",
                                         mmr_world_replica_names (world),
                                         mmr_world_n_replicas (world),
                                         error);
  if (d->dir == NULL)
    return NULL;
  d->is_scratch = TRUE;
  return g_steal_pointer (&d);
}

const char *
mmr_run_data_dir_get_path (const MmrRunDataDir *d)
{
  return d->dir;
}
