/* parser-values.c - the values a scenario line holds
 *
 * Every token that is not a command word is read here: a choice among
 * words ("record or field"), counts and seeds, durations, probabilities,
 * drift rates, replica names, links (A->B, A<->B), keys (cart,
 * user.name) and the values after "=" in a check (one value, or a set
 * in braces). Each reader refuses what it cannot read with a message
 * that says what it expected, at the token's column (or at the part of
 * it that is wrong: the 'D' of 'A->D').
 *
 * Interface (parser-private.h): mmr_parse_choice(), _unsigned(),
 * _count(), _all_digits(), _duration_at(), _positive_duration(),
 * _probability(), _ppm(), _is_name(), _find_replica(), _need_replica(),
 * _fail_unknown_replica(), _link(), _key(), _values().
 * Invariants: a value set comes back sorted (strcmp) and unique; every
 * number is in range.
 *
 * Taught in docs/scenario-language.md ("Every line form").
 */
#include "scenario/parser-private.h"

#include <string.h>

#include "core/duration.h"

/* --------------------------------------------------------------- words */

/* Index of @t in @words, or -1 after an error "expected @expected". */
int
mmr_parse_choice (Parser *P, const MmrToken *t, const char *const *words,
              gsize n_words, const char *expected)
{
  const char *hint;

  for (gsize i = 0; i < n_words; i++)
    if (strcmp (t->text, words[i]) == 0)
      return (int) i;
  hint = mmr_lexer_closest_word (t->text, words, n_words);
  if (hint != NULL)
    fail (P, t->col, "expected %s, got '%s'; did you mean '%s'?", expected,
          t->text, hint);
  else
    fail (P, t->col, "expected %s, got '%s'", expected, t->text);
  return -1;
}

