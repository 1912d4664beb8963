/* mmr-conflicts-panel.h - every conflict of the run: the versions that
 * met, the rule, the outcome, what was discarded (see
 * mmr-conflicts-panel.c) */
#pragma once

#include <gtk/gtk.h>

#include "mmr-session.h"

G_BEGIN_DECLS

#define MMR_TYPE_CONFLICTS_PANEL (mmr_conflicts_panel_get_type ())
G_DECLARE_FINAL_TYPE (MmrConflictsPanel, mmr_conflicts_panel, MMR,
                      CONFLICTS_PANEL, GtkWidget)

GtkWidget *mmr_conflicts_panel_new         (void);
/* Follows @session ("reset", "event-added"); NULL detaches. Emits
 * "conflict-selected" (guint: the index in the session log of the first
 * RESOLVE event of the conflict) when a conflict is selected. */
void       mmr_conflicts_panel_set_session (MmrConflictsPanel *self,
                                            MmrSession *session);
/* Cards of concurrent versions only: a rejected newer write has a card
 * but is not a conflict (the world counts it as metrics.rejected_newer). */
guint      mmr_conflicts_panel_get_n_conflicts (MmrConflictsPanel *self);
/* The whole description of conflict @i (0-based, in log order), as the
 * card shows it, one line per part; owned by the caller. */
char      *mmr_conflicts_panel_dup_text    (MmrConflictsPanel *self,
                                            guint i);
/* Selects the conflict one of whose RESOLVE events is @event_index (the
 * diagram calls this when an event is clicked). FALSE if there is none. */
gboolean   mmr_conflicts_panel_select_event (MmrConflictsPanel *self,
                                             guint event_index);

G_END_DECLS
