/* mmr-template.c - disposing a composite-template widget (see the .h) */
#include "mmr-template.h"

void
mmr_template_dispose (GtkWidget *widget, GType type)
{
  GtkWidget *child;

  gtk_widget_dispose_template (widget, type);
  /* Template children without an id are not cleared in GTK 4.8. */
  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}
