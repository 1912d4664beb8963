/* output-guard.c - what a command may write over, decided before it writes
 *
 * Concept: an output path given on a command line is a promise from the
 * user that losing what is there is fine - but only for the kind of file
 * the command writes. A typo ("--trace s.mmr"), a swapped argument
 * ("export run.db --jsonl run.db") or a busy folder must never cost the
 * user a file. So each output is checked against the command's inputs
 * (by device and inode, which survives "./", "..", links and hard links,
 * where comparing names does not) and against what the file already
 * holds (our SQLite application_id, or the bytes our writers always
 * start with). The rules are listed in output-guard.h.
 *
 * Interface: mmr_output_guard_new / _free, _add_input, _check,
 * _check_in_place, _is_ours.
 *
 * Invariants: the guard never opens a file for writing, creates or
 * removes one; a refused output leaves every file byte-for-byte as it
 * was; an empty file is ours (there is nothing in it to lose, and an
 * interrupted writer of ours may have left it); rule 1 holds whatever
 * --force says.
 *
 * Taught in docs/storage.md ("Outputs").
 */
#include "store/output-guard.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

G_DEFINE_QUARK (mmr-output-guard-error-quark, mmr_output_guard_error)

typedef struct {
  char *path;                  /* as the user gave it, for messages */
  char *canon;                 /* absolute, for files not there yet */
  char *what;
  gboolean exists;
  dev_t dev;
  ino_t ino;
} FileId;

struct _MmrOutputGuard {
  gboolean force;
  GPtrArray *inputs;           /* FileId*, only existing files */
  GPtrArray *taken;            /* FileId*, outputs and their .part */
};

static void
file_id_free (FileId *f)
{
  g_free (f->path);
  g_free (f->canon);
  g_free (f->what);
  g_free (f);
}

static FileId *
file_id_new (const char *path, const char *what)
{
  FileId *f = g_new0 (FileId, 1);
  GStatBuf st;

  f->path = g_strdup (path);
  f->canon = g_canonicalize_filename (path, NULL);
  f->what = g_strdup (what);
  if (g_stat (path, &st) == 0)
    {
      f->exists = TRUE;
      f->dev = st.st_dev;
      f->ino = st.st_ino;
    }
  return f;
}

static gboolean
same_file (const FileId *a, const FileId *b)
{
  if (a->exists && b->exists)
    return a->dev == b->dev && a->ino == b->ino;
  return strcmp (a->canon, b->canon) == 0;
}

MmrOutputGuard *
mmr_output_guard_new (gboolean force)
{
  MmrOutputGuard *g = g_new0 (MmrOutputGuard, 1);

  g->force = force;
  g->inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) file_id_free);
  g->taken = g_ptr_array_new_with_free_func ((GDestroyNotify) file_id_free);
  return g;
}

void
mmr_output_guard_free (MmrOutputGuard *guard)
{
  if (guard == NULL)
    return;
  g_ptr_array_unref (guard->inputs);
  g_ptr_array_unref (guard->taken);
  g_free (guard);
}

void
mmr_output_guard_add_input (MmrOutputGuard *guard, const char *path,
                            const char *what)
{
  FileId *f = file_id_new (path, what);

  if (f->exists)
    g_ptr_array_add (guard->inputs, f);
  else
    file_id_free (f);
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16)
         | ((guint32) p[2] << 8) | p[3];
}

static gboolean
has_tests (const MmrOutputFormat *format)
{
  return format->sqlite_application_id != 0 || format->head != NULL
         || format->is_ours != NULL;
}

/* DOC: output-is-ours */
gboolean
mmr_output_guard_is_ours (const char *path, const MmrOutputFormat *format)
{
  static const char magic[16] = "SQLite format 3";
  guint8 head[MMR_OUTPUT_GUARD_HEAD_MAX];
  int fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
  gssize n;
  gsize len;

  if (fd < 0)
    return FALSE;
  n = read (fd, head, sizeof head);
  close (fd);
  if (n < 0)
    return FALSE;
  len = (gsize) n;
  if (len == 0)
    return TRUE;
  if (format->sqlite_application_id != 0 && len >= 100
      && memcmp (head, magic, sizeof magic) == 0
      && read_be32 (head + 68) == format->sqlite_application_id)
    return TRUE;
  if (format->head != NULL && len >= strlen (format->head)
      && memcmp (head, format->head, strlen (format->head)) == 0)
    return TRUE;
  return format->is_ours != NULL && format->is_ours (head, len);
}

