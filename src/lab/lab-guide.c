/* lab-guide.c - sections of a lab's guide (see lab-guide.h)
 *
 * A section runs from its heading to the next heading of the same or a
 * higher level; lines inside fenced code blocks are never headings. What
 * a heading and a fence are is the labs' one Markdown reader's rule
 * (lab-markdown.c), so the inspector shows as headings exactly the lines
 * that start sections.
 *
 * Interface: mmr_lab_guide_dup_section(), mmr_lab_guide_dup_headings().
 * Taught in docs/labs.md ("The lab file", "In the inspector").
 */
#include "lab/lab-guide.h"

#include <string.h>

#include "lab/lab-markdown.h"

typedef struct {
  guint level;        /* 0: not a heading */
  char *text;         /* owned */
} Heading;

/* Calls @func for every line with its heading (level 0 outside headings
 * and inside code blocks). */
typedef gboolean (*LineFunc) (const char *line, const Heading *h,
                              gpointer data);

/* One pass over the text, no allocation per line: a guide of a million
 * blank lines costs a million cheap steps (tests/lab, "LinearTime"). */
static void
scan (const char *markdown, LineFunc func, gpointer data)
{
  g_autoptr (GString) line = g_string_new (NULL);
  gboolean in_fence = FALSE;
  const char *p = markdown;

  for (;;)
    {
      const char *nl = strchr (p, '\n');
      gsize n = nl != NULL ? (gsize) (nl - p) : strlen (p);
      Heading h = { 0, NULL };
      gboolean go_on;

      if (n > 0 && p[n - 1] == '\r')
        n--;
      g_string_truncate (line, 0);
      g_string_append_len (line, p, (gssize) n);
      if (mmr_lab_markdown_is_fence (line->str))
        in_fence = !in_fence;
      else if (!in_fence)
        h.text = mmr_lab_markdown_heading (line->str, &h.level);
      go_on = func (line->str, &h, data);
      g_free (h.text);
      if (!go_on || nl == NULL)
        return;
      p = nl + 1;
    }
}

typedef struct {
  const char *want;
  guint level;          /* of the heading found; 0 before it */
  gboolean found;
  GString *body;
} SectionScan;

static gboolean
section_line (const char *line, const Heading *h, gpointer data)
{
  SectionScan *s = data;

  if (s->level == 0)
    {
      if (h->level > 0 && strcmp (h->text, s->want) == 0)
        {
          s->level = h->level;
          s->found = TRUE;
        }
      return TRUE;
    }
  if (h->level > 0 && h->level <= s->level)
    return FALSE;
  g_string_append (s->body, line);
  g_string_append_c (s->body, '\n');
  return TRUE;
}

char *
mmr_lab_guide_dup_section (const char *markdown, const char *heading)
{
  SectionScan s = { heading, 0, FALSE, g_string_new (NULL) };
  char *body;
  gsize lead, n;

  g_return_val_if_fail (markdown != NULL && heading != NULL, NULL);

  scan (markdown, section_line, &s);
  body = g_string_free (s.body, FALSE);
  if (!s.found)
    {
      g_free (body);
      return NULL;
    }
  /* Blank lines at both ends only: indentation inside is Markdown. One
   * move, not one per line: a million blank lines must cost a million
   * steps, not a million moves of the whole body. */
  lead = strspn (body, "\n");
  n = strlen (body + lead);
  memmove (body, body + lead, n + 1);
  while (n > 0 && (body[n - 1] == '\n' || body[n - 1] == ' '))
    body[--n] = '\0';
  return body;
}

static gboolean
heading_line (const char *line, const Heading *h, gpointer data)
{
  (void) line;
  if (h->level > 0)
    g_ptr_array_add (data, g_strdup (h->text));
  return TRUE;
}

GPtrArray *
mmr_lab_guide_dup_headings (const char *markdown)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (markdown != NULL, out);
  scan (markdown, heading_line, out);
  return out;
}
