/* mmr-session.h - the inspector's model: one scenario being watched
 *
 * A session wraps the engine's public API (a parsed MmrScript, an
 * MmrRunner and its MmrWorld) for the widgets. Widgets never step the
 * engine themselves: they call the session and redraw on its signals.
 *
 * The session keeps its own copy of every event (MmrSessionEvent), so the
 * space-time diagram, the conflicts panel and the metrics plot can draw
 * history without touching the engine.
 *
 * User interventions (cutting a link, a skew slider, a loss change...) are
 * applied to the running world AND recorded with the number of events seen
 * when they happened, so restarting with the same seed, or rebuilding the
 * state at an earlier instant (time travel), replays them exactly.
 *
 * The wall clock is used only to pace the animation (play at a speed);
 * the engine runs on virtual time and stays deterministic.
 *
 * Signals:
 *   "reset"          ()                a new world (load, restart, seed)
 *   "event-added"    (guint index)     one event appended to the log
 *   "state-changed"  ()                after each step or batch of steps:
 *                                      views should re-read the world
 * Properties: "playing" (gboolean), "speed" (double: virtual seconds per
 * wall second; 0 means as fast as possible), "seed" (guint64),
 * "filename" (string, read-only).
 */
#pragma once

#include <gio/gio.h>

#include "scenario/runner.h"
#include "scenario/script.h"
#include "sim/world.h"

G_BEGIN_DECLS

#define MMR_TYPE_SESSION (mmr_session_get_type ())
G_DECLARE_FINAL_TYPE (MmrSession, mmr_session, MMR, SESSION, GObject)

/* What a panel keeps to follow a session: a reference to it and its
 * "reset" and "state-changed" handlers. Zero-initialised: follows none. */
typedef struct {
  MmrSession *session;
  gulong reset_id;
  gulong state_changed_id;
} MmrSessionWatch;

/* Starts following @session (NULL: none) with the two callbacks, which
 * get @user_data; @watch must follow none (mmr_session_watch_clear). */
void mmr_session_watch_connect (MmrSessionWatch *watch, MmrSession *session,
                                GCallback reset_cb,
                                GCallback state_changed_cb,
                                gpointer user_data);
/* Disconnects both handlers and drops the reference. */
void mmr_session_watch_clear   (MmrSessionWatch *watch);

/* An owned copy of one MmrEvent. */
typedef struct {
  MmrEvent ev;              /* pointers below are owned copies */
  char *key;
  char *value;
  char *detail;
  MmrEventVersion *versions;  /* n = ev.n_versions; values owned */
  MmrDot *kept;
  MmrDot *superseded;
} MmrSessionEvent;

MmrSession *mmr_session_new            (void);
gboolean    mmr_session_load_file      (MmrSession *self, const char *path,
                                        GError **error);
gboolean    mmr_session_load_text      (MmrSession *self, const char *name,
                                        const char *text, GError **error);
/* Same script, current seed, interventions dropped. */
void        mmr_session_restart        (MmrSession *self);
void        mmr_session_set_seed       (MmrSession *self, guint64 seed);
guint64     mmr_session_get_seed       (MmrSession *self);
const char *mmr_session_get_filename   (MmrSession *self);

/* The run limits of every runner the session makes (default:
 * mmr_run_limits_init_default); copied. */
void        mmr_session_set_limits     (MmrSession *self,
                                        const MmrRunLimits *limits);
const MmrRunLimits *mmr_session_get_limits (MmrSession *self);
/* Set when a limit stopped the run (the runner's error, borrowed); the
 * session is then done. NULL otherwise. */
const GError *mmr_session_get_error    (MmrSession *self);

/* NULL until something is loaded. */
MmrRunner  *mmr_session_get_runner     (MmrSession *self);
MmrWorld   *mmr_session_get_world      (MmrSession *self);
const MmrScript *mmr_session_get_script (MmrSession *self);

/* Runs until exactly one more world event was produced (commands on the
 * way are executed). FALSE when the scenario has finished. */
gboolean    mmr_session_step_event     (MmrSession *self);
/* Runs until a CONFLICT event or the end. TRUE if a conflict was found. */
gboolean    mmr_session_run_to_conflict (MmrSession *self);
/* Runs the scenario to its end. */
void        mmr_session_run_to_end     (MmrSession *self);
gboolean    mmr_session_is_done        (MmrSession *self);

