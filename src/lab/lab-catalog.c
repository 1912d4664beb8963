/* lab-catalog.c - listing a course's labs (see lab-catalog.h)
 *
 * Interface: mmr_lab_catalog_list(), mmr_lab_entry_free().
 * Invariant: entries are sorted by folder name, which starts with the
 * lab's number, so the list is the course's order.
 * Taught in docs/labs.md ("Running labs").
 */
#include "lab/lab-catalog.h"

#include <string.h>

#include "lab/lab.h"
#include "lab/lab-markdown.h"
#include "scenario/lexer.h"

void
mmr_lab_entry_free (MmrLabEntry *e)
{
  if (e == NULL)
    return;
  g_free (e->folder);
  g_free (e->dir);
  g_free (e->number);
  g_free (e->title);
  g_ptr_array_unref (e->concepts);
  g_array_unref (e->outline);
  g_free (e->problem);
  g_free (e);
}

static gboolean
is_lab_folder (const char *name)
{
  return g_ascii_isdigit (name[0]) && g_ascii_isdigit (name[1])
         && name[2] == '-' && name[3] != '\0';
}

/* The first heading of the guide, or the folder's name. */
static char *
guide_title (const char *dir, const char *folder)
{
  g_autofree char *path = g_build_filename (dir, "guide.md", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  /* Only a guide of this lab: a link out of the folder is not read. */
  if (!mmr_lab_path_is_inside (dir, path)
      || (text = mmr_lab_read_text (path, NULL)) == NULL)
    return g_strdup (folder);
  lines = g_strsplit (mmr_lexer_skip_bom (text), "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint level = 0;
      char *title = mmr_lab_markdown_heading (lines[i], &level);

      if (title != NULL && level == 1 && *title != '\0')
        return title;
      g_free (title);
    }
  return g_strdup (folder);
}

static MmrLabEntry *
entry_new (const char *labs_dir, const char *folder)
{
  MmrLabEntry *e = g_new0 (MmrLabEntry, 1);
  g_autofree char *lab_file = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrLab) lab = NULL;

  e->folder = g_strdup (folder);
  e->dir = g_build_filename (labs_dir, folder, NULL);
  e->number = g_strndup (folder, 2);
  e->concepts = g_ptr_array_new_with_free_func (g_free);
  e->outline = g_array_new (FALSE, FALSE, sizeof (guint));
  lab_file = g_build_filename (e->dir, MMR_LAB_FILE, NULL);
  e->is_runnable = g_file_test (lab_file, G_FILE_TEST_EXISTS);
  if (!e->is_runnable)
    {
      e->title = guide_title (e->dir, folder);
      return e;
    }
  lab = mmr_lab_load (e->dir, &error);
  if (lab == NULL)
    {
      e->title = guide_title (e->dir, folder);
      e->problem = g_strdup (error->message);
      return e;
    }
  e->title = g_strdup (lab->title);
  for (guint i = 0; i < lab->concepts->len; i++)
    g_ptr_array_add (e->concepts, g_strdup (lab->concepts->pdata[i]));
  g_array_append_vals (e->outline, lab->outline->data, lab->outline->len);
  return e;
}

static int
entry_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(MmrLabEntry *const *) a)->folder,
                 (*(MmrLabEntry *const *) b)->folder);
}

GPtrArray *
mmr_lab_catalog_list (const char *labs_dir, GError **error)
{
  g_autoptr (GDir) d = NULL;
  g_autoptr (GError) local = NULL;
  GPtrArray *out;
  const char *name;

  g_return_val_if_fail (labs_dir != NULL, NULL);

  d = g_dir_open (labs_dir, 0, &local);
  if (d == NULL)
    {
      g_set_error (error, MMR_LAB_ERROR, MMR_LAB_ERROR_IO,
                   "%s: cannot read: %s", labs_dir, local->message);
      return NULL;
    }
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) mmr_lab_entry_free);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (labs_dir, name, NULL);

      if (is_lab_folder (name) && g_file_test (path, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (out, entry_new (labs_dir, name));
    }
  g_ptr_array_sort (out, entry_cmp);
  return out;
}
