/* lexer.c - lines, tokens, quotes, comments and their errors
 *
 * The one lexer behind the scenario parser (parser.c), the lab parser
 * (src/lab/lab-parser.c, lab-directives.c) and the answer reader
 * (src/lab/lab-question.c): the rules are in lexer.h and taught in
 * docs/scenario-language.md ("How a line is read").
 *
 * How a line is read:
 *   1. mmr_lexer_load_line() drops a '\r' before the '\n' (CRLF files
 *      work) and refuses what is not UTF-8 without control characters
 *      (tabs aside), so every message can quote what it saw, the source
 *      can be stored as JSON and values never contain the store's record
 *      separators;
 *   2. mmr_lexer_cut_comment() ends it at its comment;
 *   3. the reader pulls the tokens it expects one at a time
 *      (mmr_lexer_next, mmr_lexer_needv), so when something else comes it
 *      knows what was expected instead.
 *
 * The lexer has two modes: a word ends at a blank and, inside a value set
 * ("= {eggs, milk}"), also at ',', '{' and '}'.
 *
 * Errors: only the first is kept, as "FILE:LINE:COL: what was wrong; what
 * was expected". COL counts characters from 1 and points at the offending
 * token, or at the offending part of it; when a token is missing, at the
 * place it should have been, one space after the last token.
 *
 * Interface: lexer.h. Invariant: L->p always points into L->line, and
 * L->end_col is the column just after the last token returned.
 */
#include "scenario/lexer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
mmr_token_clear (MmrToken *t)
{
  g_clear_pointer (&t->text, g_free);
}

void
mmr_lexer_init (MmrLexer *L, const char *filename, GQuark domain, int code,
                const char *file_kind, const char *quoted_noun)
{
  *L = (MmrLexer) {
    .filename = filename,
    .domain = domain,
    .code = code,
    .file_kind = file_kind,
    .quoted_noun = quoted_noun,
    .end_col = 1,
  };
}

void
mmr_lexer_clear (MmrLexer *L)
{
  g_clear_pointer (&L->line, g_free);
  g_clear_error (&L->error);
  L->p = NULL;
}

/* ---------------------------------------------------------------- errors */

static gboolean
fail_valist (MmrLexer *L, guint line, guint col, const char *fmt, va_list ap)
  G_GNUC_PRINTF (4, 0);

static gboolean
fail_valist (MmrLexer *L, guint line, guint col, const char *fmt, va_list ap)
{
  g_autofree char *msg = NULL;

  if (L->error != NULL)
    return FALSE;
  msg = g_strdup_vprintf (fmt, ap);
  L->error = g_error_new (L->domain, L->code, "%s:%u:%u: %s", L->filename,
                          line, col, msg);
  return FALSE;
}

gboolean
mmr_lexer_fail (MmrLexer *L, guint col, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  fail_valist (L, L->line_no, col, fmt, ap);
  va_end (ap);
  return FALSE;
}

gboolean
mmr_lexer_fail_at (MmrLexer *L, guint line, guint col, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  fail_valist (L, line, col, fmt, ap);
  va_end (ap);
  return FALSE;
}

guint
mmr_lexer_col_at (const MmrLexer *L, const char *ptr)
{
  return (guint) g_utf8_pointer_to_offset (L->line, ptr) + 1;
}

guint
mmr_lexer_sub_col (const MmrToken *t, gsize offset)
{
  return t->col + (guint) g_utf8_pointer_to_offset (t->text, t->text + offset);
}

/* ------------------------------------------------------------ characters */

gboolean
mmr_lexer_is_blank (char c)
{
  return c == ' ' || c == '\t';
}

gboolean
mmr_lexer_is_set_punct (char c)
{
  return c == ',' || c == '{' || c == '}';
}

int
mmr_lexer_char_len (const char *p)
{
  return (int) (g_utf8_next_char (p) - p);
}

void
mmr_lexer_skip_blanks (MmrLexer *L)
{
  while (mmr_lexer_is_blank (*L->p))
    L->p++;
}

/* ------------------------------------------------------------------ lines */

