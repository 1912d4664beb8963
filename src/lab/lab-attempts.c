/* lab-attempts.c - attempts per question, kept beside the answers
 *
 * The concept: a wrong answer is marked wrong without the right one, so a
 * student tries again; how many tries it took is worth knowing to the
 * student and to an instructor. The count lives in FILE.attempts next to
 * the answers file, one line per question: "ID<TAB>COUNT<TAB>KEY", KEY the
 * canonical key of the answer last counted (so an unchanged answer is not
 * a new attempt). The first line is a header that marks the file as ours.
 *
 * Interface: lab-attempts.h (_path, _load, _note, _save, _get, _free).
 * Invariant: a count only grows; a file without the header is never
 * overwritten.
 * Taught in docs/labs.md ("Attempts").
 */
#include "lab/lab-attempts.h"

#include <stdlib.h>
#include <string.h>

#define HEADER "# mmr lab attempts: ID, answers graded, last answer's key"

typedef struct {
  guint count;
  char *key;
} Attempt;

struct _MmrLabAttempts {
  char *path;
  GHashTable *by_id;       /* id -> Attempt*, owned */
};

static void
attempt_free (Attempt *a)
{
  g_free (a->key);
  g_free (a);
}

char *
mmr_lab_attempts_path (const char *answers_path)
{
  return g_strconcat (answers_path, ".attempts", NULL);
}

MmrLabAttempts *
mmr_lab_attempts_load (const char *path, GError **error)
{
  g_autoptr (MmrLabAttempts) at = g_new0 (MmrLabAttempts, 1);
  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;
  g_auto (GStrv) lines = NULL;

  at->path = g_strdup (path);
  at->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) attempt_free);
  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&at);
      g_set_error (error, MMR_LAB_ERROR, MMR_LAB_ERROR_IO,
                   "%s: cannot read: %s", path, local->message);
      return NULL;
    }
  if (!g_str_has_prefix (text, HEADER "\n"))
    {
      g_set_error (error, MMR_LAB_ERROR, MMR_LAB_ERROR_IO,
                   "%s: not an attempts file (no '%s' line); move it away, "
                   "mmr keeps the count of attempts there", path, HEADER);
      return NULL;
    }
  lines = g_strsplit (text + strlen (HEADER "\n"), "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], "\t", 3);
      Attempt *a;

      if (g_strv_length (f) != 3)
        continue;             /* an empty last line, or a damaged one */
      a = g_new0 (Attempt, 1);
      a->count = (guint) g_ascii_strtoull (f[1], NULL, 10);
      a->key = g_strdup (f[2]);
      g_hash_table_replace (at->by_id, g_strdup (f[0]), a);
    }
  return g_steal_pointer (&at);
}

void
mmr_lab_attempts_free (MmrLabAttempts *at)
{
  if (at == NULL)
    return;
  g_hash_table_unref (at->by_id);
  g_free (at->path);
  g_free (at);
}

void
mmr_lab_attempts_note (MmrLabAttempts *at, const MmrLab *lab,
                       const MmrLabAnswers *answers)
{
  for (guint s = 0; s < lab->steps->len; s++)
    {
      const MmrLabStep *step = lab->steps->pdata[s];

      for (guint i = 0; i < step->questions->len; i++)
        {
          const MmrLabQuestion *q = step->questions->pdata[i];
          const MmrLabChoice *given = mmr_lab_answers_lookup (answers, q->id);
          Attempt *a;

          if (given == NULL)
            continue;
          a = g_hash_table_lookup (at->by_id, q->id);
          if (a == NULL)
            {
              a = g_new0 (Attempt, 1);
              g_hash_table_replace (at->by_id, g_strdup (q->id), a);
            }
          if (a->key != NULL && strcmp (a->key, given->key) == 0)
            continue;
          a->count++;
          g_free (a->key);
          a->key = g_strdup (given->key);
        }
    }
}

static int
id_compare (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

gboolean
mmr_lab_attempts_save (const MmrLabAttempts *at, GError **error)
{
  g_autoptr (GString) s = g_string_new (HEADER "\n");
  g_autofree gpointer *ids = NULL;
  guint n = 0;
  g_autoptr (GError) local = NULL;

  ids = g_hash_table_get_keys_as_array (at->by_id, &n);
  qsort (ids, n, sizeof *ids, id_compare);
  for (guint i = 0; i < n; i++)
    {
      const Attempt *a = g_hash_table_lookup (at->by_id, ids[i]);

      g_string_append_printf (s, "%s\t%u\t%s\n", (const char *) ids[i],
                              a->count, a->key);
    }
  /* g_file_set_contents writes a temporary file and renames it. */
  if (!g_file_set_contents (at->path, s->str, (gssize) s->len, &local))
    {
      g_set_error (error, MMR_LAB_ERROR, MMR_LAB_ERROR_IO,
                   "%s: cannot write: %s", at->path, local->message);
      return FALSE;
    }
  return TRUE;
}

guint
mmr_lab_attempts_get (const MmrLabAttempts *at, const char *id)
{
  const Attempt *a = at != NULL ? g_hash_table_lookup (at->by_id, id) : NULL;

  return a != NULL ? a->count : 0;
}
