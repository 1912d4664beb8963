/* mmr-clocks-panel.h - every replica's physical, Lamport and hybrid
 * logical clock, with skew and drift controls (see mmr-clocks-panel.c) */
#pragma once

#include <gtk/gtk.h>

#include "mmr-session.h"

G_BEGIN_DECLS

#define MMR_TYPE_CLOCKS_PANEL (mmr_clocks_panel_get_type ())
G_DECLARE_FINAL_TYPE (MmrClocksPanel, mmr_clocks_panel, MMR, CLOCKS_PANEL,
                      GtkWidget)

GtkWidget *mmr_clocks_panel_new         (void);
/* Follows @session ("reset", "state-changed"); NULL detaches. */
void       mmr_clocks_panel_set_session (MmrClocksPanel *self,
                                         MmrSession *session);
/* The skew slider (a GtkScale, in seconds) and the drift spin button (in
 * ppm) of @replica, or NULL; borrowed. For tests and keyboard focus. */
GtkWidget *mmr_clocks_panel_get_skew_control  (MmrClocksPanel *self,
                                               guint replica);
GtkWidget *mmr_clocks_panel_get_drift_control (MmrClocksPanel *self,
                                               guint replica);

G_END_DECLS