void        mmr_session_set_playing    (MmrSession *self, gboolean playing);
gboolean    mmr_session_get_playing    (MmrSession *self);
void        mmr_session_set_speed      (MmrSession *self, double speed);
double      mmr_session_get_speed      (MmrSession *self);

/* The event log. */
guint       mmr_session_get_n_events   (MmrSession *self);
const MmrSessionEvent *mmr_session_get_event (MmrSession *self, guint index);

/* Interventions: applied now, traced by the engine, recorded for replay. */
void mmr_session_set_cut        (MmrSession *self, guint from, guint to,
                                 gboolean is_cut);
void mmr_session_partition      (MmrSession *self, const int *group_of);
void mmr_session_heal_all       (MmrSession *self);
void mmr_session_set_skew       (MmrSession *self, guint replica,
                                 gint64 offset_us);
void mmr_session_set_drift      (MmrSession *self, guint replica,
                                 gint32 drift_ppm);
void mmr_session_set_link_model (MmrSession *self, int from, int to,
                                 const MmrLinkModel *model);
void mmr_session_set_strategy   (MmrSession *self, MmrStrategy strategy);
void mmr_session_set_clock      (MmrSession *self, MmrClockSource clock);

/* Time travel: a new runner replayed (same script, seed, interventions)
 * until @n_events events exist. The caller owns it. */
MmrRunner *mmr_session_dup_runner_at (MmrSession *self, guint64 n_events);

/* ---- Additions for the views (beyond the shared interface above) ---- */

/* A step advances the runner by its smallest unit that produces events:
 * usually one event, but one client operation is WRITE plus a SEND per
 * peer, and one delivery may answer at once (a DIGEST_REPLY): those come
 * together, because the engine emits them in one call. */

/* The other end of a message event: for a SEND, its first DELIVER or DROP
 * (G_MAXUINT while in flight); for a DELIVER, DROP or DUPLICATE, its SEND.
 * G_MAXUINT for every other event. */
guint  mmr_session_get_partner      (MmrSession *self, guint index);
/* Index of the first event at or after @time_us (n_events if none):
 * a binary search, so views draw only what is visible. */
guint  mmr_session_find_time        (MmrSession *self, gint64 time_us);
/* The virtual instant the views should show: the world's time, or
 * between two events while playing in slow motion. */
gint64 mmr_session_get_display_time (MmrSession *self);
/* The longest send-to-delivery (or drop) seen so far. */
gint64 mmr_session_get_max_latency  (MmrSession *self);
/* A compact copy of every event's time, kind and replicas, contiguous
 * (16 bytes an event): what a view scans when it draws many events at
 * once. Valid until the next event is added. */
typedef struct {
  gint64 time_us;
  guint8 kind;              /* MmrEventKind */
  gint8 replica;
  gint8 peer;
} MmrSessionBrief;

const MmrSessionBrief *mmr_session_get_briefs (MmrSession *self);
/* How many keys read differently at some replica right now: the number
 * of lines mmr_check_convergence would return. The runner's convergence
 * watch keeps it up to date register by register, so it costs nothing
 * here, not the number of keys: mmr_check_convergence reads every
 * register and takes seconds with 10,000 keys. */
guint  mmr_session_count_diverging  (MmrSession *self);
/* Runs until at least @n_events events exist or the scenario ends. */
void   mmr_session_run_to_event     (MmrSession *self, guint64 n_events);

/* Every change of link state (PARTITION and HEAL events), with the whole
 * cut matrix right after it: bit j of cut_to[i] is set when the link
 * i->j is cut. Before the first change every link is up. */
typedef struct {
  gint64 time_us;
  guint event_index;
  guint16 cut_to[MMR_MAX_REPLICAS];
} MmrSessionCuts;

guint                 mmr_session_get_n_cut_changes (MmrSession *self);
const MmrSessionCuts *mmr_session_get_cut_change    (MmrSession *self,
                                                     guint i);
/* Cuts both directions of a link if both are up, else heals both: what
 * clicking a link in the topology view does. Returns the new state. */
gboolean mmr_session_toggle_link    (MmrSession *self, guint a, guint b);

G_END_DECLS
