/* part-file.c - OUT.part then rename; cleanup on SIGINT/SIGTERM/SIGHUP
 *
 * Concept: an interrupted writer must leave either the old OUT or the new
 * one, never a torn file, and no debris. Renaming a complete OUT.part
 * gives the first; tracking every temporary path and removing them from
 * a signal handler gives the second (part-file.h says which signals and
 * why the handler is safe).
 *
 * Interface: mmr_part_file_open, _get_stream, _commit, _free; the
 * cleanup list: _track, _track_dir, _untrack, _untrack_under,
 * _install_cleanup.
 *
 * Invariants: a path is tracked from before its file is created until
 * after it is renamed or removed, so the handler can never miss one; the
 * list is only changed with the cleanup signals blocked, so the handler
 * never sees it half-changed; files go before directories, so a
 * directory is empty when rmdir(2) reaches it (a scratch directory's
 * files are all tracked).
 *
 * Taught in docs/storage.md ("Outputs").
 */
#include "store/part-file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "store/storage.h"

struct _MmrPartFile {
  char *path;
  char *part;
  FILE *stream;
};

static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP };

/* Both only grow in capacity; the handler reads len and pdata. */
static GPtrArray *tracked_files;
static GPtrArray *tracked_dirs;

static void
block_signals (sigset_t *old)
{
  sigset_t set;

  sigemptyset (&set);
  for (guint i = 0; i < G_N_ELEMENTS (cleanup_signals); i++)
    sigaddset (&set, cleanup_signals[i]);
  sigprocmask (SIG_BLOCK, &set, old);
}

static void
track_in (GPtrArray **list, const char *path)
{
  sigset_t old;

  block_signals (&old);
  if (*list == NULL)
    *list = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (*list, g_strdup (path));
  sigprocmask (SIG_SETMASK, &old, NULL);
}

void
mmr_part_file_track (const char *path)
{
  track_in (&tracked_files, path);
}

void
mmr_part_file_track_dir (const char *dir)
{
  track_in (&tracked_dirs, dir);
}

static void
untrack_in (GPtrArray *list, const char *path)
{
  for (guint i = 0; list != NULL && i < list->len; i++)
    if (strcmp (list->pdata[i], path) == 0)
      {
        g_ptr_array_remove_index (list, i);
        return;
      }
}

/* Forgets @path, a file or a directory; it is not removed. */
void
mmr_part_file_untrack (const char *path)
{
  sigset_t old;

  block_signals (&old);
  untrack_in (tracked_files, path);
  untrack_in (tracked_dirs, path);
  sigprocmask (SIG_SETMASK, &old, NULL);
}

static void
untrack_prefix (GPtrArray *list, const char *prefix)
{
  for (guint i = 0; list != NULL && i < list->len;)
    if (g_str_has_prefix (list->pdata[i], prefix))
      g_ptr_array_remove_index (list, i);
    else
      i++;
}

void
mmr_part_file_untrack_under (const char *dir)
{
  g_autofree char *prefix = g_strconcat (dir, G_DIR_SEPARATOR_S, NULL);
  sigset_t old;

  block_signals (&old);
  untrack_prefix (tracked_files, prefix);
  untrack_in (tracked_files, dir);
  untrack_in (tracked_dirs, dir);
  sigprocmask (SIG_SETMASK, &old, NULL);
}

/* DOC: part-file-signal */
static void
on_cleanup_signal (int sig)
{
  int saved = errno;

  for (guint i = 0; tracked_files != NULL && i < tracked_files->len; i++)
    unlink (tracked_files->pdata[i]);
  for (guint i = 0; tracked_dirs != NULL && i < tracked_dirs->len; i++)
    rmdir (tracked_dirs->pdata[i]);
  errno = saved;
  /* SA_RESETHAND restored the default action, and the signal is blocked
   * until we return: the process then dies of it. */
  raise (sig);
}

void
mmr_part_file_install_cleanup (void)
{
  struct sigaction sa;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_cleanup_signal;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset (&sa.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (cleanup_signals); i++)
    sigaddset (&sa.sa_mask, cleanup_signals[i]);
  for (guint i = 0; i < G_N_ELEMENTS (cleanup_signals); i++)
    {
      struct sigaction old;

      /* A signal the shell ignores (nohup, a background job's SIGINT)
       * stays ignored. */
      if (sigaction (cleanup_signals[i], NULL, &old) == 0
          && old.sa_handler == SIG_IGN)
        continue;
      sigaction (cleanup_signals[i], &sa, NULL);
    }
}

static gboolean
io_error (GError **error, const char *path, int e)
{
  g_set_error (error, MMR_STORAGE_ERROR,
               e == ENOSPC ? MMR_STORAGE_ERROR_FULL : MMR_STORAGE_ERROR_IO,
               "%s: cannot write: %s", path, g_strerror (e));
  return FALSE;
}

MmrPartFile *
mmr_part_file_open (const char *path, GError **error)
{
  g_autoptr (MmrPartFile) pf = g_new0 (MmrPartFile, 1);
  int fd;

  pf->path = g_strdup (path);
  pf->part = g_strconcat (path, ".part", NULL);
  mmr_part_file_track (pf->part);
  /* A leftover .part (the guard judged it ours, or --force) is replaced
   * by a new file, never written through: if it were a link, the write
   * would land in the file it points to. */
  g_unlink (pf->part);
  fd = g_open (pf->part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  pf->stream = fd >= 0 ? fdopen (fd, "w") : NULL;
  if (pf->stream == NULL)
    {
      int e = errno;

      if (fd >= 0)
        close (fd);
      io_error (error, path, e);
      return NULL;
    }
  return g_steal_pointer (&pf);
}

FILE *
mmr_part_file_get_stream (MmrPartFile *part)
{
  return part->stream;
}

/* DOC: part-file-commit */
gboolean
mmr_part_file_commit (MmrPartFile *part, int first_errno, GError **error)
{
  int e = first_errno;

  g_return_val_if_fail (part->stream != NULL, FALSE);
  if (fflush (part->stream) != 0 && e == 0)
    e = errno;
  if (ferror (part->stream) && e == 0)
    e = EIO;                  /* a write failed earlier; errno is gone */
  if (fclose (part->stream) != 0 && e == 0)
    e = errno;
  part->stream = NULL;
  if (e == 0 && g_rename (part->part, part->path) != 0)
    e = errno;
  if (e != 0)
    {
      g_unlink (part->part);
      mmr_part_file_untrack (part->part);
      return io_error (error, part->path, e);
    }
  mmr_part_file_untrack (part->part);
  g_clear_pointer (&part->part, g_free);
  return TRUE;
}

void
mmr_part_file_free (MmrPartFile *part)
{
  if (part == NULL)
    return;
  if (part->stream != NULL)
    fclose (part->stream);
  if (part->part != NULL)
    {
      g_unlink (part->part);
      mmr_part_file_untrack (part->part);
    }
  g_free (part->part);
  g_free (part->path);
  g_free (part);
}
