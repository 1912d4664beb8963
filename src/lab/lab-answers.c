/* lab-answers.c - answers files and grading (see lab-answers.h)
 *
 * The answer is read by the question's own reader
 * (mmr_lab_question_read_answer), the one that read the lab's choices, so
 * an answer and a choice that mean the same thing have the same key.
 *
 * Interface: mmr_lab_answers_new/parse/load/free(), _set(), _lookup(),
 * _size(), _grade(), mmr_lab_grade_to_string().
 * Invariant: every stored answer is one of its question's choices (or, for
 * an open question, a well-formed answer of its kind).
 * Taught in docs/labs.md ("Answers").
 */
#include "lab/lab-answers.h"

#include <string.h>

#include "lab/lab-question.h"
#include "scenario/lexer.h"

struct _MmrLabAnswers {
  const MmrLab *lab;
  GHashTable *by_id;       /* id -> MmrLabChoice*, owned */
  GHashTable *line_of;     /* id -> line in the file (GUINT_TO_POINTER) */
};

MmrLabAnswers *
mmr_lab_answers_new (const MmrLab *lab)
{
  MmrLabAnswers *a = g_new0 (MmrLabAnswers, 1);

  a->lab = lab;
  a->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) mmr_lab_choice_free);
  a->line_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return a;
}

void
mmr_lab_answers_free (MmrLabAnswers *a)
{
  if (a == NULL)
    return;
  g_hash_table_unref (a->by_id);
  g_hash_table_unref (a->line_of);
  g_free (a);
}

static char *
list_choices (const MmrLabQuestion *q)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < q->choices->len; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? " | " : "",
                            ((MmrLabChoice *) q->choices->pdata[i])->label);
  return g_string_free (s, FALSE);
}

/* Reads @text as an answer to @q; on failure *out_problem and the byte
 * offset it is about. */
static MmrLabChoice *
read_answer (const MmrLabAnswers *a, const MmrLabQuestion *q,
             const char *text, char **out_problem, gsize *out_offset)
{
  const char *const *names = mmr_lab_question_names (a->lab, q);
  guint n = 0;
  MmrLabChoice *c;

  while (n < MMR_MAX_REPLICAS && names[n] != NULL)
    n++;
  c = mmr_lab_question_read_answer (q, names, n, text, out_problem,
                                    out_offset);
  if (c != NULL && q->choices->len > 0
      && mmr_lab_question_find_choice (q, c->key) < 0)
    {
      g_autofree char *list = list_choices (q);

      *out_problem = g_strdup_printf ("'%s' is not one of the choices for "
                                      "%s: %s", c->label, q->id, list);
      *out_offset = strspn (text, " \t");
      mmr_lab_choice_free (c);
      return NULL;
    }
  return c;
}

gboolean
mmr_lab_answers_set (MmrLabAnswers *a, const char *id, const char *text,
                     GError **error)
{
  const MmrLabQuestion *q = mmr_lab_find_question (a->lab, id);
  g_autofree char *problem = NULL;
  gsize offset;
  MmrLabChoice *c;

  if (q == NULL)
    {
      g_set_error (error, MMR_LAB_ERROR, MMR_LAB_ERROR_SYNTAX,
                   "this lab has no question %s", id);
      return FALSE;
    }
  c = read_answer (a, q, text, &problem, &offset);
  if (c == NULL)
    {
      g_set_error (error, MMR_LAB_ERROR, MMR_LAB_ERROR_SYNTAX, "%s: %s", id,
                   problem);
      return FALSE;
    }
  g_hash_table_replace (a->by_id, g_strdup (id), c);
  return TRUE;
}

const MmrLabChoice *
mmr_lab_answers_lookup (const MmrLabAnswers *a, const char *id)
{
  return g_hash_table_lookup (a->by_id, id);
}

guint
mmr_lab_answers_size (const MmrLabAnswers *a)
{
  return g_hash_table_size (a->by_id);
}

/* DOC: lab-grade */
MmrLabGrade
mmr_lab_answers_grade (const MmrLabAnswers *a, const char *id,
                       const char *run_key)
{
  const MmrLabChoice *c = a != NULL ? mmr_lab_answers_lookup (a, id) : NULL;

  if (c == NULL)
    return MMR_LAB_UNANSWERED;
  return strcmp (c->key, run_key) == 0 ? MMR_LAB_RIGHT : MMR_LAB_WRONG;
}

