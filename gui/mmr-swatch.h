/* mmr-swatch.h - a replica's colour dot, and a dot with its name
 *
 * The same small disc marks a replica in the clocks panel, the
 * version-vector view and the conflicts panel (colour from
 * mmr_palette_replica, with a grey rim so light colours read on light
 * themes). The name is always written beside it where space allows.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A @size x @size disc in replica @replica's colour, vertically centred. */
GtkWidget *mmr_swatch_new       (guint replica, int size);
/* A 12-pixel swatch followed by @name in the "heading" style. */
GtkWidget *mmr_swatch_label_new (guint replica, const char *name);

G_END_DECLS
