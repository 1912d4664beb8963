/* mmr-controls-panel.h - the world's settings, changed while it runs
 * (see mmr-controls-panel.c) */
#pragma once

#include <gtk/gtk.h>

#include "mmr-session.h"

G_BEGIN_DECLS

#define MMR_TYPE_CONTROLS_PANEL (mmr_controls_panel_get_type ())
G_DECLARE_FINAL_TYPE (MmrControlsPanel, mmr_controls_panel, MMR,
                      CONTROLS_PANEL, GtkWidget)

GtkWidget *mmr_controls_panel_new         (void);
/* Follows @session ("reset", "state-changed"); NULL detaches. The
 * template children (strategy_dropdown, clock_dropdown,
 * latency_min_spin, latency_max_spin, loss_spin, duplicate_spin,
 * reorder_switch) are reachable with gtk_widget_get_template_child. */
void       mmr_controls_panel_set_session (MmrControlsPanel *self,
                                           MmrSession *session);

G_END_DECLS
