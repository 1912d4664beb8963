/* mmr-state-model.h - the state table's rows: one per entry, one cell per
 * replica, kept up to date incrementally (see mmr-state-model.c) */
#pragma once

#include <gio/gio.h>

#include "sim/world.h"

G_BEGIN_DECLS

/* What one replica shows for one entry. */
typedef struct {
  gboolean is_present;     /* the replica's view has the entry at all */
  gboolean is_absent;      /* present, but every version is a tombstone */
  gboolean has_tombstone;  /* a tombstone is among the siblings */
  guint n_values;          /* visible values: 2 or more are siblings */
  guint n_live;            /* live versions; > n_values when merged */
  const char *crdt_type;   /* "pncounter"... for a CRDT key (static) */
  char *text;              /* "milk", "{eggs | milk}"; NULL when no value */
  MmrVersionVector vv;
} MmrStateCell;

#define MMR_TYPE_STATE_ROW (mmr_state_row_get_type ())
G_DECLARE_FINAL_TYPE (MmrStateRow, mmr_state_row, MMR, STATE_ROW, GObject)

/* Properties: "name" (string), "revision" (uint, bumped on every change:
 * bound cells listen to its notify). */
const char         *mmr_state_row_get_name     (MmrStateRow *row);
const char         *mmr_state_row_get_register (MmrStateRow *row);
const MmrStateCell *mmr_state_row_get_cell     (MmrStateRow *row,
                                                guint replica);
/* Replicas disagree on the visible value (absent counts as a value). */
gboolean            mmr_state_row_get_differs  (MmrStateRow *row);

#define MMR_TYPE_STATE_MODEL (mmr_state_model_get_type ())
G_DECLARE_FINAL_TYPE (MmrStateModel, mmr_state_model, MMR, STATE_MODEL,
                      GObject)

/* A GListModel of MmrStateRow sorted by name (strcmp). */
MmrStateModel *mmr_state_model_new     (void);
/* Follows @world's register changes (NULL: none). The previous world is
 * forgotten without being touched: it may already be freed. */
void  mmr_state_model_attach    (MmrStateModel *self, MmrWorld *world);
/* Stops observing; only call while the attached world is alive. */
void  mmr_state_model_detach    (MmrStateModel *self);
void  mmr_state_model_set_with_absent (MmrStateModel *self,
                                       gboolean with_absent);
/* Re-reads every replica. */
void  mmr_state_model_rebuild   (MmrStateModel *self);
/* Re-reads only the registers changed since the last update (everything
 * when the strategy or merge function changed: that changes every read). */
void  mmr_state_model_update    (MmrStateModel *self);
/* Registers changed since the last update (cheap: nothing is read). */
gboolean mmr_state_model_is_dirty (MmrStateModel *self);
/* The attached world (borrowed), or NULL. */
MmrWorld *mmr_state_model_get_world (MmrStateModel *self);
int   mmr_state_model_find      (MmrStateModel *self, const char *name);
guint mmr_state_model_get_n_differing (MmrStateModel *self);
guint mmr_state_model_get_n_replicas  (MmrStateModel *self);

G_END_DECLS