const char *
mmr_lab_grade_to_string (MmrLabGrade grade)
{
  switch (grade)
    {
    case MMR_LAB_UNANSWERED: return "unanswered";
    case MMR_LAB_RIGHT: return "right";
    case MMR_LAB_WRONG: return "wrong";
    default: g_assert_not_reached ();
    }
  return NULL;
}

/* ----------------------------------------------------------------- files */

/* "2.1 = concurrent": the line is read by the scenario language's lexer
 * (UTF-8, no control characters, '#' comments), the answer by the
 * question's reader. */
static gboolean
parse_line (MmrLabAnswers *a, MmrLexer *L, guint line_no, const char *raw)
{
  const char *p, *id_end, *eq;
  g_autofree char *id = NULL;
  g_autofree char *problem = NULL;
  const MmrLabQuestion *q;
  MmrLabChoice *c;
  gsize offset;
  gpointer seen;

  if (!mmr_lexer_load_line (L, line_no, raw, strlen (raw)))
    return FALSE;
  mmr_lexer_cut_comment (L->line);
  p = L->line + strspn (L->line, " \t");
  if (*p == '\0')
    return TRUE;
  id_end = p + strspn (p, "0123456789.");
  id = g_strndup (p, (gsize) (id_end - p));
  if (!g_regex_match_simple ("^[1-9][0-9]*\\.[1-9][0-9]*$", id, 0, 0))
    return mmr_lexer_fail (L, mmr_lexer_col_at (L, p), "expected a question "
                           "like 2.1 (step 2, question 1) at the start of "
                           "the line");
  if ((q = mmr_lab_find_question (a->lab, id)) == NULL)
    return mmr_lexer_fail (L, mmr_lexer_col_at (L, p), "this lab has no "
                           "question %s", id);
  if (g_hash_table_lookup_extended (a->line_of, id, NULL, &seen))
    return mmr_lexer_fail (L, mmr_lexer_col_at (L, p), "question %s is "
                           "already answered on line %u", id,
                           GPOINTER_TO_UINT (seen));
  eq = id_end + strspn (id_end, " \t");
  if (*eq != '=')
    return mmr_lexer_fail (L, mmr_lexer_col_at (L, eq), "expected '=' after "
                           "%s, e.g. '%s = yes'", id, id);
  c = read_answer (a, q, eq + 1, &problem, &offset);
  if (c == NULL)
    return mmr_lexer_fail (L, mmr_lexer_col_at (L, eq + 1 + offset), "%s",
                           problem);
  g_hash_table_replace (a->by_id, g_strdup (id), c);
  g_hash_table_replace (a->line_of, g_strdup (id), GUINT_TO_POINTER (line_no));
  return TRUE;
}

MmrLabAnswers *
mmr_lab_answers_parse (const MmrLab *lab, const char *filename,
                       const char *text, GError **error)
{
  g_autoptr (MmrLabAnswers) a = mmr_lab_answers_new (lab);
  g_auto (GStrv) lines = NULL;
  MmrLexer L;
  gboolean ok = TRUE;

  g_return_val_if_fail (lab != NULL && filename != NULL && text != NULL,
                        NULL);
  mmr_lexer_init (&L, filename, MMR_LAB_ERROR, MMR_LAB_ERROR_SYNTAX,
                  "an answers file", "value");
  lines = g_strsplit (mmr_lexer_skip_bom (text), "\n", -1);
  for (guint i = 0; ok && lines[i] != NULL; i++)
    ok = parse_line (a, &L, i + 1, lines[i]);
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&L.error));
  mmr_lexer_clear (&L);
  return ok ? g_steal_pointer (&a) : NULL;
}

MmrLabAnswers *
mmr_lab_answers_load (const MmrLab *lab, const char *path, GError **error)
{
  /* Read whole, so that a NUL byte is refused where it is instead of
   * ending the file there (and hiding the answers after it). */
  g_autofree char *text = mmr_lab_read_text (path, error);

  if (text == NULL)
    return NULL;
  return mmr_lab_answers_parse (lab, path, text, error);
}
