/* lab-markdown.c - the one Markdown reader of the labs (see lab-markdown.h)
 *
 * Two levels, as in CommonMark, with only what a lab's instructions use:
 *
 *   blocks  a line is a fence (``` or ~~~), a line of code (inside a
 *           fence), blank, a heading ("## Title"), a list item ("- ",
 *           "* ", "+ ", "12. ") or text. Text lines join the paragraph
 *           or the item before them; a blank line, a heading or a fence
 *           ends it. An item right after another item is "tight" (a
 *           renderer puts no blank line between them).
 *   spans   `code` holds plain text; **bold** and *italic* nest; a '*'
 *           never closes half of a "**"; a mark followed by a blank or
 *           without a partner is text; "\*" is a literal '*'.
 *
 * The lab parser uses the line rules to find a guide's sections
 * (lab-guide.c); the inspector renders blocks and spans as Pango markup
 * (gui/mmr-markdown-view.c).
 *
 * Interface: mmr_lab_markdown_read(), _read_spans(), _heading(),
 * _is_fence(), _block_free().
 * Taught in docs/labs.md ("The lab file", "In the inspector").
 */
#include "lab/lab-markdown.h"

#include <string.h>

/* ------------------------------------------------------------------ lines */

gboolean
mmr_lab_markdown_is_fence (const char *line)
{
  line += strspn (line, " ");
  return g_str_has_prefix (line, "```") || g_str_has_prefix (line, "~~~");
}

char *
mmr_lab_markdown_heading (const char *line, guint *out_level)
{
  guint level = 0;
  char *text;
  gsize k, n;

  for (guint i = 0; i < 3 && *line == ' '; i++)
    line++;
  while (line[level] == '#')
    level++;
  if (level == 0 || level > 6
      || (line[level] != ' ' && line[level] != '\t' && line[level] != '\0'))
    return NULL;
  text = g_strstrip (g_strdup (line + level));
  /* A closing run of '#' after a blank is not part of the text: "## A ##". */
  n = k = strlen (text);
  while (k > 0 && text[k - 1] == '#')
    k--;
  if (k < n && (k == 0 || text[k - 1] == ' ' || text[k - 1] == '\t'))
    {
      text[k] = '\0';
      g_strchomp (text);
    }
  *out_level = level;
  return text;
}

/* "- ", "* ", "+ " or "12. ": the length of the marker, or 0. */
static gsize
item_marker (const char *line)
{
  gsize k = 0;

  if ((line[0] == '-' || line[0] == '*' || line[0] == '+') && line[1] == ' ')
    return 2;
  while (g_ascii_isdigit (line[k]))
    k++;
  return k > 0 && line[k] == '.' && line[k + 1] == ' ' ? k + 2 : 0;
}

/* ----------------------------------------------------------------- blocks */

void
mmr_lab_markdown_block_free (MmrMarkdownBlock *b)
{
  if (b == NULL)
    return;
  g_free (b->number);
  g_free (b->text);
  g_strfreev (b->lines);
  g_free (b);
}

typedef struct {
  GPtrArray *blocks;
  GString *para;            /* the open paragraph's or item's text */
  MmrMarkdownBlock *item;   /* the open item, or NULL */
  GPtrArray *code;          /* the open code block's lines, or NULL */
} Reader;

static MmrMarkdownBlock *
add_block (Reader *R, MmrMarkdownKind kind)
{
  MmrMarkdownBlock *b = g_new0 (MmrMarkdownBlock, 1);

  b->kind = kind;
  g_ptr_array_add (R->blocks, b);
  return b;
}

/* Ends the open paragraph or item. */
static void
flush (Reader *R)
{
  if (R->item != NULL)
    R->item->text = g_strdup (R->para->str);
  else if (R->para->len > 0)
    add_block (R, MMR_MARKDOWN_PARAGRAPH)->text = g_strdup (R->para->str);
  g_string_truncate (R->para, 0);
  R->item = NULL;
}

static void
fence (Reader *R)
{
  flush (R);
  if (R->code == NULL)
    {
      R->code = g_ptr_array_new ();
      return;
    }
  g_ptr_array_add (R->code, NULL);
  add_block (R, MMR_MARKDOWN_CODE)->lines =
    (GStrv) g_ptr_array_free (g_steal_pointer (&R->code), FALSE);
}

