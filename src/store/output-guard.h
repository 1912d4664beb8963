/* output-guard.h - the rules every command follows before it writes a file
 *
 * A command that writes files (mmr run --trace/--record/--data, mmr export,
 * mmr-inspector --export-diagram) first lists its inputs, then asks the
 * guard about each output. The guard refuses, before anything is written:
 *
 *   1. an output that is an input: the same file as an input after
 *      following links (device and inode, so a hard link, a symlink or
 *      "./s.mmr" for "s.mmr" are all caught), or an output whose OUT.part
 *      is one - never allowed, not even with --force;
 *   2. an existing output that is not ours: not of the format the command
 *      writes there (MmrOutputFormat: our SQLite application_id, or the
 *      first bytes our writer always starts with) and not empty. Only
 *      --force replaces it. The same holds for a leftover OUT.part;
 *   3. one file given for two outputs of the same command;
 *   4. a directory, a device or a pipe where a file is to be written.
 *
 * A refused file is never opened for writing. Errors are
 * MMR_OUTPUT_GUARD_ERROR; every message starts with the refused path and
 * says how to proceed. Writing itself goes through store/part-file.h
 * (OUT.part, then rename), so OUT is either the whole new file or the old
 * one.
 *
 * The guard checks once, before the command starts; a file that another
 * process puts in place during the run is not re-checked (the rename then
 * replaces it, as any editor's save would).
 *
 * Taught in docs/storage.md ("Outputs: what mmr will and will not
 * overwrite") and the README's CLI section.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MMR_OUTPUT_GUARD_ERROR (mmr_output_guard_error_quark ())
GQuark mmr_output_guard_error_quark (void);

typedef enum {
  MMR_OUTPUT_GUARD_ERROR_INPUT,      /* the output is an input */
  MMR_OUTPUT_GUARD_ERROR_FOREIGN,    /* exists, not ours, no --force */
  MMR_OUTPUT_GUARD_ERROR_TWICE,      /* two outputs, one file */
  MMR_OUTPUT_GUARD_ERROR_DIRECTORY,  /* a directory (or a device) is there */
  MMR_OUTPUT_GUARD_ERROR_IO,         /* cannot even look at it */
} MmrOutputGuardError;

/* How to recognise a file of ours. A file is ours when it is empty, or
 * when any of the set tests holds. With none set (a companion file whose
 * owner was checked already), only rules 1, 3 and 4 apply. */
typedef struct {
  const char *what;                /* "trace", for messages */
  guint32 sqlite_application_id;   /* PRAGMA application_id, or 0 */
  const char *head;                /* first bytes of every such file */
  /* Or a test on the first MMR_OUTPUT_GUARD_HEAD_MAX bytes. */
  gboolean (*is_ours) (const guint8 *head, gsize len);
} MmrOutputFormat;

#define MMR_OUTPUT_GUARD_HEAD_MAX 4096

typedef struct _MmrOutputGuard MmrOutputGuard;

/* @force is the command's --force: replace files that are not ours. */
MmrOutputGuard *mmr_output_guard_new  (gboolean force);
void            mmr_output_guard_free (MmrOutputGuard *guard);

/* @path is read by the command: no output may be it. @what names it in
 * messages ("scenario"). A missing input is ignored here (the command
 * reports it when it reads it). */
void     mmr_output_guard_add_input (MmrOutputGuard *guard, const char *path,
                                     const char *what);

/* Rules 1-4 for @path and @path.part, to be written as @format. TRUE
 * when the command may write them; then @path also counts as taken for
 * rule 3. Does not create, open for writing or remove anything. */
gboolean mmr_output_guard_check (MmrOutputGuard *guard, const char *path,
                                 const MmrOutputFormat *format,
                                 GError **error);

/* The same for @path alone, without a .part: for files a command writes
 * in place (a replica database's -wal, the lock file). */
gboolean mmr_output_guard_check_in_place (MmrOutputGuard *guard,
                                          const char *path,
                                          const MmrOutputFormat *format,
                                          GError **error);

/* Is the existing file @path of @format (rule 2 without --force)? FALSE
 * when it is missing or unreadable. */
gboolean mmr_output_guard_is_ours (const char *path,
                                   const MmrOutputFormat *format);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrOutputGuard, mmr_output_guard_free)

G_END_DECLS