/* Rules 1, 2 and 4 for one file that would be written or replaced. */
static gboolean
check_existing (MmrOutputGuard *guard, const FileId *f,
                const MmrOutputFormat *format, GError **error)
{
  GStatBuf st;

  if (!f->exists)
    return TRUE;
  for (guint i = 0; i < guard->inputs->len; i++)
    if (same_file (guard->inputs->pdata[i], f))
      {
        g_set_error (error, MMR_OUTPUT_GUARD_ERROR,
                     MMR_OUTPUT_GUARD_ERROR_INPUT,
                     "%s: will not write the %s there: it is the %s this "
                     "command reads; give another file name", f->path,
                     format->what,
                     ((FileId *) guard->inputs->pdata[i])->what);
        return FALSE;
      }
  if (g_stat (f->path, &st) == 0 && S_ISDIR (st.st_mode))
    {
      g_set_error (error, MMR_OUTPUT_GUARD_ERROR,
                   MMR_OUTPUT_GUARD_ERROR_DIRECTORY,
                   "%s: cannot write the %s there: it is a directory",
                   f->path, format->what);
      return FALSE;
    }
  /* A device or a pipe: reading it to judge it could block, and OUT.part
   * then rename cannot write to it anyway. */
  if (g_stat (f->path, &st) == 0 && !S_ISREG (st.st_mode))
    {
      g_set_error (error, MMR_OUTPUT_GUARD_ERROR,
                   MMR_OUTPUT_GUARD_ERROR_DIRECTORY,
                   "%s: cannot write the %s there: it is not a regular file",
                   f->path, format->what);
      return FALSE;
    }
  if (guard->force || !has_tests (format)
      || mmr_output_guard_is_ours (f->path, format))
    return TRUE;
  g_set_error (error, MMR_OUTPUT_GUARD_ERROR, MMR_OUTPUT_GUARD_ERROR_FOREIGN,
               "%s: will not replace it: it is not a %s that mmr wrote; move "
               "it away, give another file name, or pass --force to replace "
               "it", f->path, format->what);
  return FALSE;
}

/* Rule 3. */
static gboolean
check_untaken (MmrOutputGuard *guard, const FileId *f, GError **error)
{
  for (guint i = 0; i < guard->taken->len; i++)
    {
      const FileId *t = guard->taken->pdata[i];

      if (same_file (t, f))
        {
          g_set_error (error, MMR_OUTPUT_GUARD_ERROR,
                       MMR_OUTPUT_GUARD_ERROR_TWICE,
                       "%s: given for both the %s and the %s; give each "
                       "output its own file", f->path, t->what, f->what);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_files (MmrOutputGuard *guard, const char *path, gboolean with_part,
             const MmrOutputFormat *format, GError **error)
{
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  FileId *files[2] = { file_id_new (path, format->what),
                       with_part ? file_id_new (part, format->what) : NULL };
  guint n = with_part ? 2 : 1;
  gboolean ok = TRUE;

  for (guint i = 0; ok && i < n; i++)
    ok = check_untaken (guard, files[i], error)
         && check_existing (guard, files[i], format, error);
  for (guint i = 0; i < n; i++)
    if (ok)
      g_ptr_array_add (guard->taken, files[i]);
    else
      file_id_free (files[i]);
  return ok;
}

gboolean
mmr_output_guard_check (MmrOutputGuard *guard, const char *path,
                        const MmrOutputFormat *format, GError **error)
{
  g_return_val_if_fail (guard != NULL && path != NULL && format != NULL,
                        FALSE);
  return check_files (guard, path, TRUE, format, error);
}

gboolean
mmr_output_guard_check_in_place (MmrOutputGuard *guard, const char *path,
                                 const MmrOutputFormat *format,
                                 GError **error)
{
  g_return_val_if_fail (guard != NULL && path != NULL && format != NULL,
                        FALSE);
  return check_files (guard, path, FALSE, format, error);
}
