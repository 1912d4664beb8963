/* mmr-template.h - disposing a widget built from a composite template
 *
 * GTK 4.8's gtk_widget_dispose_template clears the template children that
 * have an id, but leaves those without one parented to the widget. Every
 * panel disposes through mmr_template_dispose, which does both, so the
 * workaround lives in one place.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* gtk_widget_dispose_template (@widget, @type), then unparents whatever
 * children remain. */
void mmr_template_dispose (GtkWidget *widget, GType type);

G_END_DECLS
