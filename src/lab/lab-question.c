/* lab-question.c - a question's answers: read, generated, computed
 *
 * The point of a lab question is that its right answer is never written
 * down: it is computed from the run at the moment the question is reached,
 * through the same views and checkers "mmr run" reports with. A lab cannot
 * teach something the engine does not do.
 *
 * Interface:
 *   mmr_lab_question_read_answer()       text -> canonical answer
 *   mmr_lab_question_generate_choices()  choices from the script, not the run
 *   mmr_lab_question_find_choice()
 *   mmr_lab_question_compute()           the run's answer, with evidence
 *
 * Canonical keys: value sets are "=" and the sorted, de-duplicated values
 * joined by U+001F (which a value can never contain: the scenario language
 * refuses control characters); the words absent and none are "!absent" and
 * "!none"; numbers are printed without leading zeros; a version vector is
 * printed by mmr_version_vector_to_string, zero entries left out.
 *
 * Taught in docs/labs.md ("Questions").
 */
#include "lab/lab-question.h"

#include <string.h>

#include "scenario/lexer.h"
#include "sim/view.h"

#define SEP "\x1f"

void
mmr_lab_choice_free (MmrLabChoice *c)
{
  if (c == NULL)
    return;
  g_free (c->key);
  g_free (c->label);
  g_free (c);
}

static MmrLabChoice *
choice_new (char *key, char *label)
{
  MmrLabChoice *c = g_new0 (MmrLabChoice, 1);

  c->key = key;
  c->label = label;
  return c;
}

/* ------------------------------------------------------------ value sets */

static gboolean
is_special (char c)
{
  return c == ',' || c == '{' || c == '}' || c == '|' || c == '"';
}

/* A value as the report shows it: quoted when it could not be read back
 * bare (blanks, punctuation, a keyword, nothing at all). A lone value may
 * contain commas, as in the scenario language ("milk,flour"); inside a
 * set a comma separates values. */
