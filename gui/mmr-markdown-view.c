/* mmr-markdown-view.c - a lab's Markdown as Pango markup
 *
 * The lab's one Markdown reader (src/lab/lab-markdown.c) turns the text
 * into blocks and spans; this file only says how each looks in a
 * GtkLabel: a heading bold and larger (x-large, large, then medium), a
 * blank line between blocks but none between the items of one list, a
 * bullet "  •" or the item's number, code in <tt>, bold <b>, italic <i>.
 *
 * Interface: mmr_markdown_view_to_pango().
 * Invariant: every character that is not turned into a tag is escaped,
 * and tags open and close in pairs, so the output always parses.
 *
 * Taught in docs/labs.md ("In the inspector").
 */
#include "mmr-markdown-view.h"

#include <string.h>

#include "lab/lab-markdown.h"

static void
escaped (GString *out, const char *s, gsize n)
{
  g_autofree char *e = g_markup_escape_text (s, (gssize) n);

  g_string_append (out, e);
}

static const char *
span_tag (MmrMarkdownSpan span)
{
  switch (span)
    {
    case MMR_MARKDOWN_SPAN_CODE: return "tt";
    case MMR_MARKDOWN_SPAN_BOLD: return "b";
    case MMR_MARKDOWN_SPAN_ITALIC: return "i";
    default: g_assert_not_reached ();
    }
  return NULL;
}

static void
text_cb (const char *s, gsize n, gpointer out)
{
  escaped (out, s, n);
}

static void
open_cb (MmrMarkdownSpan span, gpointer out)
{
  g_string_append_printf (out, "<%s>", span_tag (span));
}

static void
close_cb (MmrMarkdownSpan span, gpointer out)
{
  g_string_append_printf (out, "</%s>", span_tag (span));
}

static void
spans (GString *out, const char *text)
{
  static const MmrMarkdownSpanFuncs funcs = { text_cb, open_cb, close_cb };

  mmr_lab_markdown_read_spans (text, strlen (text), &funcs, out);
}

static void
block (GString *out, const MmrMarkdownBlock *b)
{
  static const char *const sizes[] = { "x-large", "large", "medium" };

  switch (b->kind)
    {
    case MMR_MARKDOWN_PARAGRAPH:
      spans (out, b->text);
      break;
    case MMR_MARKDOWN_HEADING:
      g_string_append_printf (out, "<span weight=\"bold\" size=\"%s\">",
                              sizes[MIN (b->level, 3) - 1]);
      spans (out, b->text);
      g_string_append (out, "</span>");
      break;
    case MMR_MARKDOWN_ITEM:
      if (b->number != NULL)
        escaped (out, b->number, strlen (b->number));
      else
        g_string_append (out, "  \u2022");
      g_string_append_c (out, ' ');
      spans (out, b->text);
      break;
    case MMR_MARKDOWN_CODE:
      for (guint i = 0; b->lines[i] != NULL; i++)
        {
          g_string_append (out, i > 0 ? "\n<tt>" : "<tt>");
          escaped (out, b->lines[i], strlen (b->lines[i]));
          g_string_append (out, "</tt>");
        }
      break;
    default:
      g_assert_not_reached ();
    }
}

char *
mmr_markdown_view_to_pango (const char *markdown)
{
  g_autoptr (GPtrArray) blocks = NULL;
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (markdown != NULL, NULL);

  blocks = mmr_lab_markdown_read (markdown);
  for (guint i = 0; i < blocks->len; i++)
    {
      const MmrMarkdownBlock *b = blocks->pdata[i];

      if (out->len > 0)
        g_string_append (out, b->kind == MMR_MARKDOWN_ITEM && b->is_tight
                              ? "\n" : "\n\n");
      block (out, b);
    }
  return g_string_free (out, FALSE);
}
