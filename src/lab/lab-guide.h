/* lab-guide.h - sections of a lab's guide (Markdown)
 *
 * A step's instructions may be a section of the lab's guide.md, named by
 * its heading. Headings are ATX headings ("## Step 2: two writes"); lines
 * inside fenced code blocks are not headings, so a "# comment" in a
 * scenario example never starts a section.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The body of the section under the heading whose text is @heading: the
 * lines after it up to the next heading of the same or a higher level,
 * blank lines at both ends removed. NULL when there is no such heading. */
char      *mmr_lab_guide_dup_section  (const char *markdown,
                                       const char *heading);
/* Every heading's text, in order (char*, owned). */
GPtrArray *mmr_lab_guide_dup_headings (const char *markdown);

G_END_DECLS
