/* lab-catalog.h - the labs of a course: every labs/NN-topic folder
 *
 * A folder whose name starts with two digits and a dash is a lab. With a
 * lab.mmrlab it is runnable; with only a guide.md it is listed as a guide
 * (its title is the guide's first heading) - a lab being written.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char *folder;          /* "02-version-vectors" */
  char *dir;             /* LABS_DIR/02-version-vectors */
  char *number;          /* "02" */
  char *title;
  GPtrArray *concepts;   /* char*; empty for a guide-only lab */
  GArray *outline;       /* guint */
  gboolean is_runnable;  /* has a lab.mmrlab */
  char *problem;         /* the lab file's first error, or NULL */
} MmrLabEntry;

void       mmr_lab_entry_free   (MmrLabEntry *entry);
/* MmrLabEntry*, owned, sorted by folder name. Fails (IO) only when
 * @labs_dir cannot be read; a broken lab is listed with its problem. */
GPtrArray *mmr_lab_catalog_list (const char *labs_dir, GError **error);

G_END_DECLS
