/* lab-files.c - reading a lab's files: whole, NUL-free, inside the folder
 *
 * A lab folder is input like any other, and may come from someone else.
 * Every file of it (the lab file, the guide, worlds, an answers file) is
 * read whole with the scenario language's reader, so that a NUL byte is
 * refused where it is instead of ending the text there, and every path it
 * names must resolve inside the folder. The lines themselves are read by
 * the scenario language's lexer (src/scenario/lexer.c).
 *
 * Interface (lab.h): mmr_lab_read_text(), mmr_lab_check_text(),
 * mmr_lab_path_is_inside().
 * Taught in docs/labs.md ("How errors read").
 */
#include "lab/lab.h"

#include <stdlib.h>
#include <string.h>

#include "scenario/lexer.h"

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

/* Read whole, with the scenario's reader (the system's reason alone in
 * the message), then checked for NUL bytes. */
char *
mmr_lab_read_text (const char *path, GError **error)
{
  gsize len = 0;
  char *text = mmr_lexer_read_file (path, &len, MMR_LAB_ERROR,
                                    MMR_LAB_ERROR_IO, error);

  if (text != NULL && !mmr_lab_check_text (path, text, len, error))
    g_clear_pointer (&text, g_free);
  return text;
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
