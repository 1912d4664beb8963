/* mmr-state-table.h - keys x replicas: what every replica shows, and where
 * they disagree (see mmr-state-table.c) */
#pragma once

#include <gtk/gtk.h>

#include "mmr-session.h"
#include "mmr-state-model.h"

G_BEGIN_DECLS

#define MMR_TYPE_STATE_TABLE (mmr_state_table_get_type ())
G_DECLARE_FINAL_TYPE (MmrStateTable, mmr_state_table, MMR, STATE_TABLE,
                      GtkWidget)

GtkWidget *mmr_state_table_new         (void);
/* Follows @session ("reset", "state-changed"); NULL detaches. */
void       mmr_state_table_set_session (MmrStateTable *self,
                                        MmrSession *session);
/* Tombstones (absent keys, deleted siblings) shown or hidden. */
void       mmr_state_table_set_show_deleted (MmrStateTable *self,
                                             gboolean show_deleted);

/* The rows (borrowed), brought up to date first. */
MmrStateModel *mmr_state_table_get_model (MmrStateTable *self);

/* For tests and the benchmark: the number of rows (entries), the row of
 * entry @name (-1 if none), the text one cell shows, and whether a row is
 * marked as differing. Strings are owned by the caller. */
guint      mmr_state_table_get_n_rows  (MmrStateTable *self);
int        mmr_state_table_find_row    (MmrStateTable *self, const char *name);
char      *mmr_state_table_dup_cell_text (MmrStateTable *self, guint row,
                                          guint replica);
gboolean   mmr_state_table_row_differs (MmrStateTable *self, guint row);
gboolean   mmr_state_table_row_has_siblings (MmrStateTable *self, guint row,
                                             guint replica);
/* Selects entry @name (emits "key-selected"); FALSE if there is none. */
gboolean   mmr_state_table_select      (MmrStateTable *self, const char *name);

G_END_DECLS