static void
text_line (Reader *R, char *line)
{
  const char *body = line + strspn (line, " ");
  g_autofree char *title = NULL;
  guint level = 0;
  gsize marker;

  g_strchomp (line);
  if (*body == '\0')
    flush (R);
  else if ((title = mmr_lab_markdown_heading (line, &level)) != NULL)
    {
      MmrMarkdownBlock *b;

      flush (R);
      b = add_block (R, MMR_MARKDOWN_HEADING);
      b->level = level;
      b->text = g_steal_pointer (&title);
    }
  else if ((marker = item_marker (body)) > 0)
    {
      gboolean is_tight = R->item != NULL;

      flush (R);
      R->item = add_block (R, MMR_MARKDOWN_ITEM);
      R->item->is_tight = is_tight;
      if (g_ascii_isdigit (body[0]))
        R->item->number = g_strndup (body, marker - 1);
      g_string_append (R->para, body + marker);
    }
  else
    {
      if (R->para->len > 0)
        g_string_append_c (R->para, ' ');
      g_string_append (R->para, body);
    }
}

GPtrArray *
mmr_lab_markdown_read (const char *markdown)
{
  Reader R = {
    g_ptr_array_new_with_free_func ((GDestroyNotify)
                                    mmr_lab_markdown_block_free),
    g_string_new (NULL), NULL, NULL,
  };
  g_auto (GStrv) lines = NULL;

  g_return_val_if_fail (markdown != NULL, R.blocks);

  lines = g_strsplit (markdown, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      gsize n = strlen (lines[i]);

      if (n > 0 && lines[i][n - 1] == '\r')
        lines[i][n - 1] = '\0';
      if (mmr_lab_markdown_is_fence (lines[i]))
        fence (&R);
      else if (R.code != NULL)
        g_ptr_array_add (R.code, g_strdup (lines[i]));
      else
        text_line (&R, lines[i]);
    }
  if (R.code != NULL)
    fence (&R);   /* an unclosed fence runs to the end */
  flush (&R);
  g_string_free (R.para, TRUE);
  return R.blocks;
}

/* ------------------------------------------------------------------ spans */

static void
emit (const MmrMarkdownSpanFuncs *f, const char *s, gsize n, gpointer data)
{
  if (n > 0)
    f->text (s, n, data);
}

/* Where @mark (1 or 2 bytes) next occurs in s[from, n), or -1. A code
 * span hides what is inside it; a single '*' never matches half of a
 * "**". */
static gssize
find_mark (const char *s, gsize from, gsize n, const char *mark)
{
  gsize m = strlen (mark);

  for (gsize j = from; j + m <= n; j++)
    {
      if (s[j] == '`' && mark[0] != '`')
        {
          const char *close = memchr (s + j + 1, '`', n - j - 1);

          if (close != NULL)
            j = (gsize) (close - s);
          continue;
        }
      if (memcmp (s + j, mark, m) != 0)
        continue;
      if (m == 1 && mark[0] == '*' && j + 1 < n && s[j + 1] == '*')
        {
          j++;
          continue;
        }
      return (gssize) j;
    }
  return -1;
}

/* Reads the span opening at s[*i] with @mark, or FALSE when it has no
 * partner. */
static gboolean
span (const char *s, gsize n, gsize *i, const char *mark,
      const MmrMarkdownSpanFuncs *f, gpointer data)
{
  gsize m = strlen (mark);
  gssize close = find_mark (s, *i + m, n, mark);
  MmrMarkdownSpan kind = mark[0] == '`' ? MMR_MARKDOWN_SPAN_CODE
                         : m == 2 ? MMR_MARKDOWN_SPAN_BOLD
                         : MMR_MARKDOWN_SPAN_ITALIC;

  if (close < 0 || (gsize) close == *i + m || s[*i + m] == ' ')
    return FALSE;
  f->open (kind, data);
  if (kind == MMR_MARKDOWN_SPAN_CODE)
    emit (f, s + *i + m, (gsize) close - *i - m, data);
  else
    mmr_lab_markdown_read_spans (s + *i + m, (gsize) close - *i - m, f, data);
  f->close (kind, data);
  *i = (gsize) close + m;
  return TRUE;
}

static gboolean
is_escape (const char *s, gsize n, gsize i)
{
  return s[i] == '\\' && i + 1 < n && g_ascii_ispunct (s[i + 1]);
}

void
mmr_lab_markdown_read_spans (const char *s, gsize n,
                             const MmrMarkdownSpanFuncs *f, gpointer data)
{
  gsize i = 0, run = 0;

  while (i < n)
    {
      const char *mark = s[i] == '`' ? "`"
                         : s[i] == '*' && i + 1 < n && s[i + 1] == '*' ? "**"
                         : s[i] == '*' ? "*" : NULL;

      if (mark != NULL || is_escape (s, n, i))
        {
          emit (f, s + run, i - run, data);
          run = i;
        }
      if (mark != NULL && span (s, n, &i, mark, f, data))
        {
          run = i;
          continue;
        }
      if (mark == NULL && is_escape (s, n, i))
        {
          emit (f, s + i + 1, 1, data);
          i += 2;
          run = i;
          continue;
        }
      i += mark != NULL ? strlen (mark) : 1;
    }
  emit (f, s + run, n - run, data);
}
