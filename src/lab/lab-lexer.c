/* lab-lexer.c - a lab file's lines: tokens, comments, errors
 *
 * The lexical rules are the scenario language's, so that a lab file and
 * the scenario lines inside it read alike: lines of UTF-8 without control
 * characters (tabs aside), '#' comments at the start of a line or after a
 * blank, tokens separated by blanks, and "quoted text" with \" and \\ as
 * the only escapes. Every error is "FILE:LINE:COL: message" and only the
 * first one is kept.
 *
 * Interface (lab-parser-private.h): the mmr_lab_lexer_* functions; and,
 * public (lab.h), what every reader of a lab's files shares:
 * mmr_lab_read_text(), mmr_lab_check_text(), mmr_lab_skip_bom(),
 * mmr_lab_path_is_inside().
 * Taught in docs/labs.md ("How errors read").
 */
#include "lab/lab-parser-private.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const DIRECTIVES[] = {
  "ask", "choices", "concepts", "guide", "implement", "lab", "outline",
  "section", "step", "world",
};

void
mmr_lab_lexer_token_clear (Token *t)
{
  g_clear_pointer (&t->text, g_free);
}

/* Records the first error only. */
gboolean
mmr_lab_lexer_fail_at (Parser *P, guint line, guint col, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  if (P->error != NULL)
    return FALSE;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  P->error = g_error_new (MMR_LAB_ERROR, MMR_LAB_ERROR_SYNTAX, "%s:%u:%u: %s",
                          P->path, line, col, msg);
  return FALSE;
}

guint
mmr_lab_lexer_col_at (const Parser *P, const char *ptr)
{
  return (guint) g_utf8_pointer_to_offset (P->line, ptr) + 1;
}

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

/* 1: a token, 0: end of line, -1: error. */
int
mmr_lab_lexer_next_token (Parser *P, Token *t)
{
  const char *q;

  mmr_lab_lexer_token_clear (t);
  while (is_blank (*P->p))
    P->p++;
  if (*P->p == '\0')
    return 0;
  t->col = mmr_lab_lexer_col_at (P, P->p);
  t->is_quoted = *P->p == '"';
  if (t->is_quoted)
    {
      GString *s = g_string_new (NULL);

      for (q = P->p + 1; *q != '"'; q++)
        {
          if (*q == '\0')
            {
              g_string_free (s, TRUE);
              return fail (P, t->col, "this quoted text has no closing '\"'"),
                     -1;
            }
          if (*q == '\\' && (q[1] == '"' || q[1] == '\\'))
            q++;
          g_string_append_c (s, *q);
        }
      t->text = g_string_free (s, FALSE);
      P->p = q + 1;
    }
  else
    {
      for (q = P->p; *q != '\0' && !is_blank (*q); q++)
        ;
      t->text = g_strndup (P->p, (gsize) (q - P->p));
      P->p = q;
    }
  P->end_col = mmr_lab_lexer_col_at (P, P->p);
  return 1;
}

/* The next token, which must be quoted text when @quoted (titles,
 * prompts) and a plain word otherwise. */
gboolean
mmr_lab_lexer_need_token (Parser *P, Token *t, gboolean quoted,
                          const char *fmt, ...)
{
  int r = mmr_lab_lexer_next_token (P, t);
  va_list ap;
  g_autofree char *msg = NULL;

  if (r < 0)
    return FALSE;
  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (r == 0)
    return fail_missing (P, "%s", msg);
  if (t->is_quoted != quoted)
    return fail (P, t->col, "%s", msg);
  return TRUE;
}

gboolean
mmr_lab_lexer_expect_end (Parser *P)
{
  g_auto (Token) t = { 0 };
  int r = mmr_lab_lexer_next_token (P, &t);

  if (r <= 0)
    return r == 0;
  return fail (P, t.col, "unexpected '%s' after the end of the directive",
               t.text);
}

/* The rest of the line, blanks trimmed, and its column. */
char *
mmr_lab_lexer_rest_of_line (Parser *P, guint *out_col)
{
  while (is_blank (*P->p))
    P->p++;
  *out_col = mmr_lab_lexer_col_at (P, P->p);
  return g_strchomp (g_strdup (P->p));
}

/* --------------------------------------------------------------- words */

/* Optimal string alignment distance, for "did you mean". */
static guint
edit_distance (const char *a, const char *b)
{
  gsize n = strlen (a), m = strlen (b);
  guint d[33][33];

  if (n > 32 || m > 32)
    return G_MAXUINT;
  for (gsize i = 0; i <= n; i++)
    d[i][0] = (guint) i;
  for (gsize j = 0; j <= m; j++)
    d[0][j] = (guint) j;
  for (gsize i = 1; i <= n; i++)
    for (gsize j = 1; j <= m; j++)
      {
        guint best = MIN (d[i - 1][j] + 1, d[i][j - 1] + 1);

        best = MIN (best, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]));
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          best = MIN (best, d[i - 2][j - 2] + 1);
        d[i][j] = best;
      }
  return d[n][m];
}

/* Within two edits and fewer than half the word's length. */
const char *
mmr_lab_lexer_closest_word (const char *typo, const char *const *words,
                            gsize n_words)
{
  const char *best = NULL;
  guint best_d = 3;

  for (gsize i = 0; i < n_words; i++)
    {
      guint d = edit_distance (typo, words[i]);

      if (d < best_d && 2 * d < strlen (typo))
        {
          best = words[i];
          best_d = d;
        }
    }
  return best;
}

