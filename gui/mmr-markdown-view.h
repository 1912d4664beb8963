/* mmr-markdown-view.h - a lab's Markdown as Pango markup
 *
 * The inspector's rendering of what src/lab/lab-markdown.c reads:
 * headings, paragraphs, bullet and numbered lists, fenced code, **bold**,
 * *italic* and `code`. Taught in docs/labs.md ("In the inspector").
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @markdown as Pango markup; every character that is not turned into a
 * tag is escaped, and tags open and close in pairs, so the result always
 * parses. Owned by the caller. */
char *mmr_markdown_view_to_pango (const char *markdown);

G_END_DECLS
