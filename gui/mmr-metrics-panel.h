/* mmr-metrics-panel.h - what replication costs and how long it takes to
 * agree, with a live plot (see mmr-metrics-panel.c) */
#pragma once

#include <gtk/gtk.h>

#include "mmr-session.h"

G_BEGIN_DECLS

#define MMR_TYPE_METRICS_PANEL (mmr_metrics_panel_get_type ())
G_DECLARE_FINAL_TYPE (MmrMetricsPanel, mmr_metrics_panel, MMR, METRICS_PANEL,
                      GtkWidget)

GtkWidget *mmr_metrics_panel_new         (void);
/* Follows @session ("reset", "state-changed"); NULL detaches. */
void       mmr_metrics_panel_set_session (MmrMetricsPanel *self,
                                          MmrSession *session);
/* The plot samples diverging keys at most every @n_events events (at
 * least 1; default 16); the panel raises it on its own when a sample gets
 * expensive (many keys). */
void       mmr_metrics_panel_set_sample_interval (MmrMetricsPanel *self,
                                                  guint n_events);
/* For tests: samples taken since the last reset, and the diverging keys
 * counted at the last one. */
guint      mmr_metrics_panel_get_n_samples (MmrMetricsPanel *self);
guint      mmr_metrics_panel_get_diverging (MmrMetricsPanel *self);

G_END_DECLS
