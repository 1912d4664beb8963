/* storage.c - opening SQLite files safely; SQLite errors as GErrors
 *
 * The interface is in storage.h. The order of checks is the point of this
 * file: everything that can be learnt without SQLite writing a byte is
 * learnt first.
 *
 *   1. stat: missing (created only in a write mode), a directory, empty;
 *   2. the 100-byte header, read with plain read(2): the magic string
 *      "SQLite format 3", a valid page size, and - when the header's page
 *      count is valid - a file at least as long as the header promises
 *      (a truncated copy fails here, before SQLite could misread it);
 *      Then the two header fields that identify a file: application_id
 *      (whose file?) and user_version (which schema?);
 *   3. sqlite3_open_v2 without SQLITE_OPEN_CREATE, and a read of
 *      sqlite_master, which fails on a damaged first page.
 *
 * Only then may a caller switch to WAL (which rewrites two header bytes)
 * or write. A new file is created only in a directory we can write; the
 * caller stamps it with application_id and user_version inside the same
 * transaction that creates its tables.
 *
 * Connections are opened SQLITE_OPEN_NOMUTEX: each belongs to one
 * thread (the engine has one), so SQLite's per-call mutex is wasted work.
 *
 * The byte codecs of storage.h (varints, strings, vectors, versions) are
 * in storage-codec.c.
 *
 * Invariants: a refused file is byte-for-byte unchanged; every message
 * names the file; all SQLite result codes are mapped in set_error.
 */
#include "store/storage.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "store/part-file.h"

G_DEFINE_QUARK (mmr-storage-error-quark, mmr_storage_error)

#define SQLITE_HEADER_SIZE 100

/* Every application_id the project uses, for "a run database, not a
 * replica database" instead of a bare number. */
static const struct {
  guint32 id;
  const char *what;
} known_formats[] = {
  { 0x4D4D5253u, "replica database" },   /* 'MMRS' */
  { 0x4D4D5252u, "run database" },       /* 'MMRR' */
};

/* DOC: storage-error-map */
gboolean
mmr_storage_set_error (GError **error, sqlite3 *db, int rc, const char *path,
                       const char *doing)
{
  const char *sqlite_msg = db != NULL ? sqlite3_errmsg (db)
                                      : sqlite3_errstr (rc);
  int sys_errno = db != NULL ? sqlite3_system_errno (db) : 0;
  MmrStorageError code = MMR_STORAGE_ERROR_FAILED;
  const char *problem = "SQLite failed";

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      code = MMR_STORAGE_ERROR_FULL;
      problem = "the disk is full";
      break;
    case SQLITE_READONLY:
      code = MMR_STORAGE_ERROR_READ_ONLY;
      problem = "the file or its directory is read-only";
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      code = sys_errno == EROFS || sys_errno == EACCES
             ? MMR_STORAGE_ERROR_READ_ONLY : MMR_STORAGE_ERROR_IO;
      problem = sys_errno != 0 ? g_strerror (sys_errno) : "cannot open";
      break;
    case SQLITE_IOERR:
      code = sys_errno == ENOSPC ? MMR_STORAGE_ERROR_FULL
                                 : MMR_STORAGE_ERROR_IO;
      problem = sys_errno != 0 ? g_strerror (sys_errno) : "I/O error";
      break;
    case SQLITE_CORRUPT:
      code = MMR_STORAGE_ERROR_CORRUPT;
      problem = "the file is damaged";
      break;
    case SQLITE_NOTADB:
      code = MMR_STORAGE_ERROR_NOT_DATABASE;
      problem = "not an SQLite database";
      break;
    default:
      break;
    }
  g_set_error (error, MMR_STORAGE_ERROR, code, "%s: %s: %s (SQLite: %s)",
               path, doing, problem, sqlite_msg);
  return FALSE;
}

gboolean
mmr_storage_exec (sqlite3 *db, const char *path, const char *sql,
                  GError **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return mmr_storage_set_error (error, db, rc, path, sql);
  return TRUE;
}

sqlite3_stmt *
mmr_storage_prepare (sqlite3 *db, const char *path, const char *sql,
                     GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v3 (db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt,
                               NULL);

  if (rc != SQLITE_OK)
    {
      mmr_storage_set_error (error, db, rc, path, "preparing a statement");
      return NULL;
    }
  return stmt;
}

char *
mmr_storage_dup_meta (sqlite3 *db, const char *path, const char *key,
                      const char *doing, GError **error)
{
  sqlite3_stmt *st = mmr_storage_prepare (
      db, path, "SELECT value FROM meta WHERE key = ?1", error);
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
    mmr_storage_set_error (error, db, rc, path, doing);
  return value;
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16)
         | ((guint32) p[2] << 8) | p[3];
}