gboolean
mmr_lexer_load_line (MmrLexer *L, guint line_no, const char *start, gsize len)
{
  const char *bad = NULL;

  g_clear_pointer (&L->line, g_free);
  L->line_no = line_no;
  L->line = g_strdup ("");
  L->p = L->line;
  L->end_col = 1;
  if (len > 0 && start[len - 1] == '\r')
    len--;
  if (!g_utf8_validate (start, (gssize) len, &bad))
    {
      guint col = (guint) g_utf8_strlen (start, bad - start) + 1;

      if (*bad == '\0')
        return mmr_lexer_fail (L, col, "control character U+0000 is not "
                               "allowed");
      return mmr_lexer_fail (L, col, "this line is not valid UTF-8; %s is "
                             "UTF-8 text", L->file_kind);
    }
  g_free (L->line);
  L->line = g_strndup (start, len);
  L->p = L->line;
  for (const char *q = L->line; *q != '\0'; q = g_utf8_next_char (q))
    {
      gunichar ch = g_utf8_get_char (q);

      if (ch != '\t' && g_unichar_iscntrl (ch))
        return mmr_lexer_fail (L, mmr_lexer_col_at (L, q), "control "
                               "character U+%04X is not allowed", ch);
      /* Invisible: inside a word it would make "A" an unknown replica. */
      if (ch == 0xFEFF)
        return mmr_lexer_fail (L, mmr_lexer_col_at (L, q), "a byte order "
                               "mark (U+FEFF) may only begin the file");
    }
  return TRUE;
}

/* DOC: comment-rule
 * A '#' starts a comment at the start of the line or after a blank, and
 * never inside a quoted value: "A put color #fff" has no value, and
 * "A put tag a#b" puts "a#b". */
void
mmr_lexer_cut_comment (char *line)
{
  gboolean in_quote = FALSE;

  for (char *q = line; *q != '\0'; q++)
    {
      if (in_quote)
        {
          if (*q == '\\' && q[1] != '\0')
            q++;
          else if (*q == '"')
            in_quote = FALSE;
        }
      else if (*q == '"')
        in_quote = TRUE;
      else if (*q == '#' && (q == line || mmr_lexer_is_blank (q[-1])))
        {
          *q = '\0';
          return;
        }
    }
}

/* ----------------------------------------------------------------- tokens */

char *
mmr_lexer_scan_quoted (const char *open, const char *quoted_noun,
                       const char **out_end, char **out_problem,
                       const char **out_at)
{
  g_autoptr (GString) buf = g_string_new (NULL);
  const char *q = open + 1;

  for (; *q != '"'; q++)
    {
      if (*q == '\0' || (*q == '\\' && q[1] == '\0'))
        {
          *out_at = open;
          *out_problem = g_strdup_printf ("this quoted %s has no closing "
                                          "'\"'", quoted_noun);
          return NULL;
        }
      if (*q == '\t')
        {
          *out_at = q;
          *out_problem = g_strdup_printf ("a quoted %s cannot contain a "
                                          "tab; control characters are not "
                                          "allowed", quoted_noun);
          return NULL;
        }
      if (*q == '\\')
        {
          if (q[1] != '"' && q[1] != '\\')
            {
              *out_at = q;
              *out_problem = g_strdup_printf (
                  "unknown escape '\\%.*s' in a quoted %s; only \\\" and "
                  "\\\\ are allowed", mmr_lexer_char_len (q + 1), q + 1,
                  quoted_noun);
              return NULL;
            }
          q++;
        }
      g_string_append_c (buf, *q);
    }
  *out_end = q + 1;
  return g_string_free (g_steal_pointer (&buf), FALSE);
}

static gboolean
lex_quoted (MmrLexer *L, gboolean in_set, MmrToken *t)
{
  g_autofree char *problem = NULL;
  const char *at = NULL, *q = NULL;

  t->text = mmr_lexer_scan_quoted (L->p, L->quoted_noun, &q, &problem, &at);
  if (t->text == NULL)
    return mmr_lexer_fail (L, mmr_lexer_col_at (L, at), "%s", problem);
  if (*q != '\0' && !mmr_lexer_is_blank (*q)
      && !(in_set && mmr_lexer_is_set_punct (*q)))
    return mmr_lexer_fail (L, mmr_lexer_col_at (L, q), "expected a space "
                           "after the closing quote, got '%.*s'",
                           mmr_lexer_char_len (q), q);
  L->p = q;
  return TRUE;
}

