/* mmr-window-private.h - MmrWindow's fields, shared by its two facets
 * (mmr-window.c: layout, session and status; mmr-window-actions.c:
 * actions, dialogs and exports). Not for other files. */
#pragma once

#include "mmr-window.h"

struct _MmrWindow {
  GtkApplicationWindow parent_instance;

  /* template widgets */
  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkToggleButton *play_button;
  GtkSpinButton *seed_spin;
  GtkDropDown *speed_dropdown;
  GtkNotebook *panels;
  MmrTopologyView *topology;
  MmrDiagramView *diagram;
  GtkLabel *convergence_label;
  GtkLabel *time_label;
  GtkLabel *events_label;
  GtkLabel *command_label;

  /* panels (created in code: they belong to another file set) */
  GtkWidget *state_table;
  GtkWidget *vv_view;
  GtkWidget *conflicts_panel;
  GtkWidget *clocks_panel;
  GtkWidget *metrics_panel;
  GtkWidget *controls_panel;

  /* owned */
  MmrSession *session;
  GtkFileChooserNative *chooser;
  gint64 last_check_us;        /* wall time of the last convergence check */
  guint check_source;
  gboolean updating_seed;
  char *status_text;
};
