/* mmr-window.h - the inspector's main window
 *
 * Header bar (open, restart, play/pause, step, run to next conflict,
 * speed, seed, menu), topology above the space-time diagram on the left,
 * the panels on the right, a status bar at the bottom. Every command is a
 * "win." action (mmr-window-actions.c).
 */
#pragma once

#include <gtk/gtk.h>

#include "mmr-diagram-view.h"
#include "mmr-session.h"
#include "mmr-topology-view.h"

G_BEGIN_DECLS

#define MMR_TYPE_WINDOW (mmr_window_get_type ())
G_DECLARE_FINAL_TYPE (MmrWindow, mmr_window, MMR, WINDOW,
                      GtkApplicationWindow)

MmrWindow      *mmr_window_new          (GtkApplication *app);
/* Loads a scenario file or a lab folder; shows a dialog and returns FALSE
 * when it cannot be read or parsed. */
gboolean        mmr_window_open         (MmrWindow *self, const char *path);
MmrSession     *mmr_window_get_session  (MmrWindow *self);
MmrDiagramView *mmr_window_get_diagram  (MmrWindow *self);
MmrTopologyView *mmr_window_get_topology (MmrWindow *self);
/* The status bar's words, for tests: "Converged", "Diverging: ...". */
const char     *mmr_window_get_status_text (MmrWindow *self);

/* mmr-window-actions.c */
void            mmr_window_install_actions (MmrWindow *self);
void            mmr_window_update_actions  (MmrWindow *self);
void            mmr_window_show_error      (MmrWindow *self,
                                            const char *primary,
                                            const char *secondary);

G_END_DECLS
