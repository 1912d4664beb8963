/* storage.h - opening SQLite files safely, and SQLite errors as GErrors
 *
 * Two kinds of file in the project are SQLite databases: a replica's
 * durable store (durable-store.h) and a recorded run (record/recorder.h).
 * Both are opened here, so both refuse the same bad inputs the same way:
 *
 *   - a file that is not SQLite at all, or is empty;
 *   - an SQLite database of another application (PRAGMA application_id);
 *   - one of our files with another schema version (PRAGMA user_version);
 *   - a truncated file (shorter than its header says) or a damaged one;
 *   - a directory that cannot be written, a disk that is full.
 *
 * Every check that can be made before SQLite writes anything is made
 * first, so a file we refuse is never modified, truncated or deleted:
 * we open it without SQLITE_OPEN_CREATE and switch journal modes only
 * after it has been recognised.
 *
 * Every SQLite result code becomes a GError in mmr_storage_set_error, the
 * one place that knows the mapping. Messages start with the file's path.
 *
 * Taught in docs/storage.md.
 */
#pragma once

#include <sqlite3.h>
#include <glib.h>

#include "core/clock.h"
#include "core/version-vector.h"

G_BEGIN_DECLS

#define MMR_STORAGE_ERROR (mmr_storage_error_quark ())
GQuark mmr_storage_error_quark (void);

typedef enum {
  MMR_STORAGE_ERROR_IO,            /* cannot create, open, read or write */
  MMR_STORAGE_ERROR_READ_ONLY,     /* the file or its directory is read-only */
  MMR_STORAGE_ERROR_FULL,          /* the disk (or the page limit) is full */
  MMR_STORAGE_ERROR_NOT_DATABASE,  /* not an SQLite database at all */
  MMR_STORAGE_ERROR_FOREIGN,       /* SQLite, but another application's */
  MMR_STORAGE_ERROR_VERSION,       /* ours, another schema version */
  MMR_STORAGE_ERROR_CORRUPT,       /* truncated or damaged */
  MMR_STORAGE_ERROR_INCOMPLETE,    /* a recording that never finished */
  MMR_STORAGE_ERROR_FAILED,        /* any other SQLite failure */
} MmrStorageError;

/* What a file must be to be ours. */
typedef struct {
  guint32 application_id;   /* PRAGMA application_id, e.g. 'MMRS' */
  int schema_version;       /* PRAGMA user_version */
  const char *what;         /* "replica database", for messages */
} MmrStorageFormat;

typedef enum {
  MMR_STORAGE_OPEN_READ_ONLY,   /* must exist; never written */
  MMR_STORAGE_OPEN_READ_WRITE,  /* created when missing */
  MMR_STORAGE_OPEN_FRESH,       /* must not exist; created */
} MmrStorageMode;

/* Opens @path as a file of @format. Sets *@out_is_new when the file was
 * just created (the caller then creates its schema and stamps it with
 * mmr_storage_stamp). An existing file is checked as described above;
 * on any failure nothing was written and NULL is returned. */
sqlite3 *mmr_storage_open (const char *path, const MmrStorageFormat *format,
                           MmrStorageMode mode, gboolean *out_is_new,
                           GError **error);

/* Writes @format's application_id and schema version into a new file. */
gboolean mmr_storage_stamp (sqlite3 *db, const char *path,
                            const MmrStorageFormat *format, GError **error);

/* Runs PRAGMA quick_check: CORRUPT when SQLite finds damage. */
gboolean mmr_storage_check_integrity (sqlite3 *db, const char *path,
                                      GError **error);

/* Sets @error from SQLite result @rc (and @db's message when @db is not
 * NULL): "PATH: DOING: PROBLEM". Always returns FALSE, so callers can
 * "return mmr_storage_set_error (...)". */
gboolean mmr_storage_set_error (GError **error, sqlite3 *db, int rc,
                                const char *path, const char *doing);

/* sqlite3_exec of @sql; on failure sets @error via mmr_storage_set_error. */
gboolean mmr_storage_exec (sqlite3 *db, const char *path, const char *sql,
                           GError **error);

/* Prepares @sql; NULL and @error on failure. */
sqlite3_stmt *mmr_storage_prepare (sqlite3 *db, const char *path,
                                   const char *sql, GError **error);

/* The value of @key in the meta table both file kinds keep: a new
 * string, or NULL with no error when the row is missing (what a missing
 * setting means is the caller's to say), or NULL and @error naming
 * @doing when SQLite fails. */
char *mmr_storage_dup_meta (sqlite3 *db, const char *path, const char *key,
                            const char *doing, GError **error);

/* LEB128 varints for the blobs of both file kinds. get advances *@p and
 * returns FALSE on a truncated or over-long varint. */
void     mmr_storage_put_varint (GByteArray *out, guint64 v);
gboolean mmr_storage_get_varint (const guint8 **p, const guint8 *end,
                                 guint64 *out);
/* A string as varint length + bytes; get returns a new string. */
void     mmr_storage_put_string (GByteArray *out, const char *s);
gboolean mmr_storage_get_string (const guint8 **p, const guint8 *end,
                                 char **out);

/* One version (a register's sibling, or a version that met in a
 * conflict) as bytes:
 *   replica:u8 counter:varint ts:zigzag ts_logical:varint hlc_l:zigzag
 *   hlc_c:varint flags:u8 [value:string]    flags bit 0: tombstone
 * get returns FALSE on malformed bytes; *@value is a new string or NULL. */
void     mmr_storage_put_version (GByteArray *out, MmrDot dot, gint64 ts,
                                  guint32 ts_logical, MmrHlc hlc,
                                  const char *value);
gboolean mmr_storage_get_version (const guint8 **p, const guint8 *end,
                                  MmrDot *dot, gint64 *ts,
                                  guint32 *ts_logical, MmrHlc *hlc,
                                  char **value);

/* A version vector as a compact blob, shared by every table that stores
 * one: for each non-zero entry in replica order, the replica index (one
 * byte) then the counter as an LEB128 varint. The empty vector is the
 * empty blob. At most MMR_STORAGE_VV_MAX bytes. */
#define MMR_STORAGE_VV_MAX (MMR_MAX_REPLICAS * 6)
gsize    mmr_storage_vv_encode (const MmrVersionVector *vv, guint8 *out);
/* FALSE when @data is not such a blob (bad index, zero or oversized
 * counter, truncated varint). */
gboolean mmr_storage_vv_decode (const guint8 *data, gsize len,
                                MmrVersionVector *out);

/* A temporary directory for the databases of the replicas @names (made
 * with g_dir_make_tmp and @tmpl, e.g. "mmr-lab-XXXXXX"), tracked with
 * every file SQLite makes there (NAME.db, -wal, -shm, -journal) so that
 * SIGINT/SIGTERM remove it all once a command has called
 * mmr_part_file_install_cleanup (store/part-file.h). */
char    *mmr_storage_make_scratch_dir (const char *tmpl,
                                       const char *const *names,
                                       guint n_names, GError **error);
/* Removes a temporary directory of replica databases made for one run:
 * its files, one level deep, then the directory, and forgets them for
 * the signal handler. Only for directories this process created; never
 * for a user's --data. */
void     mmr_storage_remove_scratch_dir (const char *dir);

G_END_DECLS
