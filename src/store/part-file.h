/* part-file.h - an output that appears whole or not at all, even when the
 * process is interrupted
 *
 * An output OUT is written to OUT.part and renamed to OUT when complete
 * (rename(2) replaces OUT at once), so a reader never sees half a file
 * under the real name. Whether OUT may be replaced at all is decided
 * before, by store/output-guard.h.
 *
 * Whatever a command creates only for the length of a run - a .part, a
 * scratch directory of replica databases - is "tracked": after
 * mmr_part_file_install_cleanup, SIGINT, SIGTERM and SIGHUP first remove
 * every tracked file, then every tracked (by then empty) directory, then
 * kill the process with the same signal, so the shell still sees
 * "terminated by SIGTERM". The handler calls only unlink(2), rmdir(2) and
 * raise(3), which are async-signal-safe; the list it walks is changed only
 * with those signals blocked. On a normal error path the code that made a
 * file removes it (mmr_part_file_free, mmr_storage_remove_scratch_dir).
 *
 * A SIGKILL cannot be caught: it leaves OUT.part behind. The next run
 * replaces it, since a .part of our format (or an empty one) is ours.
 *
 * Errors are MMR_STORAGE_ERROR and start with OUT.
 *
 * Taught in docs/storage.md ("Outputs").
 */
#pragma once

#include <stdio.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct _MmrPartFile MmrPartFile;

/* Creates (or truncates) @path.part for writing and tracks it. */
MmrPartFile *mmr_part_file_open       (const char *path, GError **error);
FILE        *mmr_part_file_get_stream (MmrPartFile *part);
/* Closes the stream and renames @path.part to @path. FALSE (and no
 * .part left) when a write, the close or the rename failed; @first_errno
 * is an errno the caller's own writes saw, or 0. */
gboolean     mmr_part_file_commit     (MmrPartFile *part, int first_errno,
                                       GError **error);
/* Abandons an uncommitted file: closes and removes @path.part. */
void         mmr_part_file_free       (MmrPartFile *part);

/* The list the signal handler empties. Paths are copied. */
void mmr_part_file_track         (const char *path);
void mmr_part_file_track_dir     (const char *dir);
void mmr_part_file_untrack       (const char *path);
/* Forgets @dir and every tracked path inside it. */
void mmr_part_file_untrack_under (const char *dir);
void mmr_part_file_install_cleanup (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrPartFile, mmr_part_file_free)

G_END_DECLS
