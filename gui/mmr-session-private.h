/* mmr-session-private.h - what the facets of MmrSession share
 *
 * MmrSession is one GObject written in three files, by facet (as GNOME
 * Text Editor splits editor-window-actions.c off its window):
 *   mmr-session.c               the object: load, run, play, convergence
 *   mmr-session-log.c           the event log: every event copied, message
 *                               partners, link-state history
 *   mmr-session-interventions.c interventions and time travel
 * Only these three files include this header; widgets use mmr-session.h.
 */
#pragma once

#include "mmr-session.h"

#define NO_EVENT G_MAXUINT

typedef enum {
  IV_CUT,
  IV_PARTITION,
  IV_HEAL_ALL,
  IV_SKEW,
  IV_DRIFT,
  IV_LINK_MODEL,
  IV_STRATEGY,
  IV_CLOCK,
} IvKind;

typedef struct {
  guint64 at_step;               /* runner steps done when it happened */
  IvKind kind;
  int a, b;
  gboolean flag;
  gint64 value;
  int group_of[MMR_MAX_REPLICAS];
  MmrLinkModel model;
} Intervention;

struct _MmrSession {
  GObject parent_instance;

  MmrScript *script;             /* owned (also in old_scripts) */
  GPtrArray *old_scripts;        /* every script loaded, freed at finalize */
  GPtrArray *data_dirs;          /* temporary replica-database folders */
  MmrRunner *runner;             /* owned */
  char *filename;
  guint64 seed;
  MmrRunLimits limits;           /* for every runner made */

  /* the event log */
  GPtrArray *chunks;             /* MmrSessionEvent[CHUNK_SIZE] */
  guint n_events;
  GArray *partners;              /* guint per event */
  GArray *briefs;                /* MmrSessionBrief per event */

  GHashTable *send_of_msg;       /* msg_id -> SEND index */
  GStringChunk *strings;         /* keys, values, details */
  GArray *cuts;                  /* MmrSessionCuts */
  gint64 max_latency_us;
  guint n_conflicts;

  /* replay */
  GArray *interventions;         /* Intervention */
  guint64 n_steps;
  const MmrCommand *run_cmd;     /* the run/settle being executed */
  gint64 run_end_us;

  /* playing */
  gboolean playing;
  double speed;
  guint tick_id;
  gint64 last_wall_us;
  gint64 last_emit_us;           /* how long the views took last tick */
  gint64 display_us;
};

/* mmr-session.c */
MmrRunner *mmr_session_make_runner        (MmrSession *self);
void       mmr_session_emit_state_changed (MmrSession *self);
void       mmr_session_emit_event_added   (MmrSession *self, guint index);

/* mmr-session-log.c: the log's storage is made by init, emptied by clear
 * (a new world) and freed by finalize; event_cb is the world observer
 * that appends to it. */
void mmr_session_log_init     (MmrSession *self);
void mmr_session_log_clear    (MmrSession *self);
void mmr_session_log_finalize (MmrSession *self);
void mmr_session_log_event_cb (const MmrEvent *ev, gpointer user_data);
