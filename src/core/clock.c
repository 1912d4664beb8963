/* clock.c - physical, Lamport and hybrid logical clocks
 *
 * Physical: read = now + offset + drift. Drift is integrated piecewise so
 * that changing the drift rate mid-run does not make the clock jump.  A
 * skewed physical clock may run backwards when the skew is reduced: real
 * NTP corrections do that too, and it is why LWW on physical time can lose
 * causally later writes (lab 03).
 *
 * HLC rules, after Kulkarni et al. 2014, Figure 5:
 *   send/local:  l' = max(l, pt); c = (l' == l) ? c + 1 : 0; l = l'
 *   receive m:   l' = max(l, m.l, pt);
 *                c  = l'==l==m.l ? max(c, m.c) + 1
 *                   : l'==l      ? c + 1
 *                   : l'==m.l    ? m.c + 1
 *                   : 0
 * Invariants: an HLC never decreases; l >= every physical time the replica
 * has read; if e happened before f then hlc(e) < hlc(f).
 *
 * Taught in docs/clocks.md and labs 03 and 04.
 */
#include "core/clock.h"

void
mmr_physical_clock_init (MmrPhysicalClock *pc)
{
  pc->offset_us = 0;
  pc->drift_ppm = 0;
  pc->drift_since_us = 0;
  pc->drift_base_us = 0;
}

static gint64
drift_accumulated (const MmrPhysicalClock *pc, gint64 now_us)
{
  gint64 elapsed = now_us - pc->drift_since_us;

  return pc->drift_base_us + elapsed * pc->drift_ppm / 1000000;
}

gint64
mmr_physical_clock_read (const MmrPhysicalClock *pc, gint64 now_us)
{
  return now_us + pc->offset_us + drift_accumulated (pc, now_us);
}

void
mmr_physical_clock_set_skew (MmrPhysicalClock *pc, gint64 offset_us)
{
  pc->offset_us = offset_us;
}

void
mmr_physical_clock_set_drift (MmrPhysicalClock *pc, gint64 now_us,
                              gint32 drift_ppm)
{
  pc->drift_base_us = drift_accumulated (pc, now_us);
  pc->drift_since_us = now_us;
  pc->drift_ppm = drift_ppm;
}

/* DOC: hlc-send */
MmrHlc
mmr_hlc_now (MmrHlc *hlc, gint64 physical_us)
{
  gint64 l = MAX (hlc->l, physical_us);

  hlc->c = (l == hlc->l) ? hlc->c + 1 : 0;
  hlc->l = l;
  return *hlc;
}

/* DOC: hlc-receive */
MmrHlc
mmr_hlc_receive (MmrHlc *hlc, MmrHlc m, gint64 physical_us)
{
  gint64 l = MAX (MAX (hlc->l, m.l), physical_us);
  guint32 c;

  if (l == hlc->l && l == m.l)
    c = MAX (hlc->c, m.c) + 1;
  else if (l == hlc->l)
    c = hlc->c + 1;
  else if (l == m.l)
    c = m.c + 1;
  else
    c = 0;
  hlc->l = l;
  hlc->c = c;
  return *hlc;
}

int
mmr_hlc_compare (MmrHlc a, MmrHlc b)
{
  if (a.l != b.l)
    return a.l < b.l ? -1 : 1;
  if (a.c != b.c)
    return a.c < b.c ? -1 : 1;
  return 0;
}

char *
mmr_hlc_to_string (MmrHlc h)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%u", h.l, h.c);
}

guint64
mmr_lamport_tick (guint64 *clock)
{
  return ++*clock;
}

guint64
mmr_lamport_receive (guint64 *clock, guint64 remote)
{
  *clock = MAX (*clock, remote) + 1;
  return *clock;
}