static char *
value_label (const char *v, gboolean in_set)
{
  gboolean bare = *v != '\0' && strcmp (v, "absent") != 0
                  && strcmp (v, "none") != 0 && v[0] != '#' && v[0] != '{';
  GString *s;

  for (const char *p = v; bare && *p != '\0'; p++)
    bare = !mmr_lexer_is_blank (*p)
           && (!is_special (*p) || (*p == ',' && !in_set));
  if (bare)
    return g_strdup (v);
  s = g_string_new ("\"");
  for (const char *p = v; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (s, '\\');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
  return g_string_free (s, FALSE);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Takes @values (sorted here, duplicates dropped). */
static MmrLabChoice *
choice_from_values (GPtrArray *values)
{
  GString *key = g_string_new ("=");
  GString *label = g_string_new (NULL);

  g_ptr_array_sort (values, compare_strings);
  for (guint i = 1; i < values->len;)
    if (strcmp (values->pdata[i - 1], values->pdata[i]) == 0)
      g_ptr_array_remove_index (values, i);
    else
      i++;
  if (values->len > 1)
    g_string_append_c (label, '{');
  for (guint i = 0; i < values->len; i++)
    {
      g_autofree char *l = value_label (values->pdata[i], values->len > 1);

      g_string_append_printf (key, "%s%s", i > 0 ? SEP : "",
                              (const char *) values->pdata[i]);
      g_string_append_printf (label, "%s%s", i > 0 ? ", " : "", l);
    }
  if (values->len > 1)
    g_string_append_c (label, '}');
  return choice_new (g_string_free (key, FALSE), g_string_free (label, FALSE));
}

static MmrLabChoice *
choice_word (const char *word)
{
  return choice_new (g_strconcat ("!", word, NULL), g_strdup (word));
}

typedef struct {
  const char *start;
  const char *p;
  char *problem;
  gsize offset;
} Reader;

static gboolean fail (Reader *R, const char *at, const char *fmt, ...)
  G_GNUC_PRINTF (3, 4);

static gboolean
fail (Reader *R, const char *at, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  R->problem = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  R->offset = (gsize) (at - R->start);
  return FALSE;
}

static void
skip_blanks (Reader *R)
{
  while (mmr_lexer_is_blank (*R->p))
    R->p++;
}

/* One VALUE: "quoted" or a bare word, which may contain commas unless
 * @in_set. *out_quoted tells keywords apart from the same text in
 * quotes. */
static gboolean
read_value (Reader *R, gboolean in_set, char **out, gboolean *out_quoted)
{
  const char *q = R->p;

  *out_quoted = *q == '"';
  if (*out_quoted)
    {
      g_autofree char *problem = NULL;
      const char *at = NULL, *end = NULL;

      /* The scenario language's quotes (src/scenario/lexer.c). */
      *out = mmr_lexer_scan_quoted (R->p, "value", &end, &problem, &at);
      if (*out == NULL)
        return fail (R, at, "%s", problem);
      R->p = end;
      return TRUE;
    }
  while (*q != '\0' && !mmr_lexer_is_blank (*q)
         && (!is_special (*q) || (*q == ',' && !in_set)))
    q++;
  if (q == R->p)
    return fail (R, R->p, *q == '\0' ? "expected a value"
                 : "expected a value, got '%c'", *q);
  *out = g_strndup (R->p, (gsize) (q - R->p));
  R->p = q;
  return TRUE;
}

/* "{a, b}" with R->p on the '{'. */
static gboolean
read_set (Reader *R, GPtrArray *values)
{
  const char *open = R->p++;

  for (;;)
    {
      char *v = NULL;
      gboolean quoted;

      skip_blanks (R);
      if (*R->p == '}' && values->len == 0)
        return fail (R, R->p, "an empty set; write absent or none instead");
      if (!read_value (R, TRUE, &v, &quoted))
        return FALSE;
      g_ptr_array_add (values, v);
      skip_blanks (R);
      if (*R->p == '}')
        {
          R->p++;
          return TRUE;
        }
      if (*R->p != ',')
        return fail (R, *R->p == '\0' ? open : R->p,
                     *R->p == '\0' ? "this set has no closing '}'"
                     : "expected ',' or '}' in the set");
      R->p++;
    }
}

/* value, winner, lost-writes: a value, a set (unless @allow_set is FALSE)
 * or one of @words. */
static MmrLabChoice *
read_values (Reader *R, gboolean allow_set, const char *const *words)
{
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  const char *start = R->p;
  gboolean quoted = FALSE;
  char *v = NULL;

  if (*R->p == '{')
    {
      if (!allow_set)
        return fail (R, R->p, "expected one value, not a set"), NULL;
      if (!read_set (R, values))
        return NULL;
    }
  else
    {
      if (!read_value (R, FALSE, &v, &quoted))
        return NULL;
      g_ptr_array_add (values, v);
    }
  skip_blanks (R);
  if (*R->p != '\0')
    return fail (R, R->p, "unexpected '%s' after the answer", R->p), NULL;
  for (guint i = 0; !quoted && *start != '{' && words[i] != NULL; i++)
    if (strcmp (values->pdata[0], words[i]) == 0)
      return choice_word (words[i]);
  return choice_from_values (values);
}

static MmrLabChoice *
read_word (Reader *R, const char *const *words, const char *expected)
{
  for (guint i = 0; words[i] != NULL; i++)
    if (strcmp (R->p, words[i]) == 0)
      return choice_new (g_strdup (words[i]), g_strdup (words[i]));
  return fail (R, R->p, "expected %s, got '%s'", expected, R->p), NULL;
}

static MmrLabChoice *
read_count (Reader *R)
{
  guint64 n;

  if (*R->p == '\0' || strspn (R->p, "0123456789") != strlen (R->p)
      || !g_ascii_string_to_unsigned (R->p, 10, 0, G_MAXINT64, &n, NULL))
    return fail (R, R->p, "expected a whole number, got '%s'", R->p), NULL;
  return choice_new (g_strdup_printf ("%" G_GUINT64_FORMAT, n),
                     g_strdup_printf ("%" G_GUINT64_FORMAT, n));
}

static int
name_index (const char *const *names, guint n_names, const char *s, gsize len)
{
  for (guint i = 0; i < n_names; i++)
    if (strlen (names[i]) == len && strncmp (names[i], s, len) == 0)
      return (int) i;
  return -1;
}

/* "{A:2, B:1}" or "{}". */
static MmrLabChoice *
read_vv (Reader *R, const char *const *names, guint n_names)
{
  MmrVersionVector vv;
  gboolean first = TRUE;
  char *s;

  mmr_version_vector_init (&vv);
  if (*R->p != '{')
    return fail (R, R->p, "expected a version vector like {A:2, B:1} or {}"),
           NULL;
  for (R->p++;;)
    {
      const char *name, *colon;
      guint64 n;
      int i;

      skip_blanks (R);
      if (*R->p == '}' && first)
        break;
      first = FALSE;
      name = R->p;
      colon = strchr (name, ':');
      if (colon == NULL)
        return fail (R, name, "expected REPLICA:COUNT in the version vector"),
               NULL;
      if ((i = name_index (names, n_names, name, (gsize) (colon - name))) < 0)
        return fail (R, name, "unknown replica '%.*s' in the version vector",
                     (int) (colon - name), name), NULL;
      if (vv.c[i] != 0)
        return fail (R, name, "replica '%s' appears twice", names[i]), NULL;
      n = g_ascii_strtoull (colon + 1, &s, 10);
      if (s == colon + 1 || !g_ascii_isdigit (colon[1]) || n == 0
          || n > G_MAXUINT32)
        return fail (R, colon + 1, "expected a count from 1 up after '%s:'",
                     names[i]), NULL;
      vv.c[i] = (guint32) n;
      R->p = s;
      skip_blanks (R);
      if (*R->p == '}')
        break;
      if (*R->p != ',')
        return fail (R, R->p, "expected ',' or '}' in the version vector"),
               NULL;
      R->p++;
    }
  R->p++;
  skip_blanks (R);
  if (*R->p != '\0')
    return fail (R, R->p, "unexpected '%s' after the version vector", R->p),
           NULL;
  s = mmr_version_vector_to_string (&vv, names);
  return choice_new (s, g_strdup (s));
}

static const char *const RELATION_WORDS[] = {
  "equal", "dominates", "dominated", "concurrent", NULL,
};
static const char *const YES_NO[] = { "yes", "no", NULL };
static const char *const ABSENT[] = { "absent", NULL };
static const char *const NONE_ABSENT[] = { "none", "absent", NULL };
static const char *const NONE[] = { "none", NULL };

MmrLabChoice *
mmr_lab_question_read_answer (const MmrLabQuestion *q,
                              const char *const *names, guint n_names,
                              const char *text, char **out_problem,
                              gsize *out_offset)
{
  /* Only trailing blanks go, so offsets into the copy are offsets into
   * @text; the word readers then compare whole strings. */
  g_autofree char *copy = g_strchomp (g_strdup (text));
  Reader R = { .start = copy, .p = copy + strspn (copy, " \t") };
  MmrLabChoice *c = NULL;

  g_return_val_if_fail (q != NULL && text != NULL, NULL);

  if (*R.p == '\0')
    fail (&R, R.p, "expected an answer");
  else
    switch (q->kind)
      {
      case MMR_LAB_ASK_VALUE: c = read_values (&R, TRUE, ABSENT); break;
      case MMR_LAB_ASK_WINNER: c = read_values (&R, FALSE, NONE_ABSENT); break;
      case MMR_LAB_ASK_LOST_WRITES: c = read_values (&R, TRUE, NONE); break;
      case MMR_LAB_ASK_RELATION:
        c = read_word (&R, RELATION_WORDS,
                       "equal, dominates, dominated or concurrent");
        break;
      case MMR_LAB_ASK_CONVERGED:
        c = read_word (&R, YES_NO, "yes or no");
        break;
      case MMR_LAB_ASK_VV: c = read_vv (&R, names, n_names); break;
      case MMR_LAB_ASK_LOST_COUNT:
      case MMR_LAB_ASK_CONFLICT_COUNT:
      case MMR_LAB_ASK_SIBLING_COUNT:
      case MMR_LAB_ASK_VERSION_COUNT: c = read_count (&R); break;
      default: g_assert_not_reached ();
      }
  if (c == NULL)
    {
      *out_problem = R.problem;
      *out_offset = R.offset;
    }
  return c;
}

/* ------------------------------------------------------------- choices */

int
mmr_lab_question_find_choice (const MmrLabQuestion *q, const char *key)
{
  for (guint i = 0; i < q->choices->len; i++)
    if (strcmp (((MmrLabChoice *) q->choices->pdata[i])->key, key) == 0)
      return (int) i;
  return -1;
}

static void
add_choice (MmrLabQuestion *q, MmrLabChoice *c)
{
  if (mmr_lab_question_find_choice (q, c->key) >= 0)
    mmr_lab_choice_free (c);
  else
    g_ptr_array_add (q->choices, c);
}

static void
add_value_choice (MmrLabQuestion *q, const char *value)
{
  GPtrArray *one = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (one, g_strdup (value));
  add_choice (q, choice_from_values (one));
  g_ptr_array_unref (one);
}

static gboolean
names_key (const MmrCommand *c, const char *key)
{
  gsize n;

  if (c->key == NULL || !g_str_has_prefix (key, c->key))
    return FALSE;
  n = strlen (c->key);
  if (c->field == NULL || *c->field == '\0')
    return key[n] == '\0';
  return key[n] == '.' && strcmp (key + n + 1, c->field) == 0;
}

/* Values put to the key by anyone, in script order. */
static void
add_put_values (MmrLabQuestion *q, const MmrScript *script)
{
  gboolean has_delete = FALSE;

  for (guint i = 0; i < script->commands->len; i++)
    {
      const MmrCommand *c = script->commands->pdata[i];

      if (!names_key (c, q->key))
        continue;
      if (c->kind == MMR_CMD_PUT || c->kind == MMR_CMD_CLIENT_PUT)
        add_value_choice (q, c->value);
      has_delete |= c->kind == MMR_CMD_DEL || c->kind == MMR_CMD_CLIENT_DEL;
    }
  if (has_delete && q->kind == MMR_LAB_ASK_LOST_WRITES)
    add_value_choice (q, "(deleted)");
}

/* DOC: lab-generated-choices */
void
mmr_lab_question_generate_choices (MmrLabQuestion *q, const MmrScript *script)
{
  const char *const *words = NULL;

  g_return_if_fail (q->choices->len == 0);

  switch (q->kind)
    {
    case MMR_LAB_ASK_RELATION: words = RELATION_WORDS; break;
    case MMR_LAB_ASK_CONVERGED: words = YES_NO; break;
    case MMR_LAB_ASK_VALUE:
      add_put_values (q, script);
      add_choice (q, choice_word ("absent"));
      break;
    case MMR_LAB_ASK_WINNER:
      add_put_values (q, script);
      add_choice (q, choice_word ("none"));
      add_choice (q, choice_word ("absent"));
      break;
    case MMR_LAB_ASK_LOST_WRITES:
      add_put_values (q, script);
      add_choice (q, choice_word ("none"));
      break;
    default:
      return;   /* open: any well-formed answer */
    }
  for (guint i = 0; words != NULL && words[i] != NULL; i++)
    add_choice (q, choice_new (g_strdup (words[i]), g_strdup (words[i])));
  q->is_generated = TRUE;
}

/* ------------------------------------------------------------- computing */

static MmrLabChoice *
choice_from_entry (const MmrViewEntry *e)
{
  GPtrArray *values;
  MmrLabChoice *c;

  if (e == NULL || e->is_absent || e->values->len == 0)
    return choice_word ("absent");
  values = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < e->values->len; i++)
    g_ptr_array_add (values, g_strdup (e->values->pdata[i]));
  c = choice_from_values (values);
  g_ptr_array_unref (values);
  return c;
}

static MmrViewEntry *
lookup (const MmrWorld *w, int replica, const char *key)
{
  return mmr_view_lookup (w, (guint) replica, key);
}

static char *
vv_of (const MmrWorld *w, const MmrViewEntry *e, MmrVersionVector *out)
{
  mmr_version_vector_init (out);
  if (e != NULL)
    *out = e->vv;
  return mmr_version_vector_to_string (out, mmr_world_replica_names (w));
}

static MmrLabChoice *
compute_winner (const MmrLabQuestion *q, const MmrWorld *w, GString *ev)
{
  g_autoptr (MmrLabChoice) first = NULL;
  gboolean same = TRUE;

  for (guint r = 0; r < mmr_world_n_replicas (w); r++)
    {
      MmrViewEntry *e = lookup (w, (int) r, q->key);
      g_autoptr (MmrLabChoice) c = choice_from_entry (e);

      g_string_append_printf (ev, "%s%s %s = %s", r > 0 ? ", " : "",
                              mmr_world_replica_name (w, r), q->key, c->label);
      mmr_view_entry_free (e);
      if (first == NULL)
        first = g_steal_pointer (&c);
      else
        same &= strcmp (first->key, c->key) == 0;
    }
  /* A set of siblings shown everywhere is agreement, not a winner. */
  if (!same || strchr (first->key, SEP[0]) != NULL)
    return choice_word ("none");
  return g_steal_pointer (&first);
}

static MmrLabChoice *
compute_relation (const MmrLabQuestion *q, const MmrWorld *w, GString *ev)
{
  MmrViewEntry *a = lookup (w, q->replica, q->key);
  MmrViewEntry *b = lookup (w, q->replica2, q->key);
  MmrVersionVector va, vb;
  g_autofree char *sa = vv_of (w, a, &va);
  g_autofree char *sb = vv_of (w, b, &vb);
  const char *order = mmr_vv_order_to_string (
      mmr_version_vector_compare (&va, &vb));

  g_string_append_printf (ev, "%s %s vv %s, %s %s vv %s",
                          mmr_world_replica_name (w, (guint) q->replica),
                          q->key, sa,
                          mmr_world_replica_name (w, (guint) q->replica2),
                          q->key, sb);
  mmr_view_entry_free (a);
  mmr_view_entry_free (b);
  return choice_new (g_strdup (order), g_strdup (order));
}

static MmrLabChoice *
count_choice (guint64 n)
{
  return choice_new (g_strdup_printf ("%" G_GUINT64_FORMAT, n),
                     g_strdup_printf ("%" G_GUINT64_FORMAT, n));
}

static MmrLabChoice *
compute_lost (const MmrLabQuestion *q, const MmrWorld *w,
              const MmrWriteLog *log, GString *ev)
{
  g_autoptr (GPtrArray) lost = mmr_write_log_dup_lost (log);
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);
  MmrLabChoice *c;

  for (guint i = 0; i < lost->len; i++)
    {
      const MmrLostWrite *lw = lost->pdata[i];
      const char *v = lw->value != NULL ? lw->value : "(deleted)";

      if (q->key != NULL && strcmp (lw->key, q->key) != 0)
        continue;
      g_string_append_printf (ev, "%s%s %s %s", values->len > 0 ? ", " : "",
                              mmr_world_replica_name (w, lw->replica),
                              lw->value != NULL ? "put" : "del", lw->key);
      if (lw->value != NULL)
        g_string_append_printf (ev, " %s", lw->value);
      g_ptr_array_add (values, g_strdup (v));
    }
  if (values->len == 0)
    g_string_append (ev, "no write was lost");
  if (q->kind == MMR_LAB_ASK_LOST_COUNT)
    c = count_choice (values->len);
  else if (values->len == 0)
    c = choice_word ("none");
  else
    c = choice_from_values (values);
  g_ptr_array_unref (values);
  return c;
}

