/* mmr-lab-panel.h - a course lab, step by step, in the inspector (see
 * mmr-lab-panel.c and docs/labs.md, "In the inspector") */
#pragma once

#include <gtk/gtk.h>

#include "mmr-session.h"

G_BEGIN_DECLS

#define MMR_TYPE_LAB_PANEL (mmr_lab_panel_get_type ())
G_DECLARE_FINAL_TYPE (MmrLabPanel, mmr_lab_panel, MMR, LAB_PANEL, GtkWidget)

GtkWidget  *mmr_lab_panel_new  (void);
/* Opens the lab in @lab_dir (a folder holding lab.mmrlab) and restores the
 * progress saved for it: the steps before the saved one are replayed.
 * FALSE, with the lab's "FILE:LINE:COL: message", when it does not parse;
 * the panel then keeps what it showed before. */
gboolean    mmr_lab_panel_load (MmrLabPanel *self, const char *lab_dir,
                                GError **error);
/* The session the lab's world is shown in (the window's); NULL detaches.
 * After "Run step", and when a lab is opened, the session is reloaded
 * with the lab's current world and replayed to the same point. */
void        mmr_lab_panel_set_session (MmrLabPanel *self,
                                       MmrSession *session);

/* ---- for the window and the tests ---- */

/* 0-based index of the step shown; 0 before a lab is loaded. */
guint       mmr_lab_panel_get_step_index (MmrLabPanel *self);
/* The step's title as shown ("Step 1 of 4: ..." is the heading; this is
 * the title alone); NULL before a lab is loaded. */
const char *mmr_lab_panel_get_step_title (MmrLabPanel *self);
/* Has the shown step run? */
gboolean    mmr_lab_panel_get_step_ran   (MmrLabPanel *self);
GtkWidget  *mmr_lab_panel_get_run_button   (MmrLabPanel *self);
GtkWidget  *mmr_lab_panel_get_check_button (MmrLabPanel *self);
GtkWidget  *mmr_lab_panel_get_next_button  (MmrLabPanel *self);
/* Picks @text for question @id ("1.2") as a click would: the radio whose
 * choice reads the same (docs/labs.md: "{B:1, A:2}" is "{A:2, B:1}"), or
 * the entry of an open question. FALSE when @id is not on the shown step
 * or @text is not one of its choices. */
gboolean    mmr_lab_panel_choose (MmrLabPanel *self, const char *id,
                                  const char *text);
/* The verdict line of question @id after "Check answers" ("" before);
 * borrowed. Its label carries the CSS class "success" or "error". */
const char *mmr_lab_panel_get_verdict (MmrLabPanel *self, const char *id);
GtkWidget  *mmr_lab_panel_get_verdict_label (MmrLabPanel *self,
                                             const char *id);

/* Where progress is kept: g_get_user_data_dir()/mmr-lab/progress.ini. */
char       *mmr_lab_panel_dup_progress_path (void);

G_END_DECLS