static const char *
format_name (guint32 id)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_formats); i++)
    if (known_formats[i].id == id)
      return known_formats[i].what;
  return NULL;
}

/* Whose file, which schema: both are header fields (application_id at
 * offset 68, user_version at 60), read before SQLite ever opens the file,
 * so another application's database - in WAL mode or not - never gets
 * -wal or -shm files next to it. Our files are stamped when created,
 * before they switch to WAL, so the main file's header always says. */
static gboolean
check_identity (const char *path, const MmrStorageFormat *format,
                guint32 app_id, gint32 version, guint32 n_pages,
                GError **error)
{
  const char *other = format_name (app_id);

  if (app_id != format->application_id)
    {
      if (other != NULL)
        g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_FOREIGN,
                     "%s: not a %s: it is a %s", path, format->what, other);
      else if (app_id == 0 && n_pages <= 1)
        g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_FOREIGN,
                     "%s: not a %s: an empty SQLite database", path,
                     format->what);
      else
        g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_FOREIGN,
                     "%s: not a %s: an SQLite database of another "
                     "application (application_id 0x%08x)", path,
                     format->what, app_id);
      return FALSE;
    }
  if (version != format->schema_version)
    {
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_VERSION,
                   "%s: a %s of schema version %d; this mmr reads version %d"
                   " only", path, format->what, version,
                   format->schema_version);
      return FALSE;
    }
  return TRUE;
}

/* DOC: storage-header-check */
/* Step 2: the header, read without SQLite. */
static gboolean
check_header (const char *path, const MmrStorageFormat *format,
              goffset size, GError **error)
{
  static const char magic[16] = "SQLite format 3";
  guint8 h[SQLITE_HEADER_SIZE] = { 0 };
  int fd = g_open (path, O_RDONLY, 0);
  gssize n;
  guint32 page_size, n_pages;

  if (fd < 0)
    {
      int e = errno;

      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_IO,
                   "%s: cannot read: %s", path, g_strerror (e));
      return FALSE;
    }
  n = read (fd, h, sizeof h);
  close (fd);
  if (n < (gssize) sizeof magic || memcmp (h, magic, sizeof magic) != 0)
    {
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_NOT_DATABASE,
                   "%s: not a %s: not an SQLite database at all "
                   "(it does not start with \"SQLite format 3\")",
                   path, format->what);
      return FALSE;
    }
  if (n < SQLITE_HEADER_SIZE)
    {
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_CORRUPT,
                   "%s: truncated: %" G_GOFFSET_FORMAT " bytes, shorter than "
                   "an SQLite header", path, size);
      return FALSE;
    }
  page_size = ((guint32) h[16] << 8) | h[17];
  if (page_size == 1)
    page_size = 65536;
  if (page_size < 512 || (page_size & (page_size - 1)) != 0)
    {
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_CORRUPT,
                   "%s: damaged: the header's page size (%u) is invalid",
                   path, page_size);
      return FALSE;
    }
  /* The page count is trusted only when the header says so: its change
   * counter equals its version-valid-for number (SQLite file format,
   * "In-header database size"). */
  n_pages = read_be32 (h + 28);
  if ((n_pages != 0 && read_be32 (h + 24) == read_be32 (h + 92)
       && (goffset) n_pages * page_size > size)
      || size % page_size != 0)
    {
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_CORRUPT,
                   "%s: truncated: the file has %" G_GOFFSET_FORMAT
                   " bytes but its header describes %u pages of %u bytes",
                   path, size, n_pages, page_size);
      return FALSE;
    }
  return check_identity (path, format, read_be32 (h + 68),
                         (gint32) read_be32 (h + 60), n_pages, error);
}

static gboolean
query_int (sqlite3 *db, const char *path, const char *sql, gint64 *out,
           GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *out = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    return mmr_storage_set_error (error, db, rc, path, "reading the header");
  return TRUE;
}

/* Step 3: the first page is readable (a damaged one fails here). */
static gboolean
check_first_page (sqlite3 *db, const char *path, GError **error)
{
  gint64 n_tables = 0;

  return query_int (db, path, "SELECT count(*) FROM sqlite_master",
                    &n_tables, error);
}

static gboolean
check_directory_writable (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_IO,
                   "%s: cannot create: directory %s does not exist", path,
                   dir);
      return FALSE;
    }
  if (g_access (dir, W_OK) != 0)
    {
      int e = errno;

      g_set_error (error, MMR_STORAGE_ERROR,
                   e == EROFS || e == EACCES ? MMR_STORAGE_ERROR_READ_ONLY
                                             : MMR_STORAGE_ERROR_IO,
                   "%s: cannot create: directory %s is not writable (%s)",
                   path, dir, g_strerror (e));
      return FALSE;
    }
  return TRUE;
}

