/* dir-lock.c - an flock on DIR/.mmr-lock naming its holder (dir-lock.h)
 *
 * Concept: advisory locking with flock(2). The lock belongs to an open
 * file description, so the kernel releases it when the holder exits or
 * is killed - the property that makes a stale lock file harmless, unlike
 * a lock that is only "the file exists" or "the pid in it".
 *
 * Interface: mmr_dir_lock_acquire, _get_path, _release,
 * mmr_dir_lock_format.
 *
 * Invariants: at most one live process holds the lock of a directory;
 * the holder's line is written only after the lock is held, so a reader
 * that finds the lock busy may find the line empty (the holder has not
 * written it yet) but never another run's; release unlinks before it
 * closes, so the next holder always locks a file that is at the path.
 *
 * Taught in docs/storage.md ("Outputs").
 */
#include "store/dir-lock.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <glib/gstdio.h>

G_DEFINE_QUARK (mmr-dir-lock-error-quark, mmr_dir_lock_error)

#define LOCK_HEAD "mmr lock: "

const MmrOutputFormat mmr_dir_lock_format = {
  "lock file", 0, LOCK_HEAD, NULL
};

struct _MmrDirLock {
  char *path;
  int fd;
};

static gboolean
io_error (GError **error, const char *path, const char *doing, int e)
{
  g_set_error (error, MMR_DIR_LOCK_ERROR, MMR_DIR_LOCK_ERROR_IO,
               "%s: cannot %s: %s", path, doing, g_strerror (e));
  return FALSE;
}

/* The holder's description from its lock file, or a placeholder. */
static char *
read_holder (int fd)
{
  char buf[512];
  gssize n = pread (fd, buf, sizeof buf - 1, 0);
  char *nl;

  if (n <= (gssize) strlen (LOCK_HEAD)
      || strncmp (buf, LOCK_HEAD, strlen (LOCK_HEAD)) != 0)
    return g_strdup ("a process that has not written its name yet");
  buf[n] = '\0';
  if ((nl = strchr (buf, '\n')) != NULL)
    *nl = '\0';
  return g_strdup (buf + strlen (LOCK_HEAD));
}

/* Locks the file now at @path; -1 and *@busy when another holds it. */
static int
lock_current_file (const char *path, gboolean *busy, GError **error)
{
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      GStatBuf at_path;
      struct stat held;
      int e;

      if (fd < 0)
        {
          io_error (error, path, "create the lock file", errno);
          return -1;
        }
      if (flock (fd, LOCK_EX | LOCK_NB) != 0)
        {
          e = errno;
          *busy = e == EWOULDBLOCK;
          if (*busy)
            {
              g_autofree char *holder = read_holder (fd);

              g_set_error_literal (error, MMR_DIR_LOCK_ERROR,
                                   MMR_DIR_LOCK_ERROR_BUSY, holder);
            }
          else
            io_error (error, path, "lock", e);
          close (fd);
          return -1;
        }
      /* A releasing holder may have unlinked the file we opened. */
      if (fstat (fd, &held) == 0 && g_stat (path, &at_path) == 0
          && held.st_dev == at_path.st_dev && held.st_ino == at_path.st_ino)
        return fd;
      close (fd);
    }
  io_error (error, path, "lock", EAGAIN);
  return -1;
}

/* DOC: dir-lock-acquire */
MmrDirLock *
mmr_dir_lock_acquire (const char *dir, const char *holder, GError **error)
{
  g_autofree char *path = g_build_filename (dir, MMR_DIR_LOCK_FILE, NULL);
  g_autofree char *line = g_strdup_printf (LOCK_HEAD "pid %d: %s\n",
                                           (int) getpid (), holder);
  g_autoptr (GError) e = NULL;
  gboolean busy = FALSE;
  MmrDirLock *lock;
  int fd = lock_current_file (path, &busy, &e);

  if (fd < 0)
    {
      if (busy)
        g_set_error (error, MMR_DIR_LOCK_ERROR, MMR_DIR_LOCK_ERROR_BUSY,
                     "%s: in use by %s; wait for that run to finish, or "
                     "give another directory", dir, e->message);
      else
        g_propagate_error (error, g_steal_pointer (&e));
      return NULL;
    }
  if (ftruncate (fd, 0) != 0
      || pwrite (fd, line, strlen (line), 0) != (gssize) strlen (line))
    {
      int err = errno;

      g_unlink (path);
      close (fd);
      io_error (error, path, "write the lock file", err);
      return NULL;
    }
  lock = g_new0 (MmrDirLock, 1);
  lock->path = g_steal_pointer (&path);
  lock->fd = fd;
  return lock;
}

const char *
mmr_dir_lock_get_path (const MmrDirLock *lock)
{
  return lock->path;
}

void
mmr_dir_lock_release (MmrDirLock *lock)
{
  if (lock == NULL)
    return;
  g_unlink (lock->path);
  close (lock->fd);
  g_free (lock->path);
  g_free (lock);
}
