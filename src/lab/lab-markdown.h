/* lab-markdown.h - the one Markdown reader of the labs
 *
 * A lab's guide.md and a step's "> " lines are Markdown. Only what the
 * labs use is read: ATX headings, paragraphs, bullet and numbered list
 * items, fenced code blocks, and inside text `code`, **bold**, *italic*
 * and backslash escapes. The lab parser finds a guide's sections with the
 * line rules (mmr_lab_markdown_heading, _is_fence); the inspector renders
 * the blocks and spans (gui/mmr-markdown-view.c). Nothing here knows of
 * GTK or Pango.
 *
 * Taught in docs/labs.md ("The lab file", "In the inspector").
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  MMR_MARKDOWN_PARAGRAPH,
  MMR_MARKDOWN_HEADING,
  MMR_MARKDOWN_ITEM,
  MMR_MARKDOWN_CODE,
} MmrMarkdownKind;

typedef struct {
  MmrMarkdownKind kind;
  guint level;          /* a heading's, 1..6 */
  char *number;         /* a numbered item's marker ("12."); NULL: bullet */
  gboolean is_tight;    /* an item right after another, no blank line */
  char *text;           /* inline Markdown; NULL for a code block */
  GStrv lines;          /* a code block's lines, verbatim */
} MmrMarkdownBlock;

void mmr_lab_markdown_block_free (MmrMarkdownBlock *b);

/* The blocks of @markdown, in order (MmrMarkdownBlock*, owned). A
 * paragraph's or item's lines are joined by one space; an unclosed fence
 * runs to the end. */
GPtrArray *mmr_lab_markdown_read (const char *markdown);

/* A heading line (up to three spaces, 1 to 6 '#', a blank or the end):
 * its text without closing '#'s, and *out_level; NULL otherwise. */
char     *mmr_lab_markdown_heading (const char *line, guint *out_level);
/* A line that opens or closes a code block: ``` or ~~~ after spaces. */
gboolean  mmr_lab_markdown_is_fence (const char *line);

typedef enum {
  MMR_MARKDOWN_SPAN_CODE,
  MMR_MARKDOWN_SPAN_BOLD,
  MMR_MARKDOWN_SPAN_ITALIC,
} MmrMarkdownSpan;

typedef struct {
  /* Plain text, escapes resolved: s[0..n), not NUL-terminated. */
  void (*text) (const char *s, gsize n, gpointer data);
  void (*open) (MmrMarkdownSpan span, gpointer data);
  void (*close) (MmrMarkdownSpan span, gpointer data);
} MmrMarkdownSpanFuncs;

/* Reads the inline Markdown s[0..n) into calls of @funcs: spans nest
 * (bold inside italic), code spans hold plain text, a mark without a
 * partner is text. */
void mmr_lab_markdown_read_spans (const char *s, gsize n,
                                  const MmrMarkdownSpanFuncs *funcs,
                                  gpointer data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MmrMarkdownBlock, mmr_lab_markdown_block_free)

G_END_DECLS