gboolean
mmr_parse_all_digits (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

/* Plain decimal digits only: no sign, no spaces, no 0x. */
gboolean
mmr_parse_unsigned (const char *s, guint64 max, guint64 *out)
{
  return mmr_parse_all_digits (s)
         && g_ascii_string_to_unsigned (s, 10, 0, max, out, NULL);
}

gboolean
mmr_parse_count (Parser *P, const MmrToken *t, gint64 *out)
{
  guint64 v;

  if (!mmr_parse_unsigned (t->text, G_MAXINT64, &v))
    return fail (P, t->col, "expected a count (a whole number), got '%s'",
                 t->text);
  *out = (gint64) v;
  return TRUE;
}

gboolean
mmr_parse_duration_at (Parser *P, const char *text, guint col, gint64 *out_us)
{
  if (mmr_duration_parse (text, FALSE, out_us))
    return TRUE;
  return fail (P, col, "expected a duration like 250us, 10ms or 2s, got '%s'",
               text);
}

gboolean
mmr_parse_positive_duration (Parser *P, const MmrToken *t, const char *what,
                         gint64 *out_us)
{
  if (!mmr_parse_duration_at (P, t->text, t->col, out_us))
    return FALSE;
  if (*out_us == 0)
    return fail (P, t->col, "'%s' needs a duration greater than 0, got '%s'",
                 what, t->text);
  return TRUE;
}

/* "0", "0.25", ".5", "1": no sign, no exponent, nothing after. */
gboolean
mmr_parse_probability (Parser *P, const MmrToken *t, double *out)
{
  const char *s = t->text;
  gsize i = 0, digits = 0;
  double v = 2.0;

  for (; g_ascii_isdigit (s[i]); i++)
    digits++;
  if (s[i] == '.')
    for (i++; g_ascii_isdigit (s[i]); i++)
      digits++;
  if (digits > 0 && s[i] == '\0')
    v = g_ascii_strtod (s, NULL);
  if (v > 1.0)
    return fail (P, t->col, "expected a probability between 0 and 1, got '%s'",
                 s);
  *out = v;
  return TRUE;
}

/* "200ppm", "-50ppm", "+7ppm". */
gboolean
mmr_parse_ppm (const char *s, gint64 *out, gboolean *out_of_range)
{
  gint64 sign = 1, v = 0;
  gsize digits = 0;

  *out_of_range = FALSE;
  if (*s == '+' || *s == '-')
    sign = *s++ == '-' ? -1 : 1;
  for (; g_ascii_isdigit (*s); s++, digits++)
    if (v <= 1000000)
      v = v * 10 + (*s - '0');
  if (digits == 0 || strcmp (s, "ppm") != 0)
    return FALSE;
  if (v > 1000000)
    {
      *out_of_range = TRUE;
      return FALSE;
    }
  *out = sign * v;
  return TRUE;
}

/* -------------------------------------------------- replicas and links */

gboolean
mmr_parse_is_name (const char *s)
{
  if (!g_ascii_isalpha (*s))
    return FALSE;
  for (s++; *s != '\0'; s++)
    if (!g_ascii_isalnum (*s) && *s != '_' && *s != '-')
      return FALSE;
  return TRUE;
}

int
mmr_parse_find_replica (const Parser *P, const char *name)
{
  const MmrWorldConfig *cfg = &P->script->config;

  for (guint i = 0; i < cfg->n_replicas; i++)
    if (strcmp (cfg->names[i], name) == 0)
      return (int) i;
  return -1;
}

gboolean
mmr_parse_fail_unknown_replica (Parser *P, const char *name, guint col)
{
  const MmrWorldConfig *cfg = &P->script->config;
  const char *hint = mmr_lexer_closest_word (
      name, (const char *const *) cfg->names, cfg->n_replicas);
  g_autoptr (GString) list = g_string_new (NULL);

  if (hint != NULL)
    return fail (P, col, "unknown replica '%s'; did you mean '%s'?", name,
                 hint);
  for (guint i = 0; i < cfg->n_replicas; i++)
    g_string_append_printf (list, "%s%s", i > 0 ? ", " : "", cfg->names[i]);
  return fail (P, col, "unknown replica '%s'; this scenario has replicas %s",
               name, list->str);
}

int
mmr_parse_need_replica (Parser *P, const MmrToken *t)
{
  int i = mmr_parse_find_replica (P, t->text);

  if (i < 0)
    mmr_parse_fail_unknown_replica (P, t->text, t->col);
  return i;
}

/* "A->B" (one direction) or "A<->B" (*out_both). Names cannot contain '<'
 * or '>', so the first arrow is the arrow even in "eu-1->us-2". */
gboolean
mmr_parse_link (Parser *P, const MmrToken *t, int *out_from, int *out_to,
            gboolean *out_both)
{
  const char *s = t->text;
  const char *arrow = strstr (s, "<->");
  gsize arrow_len = 3;
  g_autofree char *left = NULL;
  const char *right;
  int from, to;

  if (arrow == NULL)
    {
      arrow = strstr (s, "->");
      arrow_len = 2;
    }
  if (arrow != NULL)
    {
      left = g_strndup (s, (gsize) (arrow - s));
      right = arrow + arrow_len;
    }
  if (arrow == NULL || !mmr_parse_is_name (left) || !mmr_parse_is_name (right))
    return fail (P, t->col, "expected a link like A->B or A<->B, got '%s'", s);
  if ((from = mmr_parse_find_replica (P, left)) < 0)
    return mmr_parse_fail_unknown_replica (P, left, t->col);
  if ((to = mmr_parse_find_replica (P, right)) < 0)
    return mmr_parse_fail_unknown_replica (
        P, right, mmr_lexer_sub_col (t, (gsize) (right - s)));
  if (from == to)
    return fail (P, t->col,
                 "a link joins two different replicas, got '%s'", s);
  *out_from = from;
  *out_to = to;
  *out_both = arrow_len == 3;
  return TRUE;
}

/* "cart" -> "cart", ""; "user.name" -> "user", "name". */
gboolean
mmr_parse_key (Parser *P, const MmrToken *t, char **out_key, char **out_field)
{
  const char *s = t->text, *dot = NULL;

  for (const char *q = s; *q != '\0'; q = g_utf8_next_char (q))
    {
      if (*q == '.' && dot != NULL)
        return fail (P, mmr_lexer_sub_col (t, (gsize) (q - s)),
                     "a key has at most one dot (record.field), got '%s'", s);
      if (*q == '.')
        dot = q;
      else if (!g_ascii_isalnum (*q) && strchr ("_:/-", *q) == NULL)
        return fail (P, mmr_lexer_sub_col (t, (gsize) (q - s)),
                     "unexpected '%.*s' in key '%s'; a key is made of "
                     "letters, digits and _ : / -", mmr_lexer_char_len (q),
                     q, s);
    }
  if (dot == s)
    return fail (P, t->col, "expected a record name before the dot in '%s'",
                 s);
  if (dot != NULL && dot[1] == '\0')
    return fail (P, mmr_lexer_sub_col (t, (gsize) (dot - s)),
                 "expected a field name after the dot in '%s'", s);
  *out_key = dot != NULL ? g_strndup (s, (gsize) (dot - s)) : g_strdup (s);
  *out_field = g_strdup (dot != NULL ? dot + 1 : "");
  return TRUE;
}

/* ---------------------------------------------------------- value sets */

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* "{eggs, milk}": the '{' is next. */
static gboolean
parse_value_set (Parser *P, GPtrArray *values)
{
  g_auto (MmrToken) t = { 0 };
  guint open_col;
  int r;

  mmr_lexer_next (&P->L, TRUE, &t);
  open_col = t.col;
  for (;;)
    {
      if ((r = mmr_lexer_next (&P->L, TRUE, &t)) < 0)
        return FALSE;
      if (r == 0)
        return fail_missing (P, "expected a value and '}' to close the set "
                             "opened at column %u", open_col);
      if (!t.is_quoted && strcmp (t.text, "}") == 0 && values->len == 0)
        return fail (P, t.col, "an empty set never matches; "
                     "write 'absent' to expect no value");
      if (!t.is_quoted && mmr_lexer_is_set_punct (t.text[0]))
        return fail (P, t.col, "expected a value, got '%s'", t.text);
      g_ptr_array_add (values, g_steal_pointer (&t.text));
      if ((r = mmr_lexer_next (&P->L, TRUE, &t)) < 0)
        return FALSE;
      if (r == 0)
        return fail_missing (P, "expected ',' or '}' to close the set "
                             "opened at column %u", open_col);
      if (t.is_quoted || (strcmp (t.text, ",") != 0
                          && strcmp (t.text, "}") != 0))
        return fail (P, t.col, "expected ',' or '}' in the value set, "
                     "got '%.*s'", (int) t.raw_len, t.raw);
      if (strcmp (t.text, "}") == 0)
        return TRUE;
    }
}

/* After "=": one value, or a set in braces. Sorted and de-duplicated, so
 * the checker compares two sorted lists. */
gboolean
mmr_parse_values (Parser *P, MmrCommand *c)
{
  g_auto (MmrToken) t = { 0 };

  c->values = g_ptr_array_new_with_free_func (g_free);
  mmr_lexer_skip_blanks (&P->L);
  if (*P->L.p == '{')
    {
      if (!parse_value_set (P, c->values))
        return FALSE;
    }
  else
    {
      if (!need_value (P, &t, "expected a value or a set like {eggs, milk} "
                       "after '='"))
        return FALSE;
      g_ptr_array_add (c->values, g_steal_pointer (&t.text));
    }
  g_ptr_array_sort (c->values, compare_strings);
  for (guint i = 1; i < c->values->len;)
    if (strcmp (c->values->pdata[i - 1], c->values->pdata[i]) == 0)
      g_ptr_array_remove_index (c->values, i);
    else
      i++;
  return TRUE;
}