static MmrLabChoice *
compute_converged (const MmrWorld *w, GString *ev)
{
  g_autoptr (GPtrArray) diffs = mmr_check_convergence (w);

  if (diffs->len == 0)
    g_string_append (ev, "every replica shows the same state");
  for (guint i = 0; i < diffs->len; i++)
    g_string_append_printf (ev, "%s%s", i > 0 ? "; " : "",
                            (const char *) diffs->pdata[i]);
  return choice_new (g_strdup (diffs->len == 0 ? "yes" : "no"),
                     g_strdup (diffs->len == 0 ? "yes" : "no"));
}

/* value, vv, sibling-count, version-count: one replica's entry. Siblings
 * are the live versions (as "expect siblings" counts them); versions
 * include the tombstones a replica keeps. */
static MmrLabChoice *
compute_entry (const MmrLabQuestion *q, const MmrWorld *w, GString *ev)
{
  MmrViewEntry *e = lookup (w, q->replica, q->key);
  const char *name = mmr_world_replica_name (w, (guint) q->replica);
  MmrVersionVector vv;
  g_autofree char *vs = vv_of (w, e, &vv);
  g_autoptr (MmrLabChoice) value = choice_from_entry (e);
  guint n = e != NULL ? e->n_siblings : 0;
  guint live = e != NULL ? e->n_live : 0;
  MmrLabChoice *c;

  g_string_append_printf (ev, "%s %s is %s, vv %s, %u version%s kept", name,
                          q->key, value->label, vs, n, n == 1 ? "" : "s");
  if (n > live)
    g_string_append_printf (ev, " (%u tombstone%s)", n - live,
                            n - live == 1 ? "" : "s");
  if (q->kind == MMR_LAB_ASK_VALUE)
    c = g_steal_pointer (&value);
  else if (q->kind == MMR_LAB_ASK_VV)
    c = choice_new (g_strdup (vs), g_strdup (vs));
  else
    c = count_choice (q->kind == MMR_LAB_ASK_SIBLING_COUNT ? live : n);
  mmr_view_entry_free (e);
  return c;
}

