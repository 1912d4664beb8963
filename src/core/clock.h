/* clock.h - the three clocks every replica carries
 *
 * - Physical clock: what the replica's wall clock would read. It is the
 *   world's virtual time plus an offset plus a drift in parts per million,
 *   so clock skew is a fault a scenario can inject ("skew B +5s").
 * - Lamport clock (Lamport 1978): a counter, ticked by every local event and
 *   raised past any timestamp received.
 * - Hybrid logical clock (Kulkarni, Demirbas et al., "Logical Physical Clocks
 *   and Consistent Snapshots in Globally Distributed Databases", 2014):
 *   a pair (l, c) where l tracks the largest physical time seen and c counts
 *   events that share that l. It never runs backwards, stays close to
 *   physical time, and respects happened-before like a Lamport clock.
 *
 * Taught in docs/clocks.md and labs 03 and 04.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gint64 offset_us;   /* fixed skew from true (virtual) time */
  gint32 drift_ppm;   /* rate error: +100 runs 100us fast per second */
  gint64 drift_since_us;  /* virtual time at which the drift was set */
  gint64 drift_base_us;   /* accumulated drift before drift_since_us */
} MmrPhysicalClock;

void   mmr_physical_clock_init      (MmrPhysicalClock *pc);
gint64 mmr_physical_clock_read      (const MmrPhysicalClock *pc, gint64 now_us);
void   mmr_physical_clock_set_skew  (MmrPhysicalClock *pc, gint64 offset_us);
void   mmr_physical_clock_set_drift (MmrPhysicalClock *pc, gint64 now_us,
                                     gint32 drift_ppm);

typedef struct {
  gint64 l;    /* the largest physical time (us) this replica has heard of */
  guint32 c;   /* events since l last changed */
} MmrHlc;

/* Local or send event: returns the new timestamp. */
MmrHlc   mmr_hlc_now       (MmrHlc *hlc, gint64 physical_us);
/* Receive event carrying remote timestamp m. */
MmrHlc   mmr_hlc_receive   (MmrHlc *hlc, MmrHlc m, gint64 physical_us);
int      mmr_hlc_compare   (MmrHlc a, MmrHlc b);
char    *mmr_hlc_to_string (MmrHlc h);

guint64  mmr_lamport_tick    (guint64 *clock);
guint64  mmr_lamport_receive (guint64 *clock, guint64 remote);

G_END_DECLS