gboolean
mmr_lab_lexer_is_directive (const char *s)
{
  for (gsize i = 0; i < G_N_ELEMENTS (DIRECTIVES); i++)
    if (strcmp (s, DIRECTIVES[i]) == 0)
      return TRUE;
  return FALSE;
}

const char *
mmr_lab_lexer_directive_hint (const char *s)
{
  return mmr_lab_lexer_closest_word (s, DIRECTIVES, G_N_ELEMENTS (DIRECTIVES));
}

gboolean
mmr_lab_lexer_fail_unknown_directive (Parser *P, const Token *t)
{
  const char *hint = mmr_lab_lexer_directive_hint (t->text);

  if (hint != NULL)
    return fail (P, t->col, "unknown directive '%s'; did you mean '%s'?",
                 t->text, hint);
  return fail (P, t->col, "unknown directive '%s'; expected one of: ask, "
               "choices, concepts, guide, implement, lab, outline, section, "
               "step, world (scenario lines belong inside a step)", t->text);
}

/* ---------------------------------------------------------------- files */

/* DOC: lab-nul */
/* A NUL byte would end the C string there and silently drop what follows
 * (an "expect" that fails, a wrong answer): refuse it where it is, as the
 * scenario parser does. The column counts characters; an invalid byte
 * before it counts as one. */
gboolean
mmr_lab_check_text (const char *path, const char *text, gsize len,
                    GError **error)
{
  const char *nul = memchr (text, '\0', len);
  const char *line = text;
  guint line_no = 1, col = 1;

  if (nul == NULL)
    return TRUE;
  for (const char *q = text; q < nul; q++)
    if (*q == '\n')
      {
        line_no++;
        line = q + 1;
      }
  for (const char *q = line; q < nul; col++)
    {
      gunichar ch = g_utf8_get_char_validated (q, nul - q);

      q = ch < (gunichar) -2 ? g_utf8_next_char (q) : q + 1;
    }
  g_set_error (error, MMR_LAB_ERROR, MMR_LAB_ERROR_SYNTAX,
               "%s:%u:%u: control character U+0000 is not allowed", path,
               line_no, col);
  return FALSE;
}

/* stdio rather than g_file_get_contents, so that the message carries the
 * system's reason alone, as mmr_script_load does. */
char *
mmr_lab_read_text (const char *path, GError **error)
{
  GString *buf = g_string_new (NULL);
  char chunk[8192];
  size_t n;
  int err = 0;
  FILE *f = fopen (path, "rb");

  if (f == NULL)
    err = errno;
  else
    {
      while ((n = fread (chunk, 1, sizeof chunk, f)) > 0)
        g_string_append_len (buf, chunk, (gssize) n);
      if (ferror (f))
        err = errno != 0 ? errno : EIO;
      fclose (f);
    }
  if (err != 0)
    {
      g_set_error (error, MMR_LAB_ERROR, MMR_LAB_ERROR_IO,
                   "%s: cannot read: %s", path, g_strerror (err));
      g_string_free (buf, TRUE);
      return NULL;
    }
  if (!mmr_lab_check_text (path, buf->str, buf->len, error))
    {
      g_string_free (buf, TRUE);
      return NULL;
    }
  return g_string_free (buf, FALSE);
}

/* As the scenario parser does (parser.c, DOC: bom): an editor's byte
 * order mark says nothing in UTF-8 and is no part of line 1. */
const char *
mmr_lab_skip_bom (const char *text)
{
  return g_str_has_prefix (text, "\xEF\xBB\xBF") ? text + 3 : text;
}

/* DOC: lab-inside */
/* Compares real paths (symlinks followed, as open() would), component by
 * component: "/labs/01-a" does not contain "/labs/01-ab/x". */
gboolean
mmr_lab_path_is_inside (const char *dir, const char *path)
{
  g_autofree char *real_dir = realpath (dir, NULL);
  g_autofree char *real_path = realpath (path, NULL);
  gsize n;

  if (real_dir == NULL || real_path == NULL)
    return FALSE;
  n = strlen (real_dir);
  if (n > 0 && real_dir[n - 1] == '/')
    n--;   /* the root */
  return strncmp (real_path, real_dir, n) == 0 && real_path[n] == '/';
}

/* UTF-8 without control characters (tabs aside), as in a scenario. */
gboolean
mmr_lab_lexer_check_line (Parser *P, const char *raw)
{
  const char *bad = NULL;

  if (!g_utf8_validate (raw, -1, &bad))
    return fail (P, (guint) g_utf8_strlen (raw, bad - raw) + 1,
                 "this line is not valid UTF-8; a lab file is UTF-8 text");
  for (const char *q = raw; *q != '\0'; q = g_utf8_next_char (q))
    {
      gunichar ch = g_utf8_get_char (q);

      if (ch != '\t' && g_unichar_iscntrl (ch))
        return fail (P, (guint) g_utf8_pointer_to_offset (raw, q) + 1,
                     "control character U+%04X is not allowed", ch);
    }
  return TRUE;
}

/* The scenario language's comment rule: '#' at the start or after a
 * blank, outside quotes. */
void
mmr_lab_lexer_cut_comment (char *line)
{
  gboolean in_quote = FALSE;

  for (char *q = line; *q != '\0'; q++)
    {
      if (in_quote && *q == '\\' && q[1] != '\0')
        q++;
      else if (*q == '"')
        in_quote = !in_quote;
      else if (!in_quote && *q == '#' && (q == line || is_blank (q[-1])))
        {
          *q = '\0';
          return;
        }
    }
}