static gboolean
lex_word (MmrLexer *L, gboolean in_set, MmrToken *t)
{
  const char *q = L->p;

  for (; *q != '\0' && !mmr_lexer_is_blank (*q); q++)
    {
      if (in_set && mmr_lexer_is_set_punct (*q))
        break;
      if (*q == '"')
        return mmr_lexer_fail (L, mmr_lexer_col_at (L, q), "a quote may only "
                               "open a value; quote the whole value, e.g. "
                               "\"New York\"");
    }
  t->text = g_strndup (L->p, (gsize) (q - L->p));
  L->p = q;
  return TRUE;
}

int
mmr_lexer_next (MmrLexer *L, gboolean in_set, MmrToken *t)
{
  const char *start;
  gboolean ok;

  mmr_token_clear (t);
  mmr_lexer_skip_blanks (L);
  if (*L->p == '\0')
    return 0;
  start = L->p;
  t->raw = start;
  t->col = mmr_lexer_col_at (L, start);
  t->is_quoted = *start == '"';
  if (t->is_quoted)
    ok = lex_quoted (L, in_set, t);
  else if (in_set && mmr_lexer_is_set_punct (*start))
    {
      t->text = g_strndup (start, 1);
      L->p = start + 1;
      ok = TRUE;
    }
  else
    ok = lex_word (L, in_set, t);
  if (!ok)
    return -1;
  t->raw_len = (gsize) (L->p - start);
  L->end_col = mmr_lexer_col_at (L, L->p);
  return 1;
}

gboolean
mmr_lexer_needv (MmrLexer *L, MmrToken *t, const char *fmt, va_list ap)
{
  int r = mmr_lexer_next (L, FALSE, t);
  g_autofree char *msg = NULL;

  if (r < 0)
    return FALSE;
  if (r > 0)
    return TRUE;
  msg = g_strdup_vprintf (fmt, ap);
  return mmr_lexer_fail_missing (L, "%s", msg);
}

gboolean
mmr_lexer_expect_end (MmrLexer *L, const char *what)
{
  g_auto (MmrToken) t = { 0 };
  int r = mmr_lexer_next (L, FALSE, &t);

  if (r <= 0)
    return r == 0;
  return mmr_lexer_fail (L, t.col, "unexpected '%.*s' after the end of the "
                         "%s", (int) t.raw_len, t.raw, what);
}

/* ------------------------------------------------------------------ words */

/* Optimal string alignment distance (Levenshtein plus adjacent swaps),
 * enough to catch the usual typos: "setle", "sttle", "reodrer". */
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
        guint cost = a[i - 1] != b[j - 1];
        guint best = MIN (d[i - 1][j] + 1, d[i][j - 1] + 1);

        best = MIN (best, d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          best = MIN (best, d[i - 2][j - 2] + 1);
        d[i][j] = best;
      }
  return d[n][m];
}

gboolean
mmr_lexer_is_one_of (const char *s, const char *const *words, gsize n_words)
{
  for (gsize i = 0; i < n_words; i++)
    if (strcmp (s, words[i]) == 0)
      return TRUE;
  return FALSE;
}

/* A hint needs at most two edits, and fewer than half the typo's length:
 * 'pt' is not taken for 'put', nor 'D' for 'A'. */
const char *
mmr_lexer_closest_word (const char *typo, const char *const *words,
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

/* ------------------------------------------------------------------ files */

/* stdio rather than g_file_get_contents, so that the message carries the
 * system's reason alone ("No such file or directory"), and so that a NUL
 * byte stays in the text, to be reported where it is. */
char *
mmr_lexer_read_file (const char *path, gsize *out_len, GQuark domain,
                     int io_code, GError **error)
{
  g_autoptr (GString) buf = g_string_new (NULL);
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
      g_set_error (error, domain, io_code, "%s: cannot read: %s", path,
                   g_strerror (err));
      return NULL;
    }
  *out_len = buf->len;
  return g_string_free (g_steal_pointer (&buf), FALSE);
}

/* DOC: bom
 * Editors on Windows may begin a UTF-8 file with a byte order mark. It
 * says nothing in UTF-8 and is no part of the text: dropped before line
 * 1, whose columns then count from its first real character. */
const char *
mmr_lexer_skip_bom (const char *text)
{
  return g_str_has_prefix (text, "\xEF\xBB\xBF") ? text + 3 : text;
}