static sqlite3 *
open_new (const char *path, GError **error)
{
  sqlite3 *db = NULL;
  int rc;

  if (!check_directory_writable (path, error))
    return NULL;
  rc = sqlite3_open_v2 (path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                        | SQLITE_OPEN_NOMUTEX, NULL);
  /* Touch the file now, so an unwritable filesystem fails here. */
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "BEGIN IMMEDIATE; COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      mmr_storage_set_error (error, db, rc, path, "cannot create");
      sqlite3_close (db);
      g_unlink (path);
      return NULL;
    }
  return db;
}

static sqlite3 *
open_existing (const char *path, const MmrStorageFormat *format,
               gboolean read_only, goffset size, GError **error)
{
  sqlite3 *db = NULL;
  int rc;

  if (size == 0)
    {
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_CORRUPT,
                   "%s: truncated: the file is empty, not a %s", path,
                   format->what);
      return NULL;
    }
  if (!check_header (path, format, size, error))
    return NULL;
  rc = sqlite3_open_v2 (path, &db,
                        (read_only ? SQLITE_OPEN_READONLY
                                   : SQLITE_OPEN_READWRITE)
                        | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      mmr_storage_set_error (error, db, rc, path, "cannot open");
      sqlite3_close (db);
      return NULL;
    }
  if (!check_first_page (db, path, error))
    {
      sqlite3_close (db);
      return NULL;
    }
  return db;
}

sqlite3 *
mmr_storage_open (const char *path, const MmrStorageFormat *format,
                  MmrStorageMode mode, gboolean *out_is_new, GError **error)
{
  GStatBuf st;

  g_return_val_if_fail (path != NULL && format != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (out_is_new != NULL)
    *out_is_new = FALSE;
  if (g_stat (path, &st) != 0)
    {
      int e = errno;

      if (e != ENOENT || mode == MMR_STORAGE_OPEN_READ_ONLY)
        {
          g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_IO,
                       "%s: cannot open: %s", path, g_strerror (e));
          return NULL;
        }
      if (out_is_new != NULL)
        *out_is_new = TRUE;
      return open_new (path, error);
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_IO,
                   "%s: cannot open: it is a directory", path);
      return NULL;
    }
  if (mode == MMR_STORAGE_OPEN_FRESH)
    {
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_IO,
                   "%s: cannot create: the file already exists", path);
      return NULL;
    }
  return open_existing (path, format, mode == MMR_STORAGE_OPEN_READ_ONLY,
                        (goffset) st.st_size, error);
}

gboolean
mmr_storage_stamp (sqlite3 *db, const char *path,
                   const MmrStorageFormat *format, GError **error)
{
  g_autofree char *sql = g_strdup_printf (
      "PRAGMA application_id = %d; PRAGMA user_version = %d",
      (int) format->application_id, format->schema_version);

  return mmr_storage_exec (db, path, sql, error);
}

gboolean
mmr_storage_check_integrity (sqlite3 *db, const char *path, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check(1)", -1, &stmt, NULL);
  g_autofree char *first = NULL;

  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      first = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    return mmr_storage_set_error (error, db, rc, path, "checking integrity");
  if (first == NULL || strcmp (first, "ok") != 0)
    {
      g_auto (GStrv) lines = g_strsplit (first != NULL ? first : "?", "\n",
                                         -1);
      g_autoptr (GString) found = g_string_new (NULL);

      /* quick_check reports "*** in database main ***" then one line per
       * problem; keep the problems, on one line. */
      for (guint i = 0; lines[i] != NULL; i++)
        if (!g_str_has_prefix (lines[i], "***") && *lines[i] != '\0')
          g_string_append_printf (found, "%s%s", found->len ? "; " : "",
                                  lines[i]);
      g_set_error (error, MMR_STORAGE_ERROR, MMR_STORAGE_ERROR_CORRUPT,
                   "%s: damaged: SQLite's integrity check found: %s", path,
                   found->str);
      return FALSE;
    }
  return TRUE;
}

/* DOC: storage-scratch-dir */
char *
mmr_storage_make_scratch_dir (const char *tmpl, const char *const *names,
                              guint n_names, GError **error)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
  char *dir = g_dir_make_tmp (tmpl, error);

  if (dir == NULL)
    return NULL;
  mmr_part_file_track_dir (dir);
  for (guint r = 0; r < n_names; r++)
    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *file = g_strconcat (names[r], ".db", suffixes[i],
                                             NULL);
        g_autofree char *path = g_build_filename (dir, file, NULL);

        mmr_part_file_track (path);
      }
  return dir;
}

void
mmr_storage_remove_scratch_dir (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *f = g_build_filename (dir, name, NULL);

      g_unlink (f);
    }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (dir);
  mmr_part_file_untrack_under (dir);
}