/* DOC: lab-compute */
MmrLabChoice *
mmr_lab_question_compute (const MmrLabQuestion *q, const MmrWorld *world,
                          const MmrWriteLog *log, char **out_evidence)
{
  GString *ev = g_string_new (NULL);
  MmrLabChoice *c;

  g_return_val_if_fail (q != NULL && world != NULL && log != NULL, NULL);

  switch (q->kind)
    {
    case MMR_LAB_ASK_VALUE:
    case MMR_LAB_ASK_VV:
    case MMR_LAB_ASK_SIBLING_COUNT:
    case MMR_LAB_ASK_VERSION_COUNT: c = compute_entry (q, world, ev); break;
    case MMR_LAB_ASK_WINNER: c = compute_winner (q, world, ev); break;
    case MMR_LAB_ASK_RELATION: c = compute_relation (q, world, ev); break;
    case MMR_LAB_ASK_CONVERGED: c = compute_converged (world, ev); break;
    case MMR_LAB_ASK_LOST_COUNT:
    case MMR_LAB_ASK_LOST_WRITES: c = compute_lost (q, world, log, ev); break;
    case MMR_LAB_ASK_CONFLICT_COUNT:
      c = count_choice (mmr_world_get_metrics (world)->conflicts);
      g_string_append_printf (ev, "%s conflict%s detected", c->label,
                              strcmp (c->label, "1") == 0 ? "" : "s");
      break;
    default: g_assert_not_reached ();
    }
  *out_evidence = g_string_free (ev, FALSE);
  return c;
}
