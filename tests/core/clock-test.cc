/* clock-test.cc - tests for src/core/clock.c
 *
 * Physical clocks: skew and drift to the microsecond, and a drift change
 * that leaves the reading where it was.  Lamport: tick and receive.
 * HLC (Kulkarni et al. 2014): every branch of the send and receive rules
 * with exact (l, c) values, the worked example of docs/clocks.md, and three
 * properties over 10,000 seeded runs each: an HLC never goes backwards even
 * when physical time does; happened-before implies a smaller HLC (checked
 * against vector clocks among three simulated processes); c stays bounded
 * while physical time advances.
 */
#include <glib.h>

extern "C" {
#include "core/clock.h"
#include "core/prng.h"
}

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace {

const guint64 N_CASES = 10000;
const gint64 SEC = 1000000;

MmrHlc
hlc (gint64 l, guint32 c)
{
  MmrHlc h = { l, c };
  return h;
}

std::string
hlc_str (MmrHlc h)
{
  g_autofree char *s = mmr_hlc_to_string (h);
  return s;
}

/* (l, c) as a string, so a failed EXPECT_EQ prints both sides readably. */
#define EXPECT_HLC(h, l, c) EXPECT_EQ (hlc_str (h), hlc_str (hlc ((l), (c))))

#define SEED_TRACE(seed) \
  SCOPED_TRACE (::testing::Message () << "seed=" << (seed))

} /* namespace */

/* ---- physical clock ---------------------------------------------------- */

TEST (MmrPhysicalClock, InitReadsVirtualTime)
{
  MmrPhysicalClock pc;

  mmr_physical_clock_init (&pc);
  EXPECT_EQ (mmr_physical_clock_read (&pc, 0), 0);
  EXPECT_EQ (mmr_physical_clock_read (&pc, 123456789), 123456789);
}

TEST (MmrPhysicalClock, SkewIsAFixedOffset)
{
  MmrPhysicalClock pc;

  mmr_physical_clock_init (&pc);
  mmr_physical_clock_set_skew (&pc, 5 * SEC);
  EXPECT_EQ (mmr_physical_clock_read (&pc, 1000), 5001000);
  EXPECT_EQ (mmr_physical_clock_read (&pc, 10 * SEC), 15 * SEC);
  mmr_physical_clock_set_skew (&pc, -200000);
  EXPECT_EQ (mmr_physical_clock_read (&pc, SEC), 800000);
}

TEST (MmrPhysicalClock, ReducingSkewRunsTheClockBackwards)
{
  MmrPhysicalClock pc;
  gint64 before;

  mmr_physical_clock_init (&pc);
  mmr_physical_clock_set_skew (&pc, 5 * SEC);
  before = mmr_physical_clock_read (&pc, SEC);
  mmr_physical_clock_set_skew (&pc, 0);
  EXPECT_EQ (before, 6 * SEC);
  EXPECT_EQ (mmr_physical_clock_read (&pc, SEC + 1), SEC + 1);
}

TEST (MmrPhysicalClock, DriftAccumulatesPartsPerMillion)
{
  MmrPhysicalClock pc;

  mmr_physical_clock_init (&pc);
  mmr_physical_clock_set_drift (&pc, 0, 200);
  EXPECT_EQ (mmr_physical_clock_read (&pc, 0), 0);
  EXPECT_EQ (mmr_physical_clock_read (&pc, 5 * SEC), 5 * SEC + 1000);
  /* +200 ppm over 10 s is +2000 us, exactly. */
  EXPECT_EQ (mmr_physical_clock_read (&pc, 10 * SEC), 10 * SEC + 2000);

  mmr_physical_clock_init (&pc);
  mmr_physical_clock_set_drift (&pc, 0, -100);
  EXPECT_EQ (mmr_physical_clock_read (&pc, 10 * SEC), 10 * SEC - 1000);
}

TEST (MmrPhysicalClock, DriftCountsFromWhenItWasSet)
{
  MmrPhysicalClock pc;

  mmr_physical_clock_init (&pc);
  mmr_physical_clock_set_drift (&pc, 5 * SEC, 200);
  EXPECT_EQ (mmr_physical_clock_read (&pc, 5 * SEC), 5 * SEC);
  EXPECT_EQ (mmr_physical_clock_read (&pc, 15 * SEC), 15 * SEC + 2000);
}

TEST (MmrPhysicalClock, SkewAndDriftAdd)
{
  MmrPhysicalClock pc;

  mmr_physical_clock_init (&pc);
  mmr_physical_clock_set_skew (&pc, SEC);
  mmr_physical_clock_set_drift (&pc, 0, 200);
  EXPECT_EQ (mmr_physical_clock_read (&pc, 10 * SEC), 11 * SEC + 2000);
}

TEST (MmrPhysicalClock, ChangingDriftMidRunDoesNotJump)
{
  MmrPhysicalClock pc;

  mmr_physical_clock_init (&pc);
  mmr_physical_clock_set_drift (&pc, 0, 200);
  EXPECT_EQ (mmr_physical_clock_read (&pc, 10 * SEC), 10 * SEC + 2000);
  mmr_physical_clock_set_drift (&pc, 10 * SEC, -100);
  /* Same instant, same reading: only the rate changed. */
  EXPECT_EQ (mmr_physical_clock_read (&pc, 10 * SEC), 10 * SEC + 2000);
  EXPECT_EQ (mmr_physical_clock_read (&pc, 10 * SEC + 1), 10 * SEC + 2001);
  /* The next 10 s lose 1000 us of the 2000 gained. */
  EXPECT_EQ (mmr_physical_clock_read (&pc, 20 * SEC), 20 * SEC + 1000);
  mmr_physical_clock_set_drift (&pc, 20 * SEC, 0);
  EXPECT_EQ (mmr_physical_clock_read (&pc, 100 * SEC), 100 * SEC + 1000);
}

/* Piecewise drift against a reference: each segment contributes
 * trunc(length * ppm / 1e6); a change never moves the reading; and with
 * |ppm| < 1e6 the reading never decreases while only drift changes. */
TEST (MmrPhysicalClock, DriftChangesAreContinuous)
{
  for (guint64 seed = 0; seed < N_CASES; seed++)
    {
      SEED_TRACE (seed);
      g_autoptr (MmrPrng) prng = mmr_prng_new (seed);
      MmrPhysicalClock pc;
      gint64 now = 0, since = 0, accumulated = 0, last = G_MININT64;
      gint32 ppm = 0;

      mmr_physical_clock_init (&pc);
      for (int step = 0; step < 20; step++)
        {
          gint32 next_ppm = (gint32) mmr_prng_range (prng, -1000, 1000);
          gint64 before;

          now += mmr_prng_range (prng, 0, 30 * SEC);
          before = mmr_physical_clock_read (&pc, now);
          ASSERT_EQ (before, now + accumulated + (now - since) * ppm / SEC)
            << "step " << step;
          ASSERT_GE (before, last) << "step " << step;
          mmr_physical_clock_set_drift (&pc, now, next_ppm);
          ASSERT_EQ (mmr_physical_clock_read (&pc, now), before)
            << "step " << step << ": drift " << ppm << " -> " << next_ppm;
          accumulated += (now - since) * ppm / SEC;
          since = now;
          ppm = next_ppm;
          last = before;
        }
    }
}

/* ---- Lamport ----------------------------------------------------------- */

TEST (MmrLamport, TickAndReceive)
{
  guint64 clock = 0;

  EXPECT_EQ (mmr_lamport_tick (&clock), 1u);
  EXPECT_EQ (mmr_lamport_tick (&clock), 2u);
  EXPECT_EQ (mmr_lamport_receive (&clock, 10), 11u);  /* remote ahead */
  EXPECT_EQ (clock, 11u);
  EXPECT_EQ (mmr_lamport_receive (&clock, 3), 12u);   /* remote behind */
  EXPECT_EQ (mmr_lamport_receive (&clock, 12), 13u);  /* remote equal */
  EXPECT_EQ (mmr_lamport_tick (&clock), 14u);
  EXPECT_EQ (clock, 14u);
}

/* ---- HLC: exact rules -------------------------------------------------- */

TEST (MmrHlc, LocalEventsFollowThePhysicalClock)
{
  MmrHlc h = hlc (0, 0);

  EXPECT_HLC (mmr_hlc_now (&h, 10), 10, 0);   /* pt ahead: l = pt, c = 0 */
  EXPECT_HLC (mmr_hlc_now (&h, 10), 10, 1);   /* pt equal: c + 1 */
  EXPECT_HLC (mmr_hlc_now (&h, 5), 10, 2);    /* pt went back: c + 1 */
  EXPECT_HLC (mmr_hlc_now (&h, 10), 10, 3);
  EXPECT_HLC (mmr_hlc_now (&h, 11), 11, 0);
  EXPECT_HLC (mmr_hlc_now (&h, 11), 11, 1);
  EXPECT_HLC (h, 11, 1);                      /* returned value == state */
}

TEST (MmrHlc, ReceiveWhenAllThreeShareL)
{
  MmrHlc h = hlc (10, 3);

  /* l' == l == m.l: max (c, m.c) + 1, whichever c is larger. */
  EXPECT_HLC (mmr_hlc_receive (&h, hlc (10, 5), 7), 10, 6);
  h = hlc (10, 3);
  EXPECT_HLC (mmr_hlc_receive (&h, hlc (10, 1), 10), 10, 4);
  EXPECT_HLC (h, 10, 4);
}

TEST (MmrHlc, ReceiveWhenLocalLIsLargest)
{
  MmrHlc h = hlc (10, 3);

  /* l' == l only: the message's c is irrelevant. */
  EXPECT_HLC (mmr_hlc_receive (&h, hlc (8, 9), 9), 10, 4);
  h = hlc (10, 3);
  EXPECT_HLC (mmr_hlc_receive (&h, hlc (8, 9), 10), 10, 4);
}

TEST (MmrHlc, ReceiveWhenMessageLIsLargest)
{
  MmrHlc h = hlc (10, 3);

  /* l' == m.l only: m.c + 1, the local c is irrelevant. */
  EXPECT_HLC (mmr_hlc_receive (&h, hlc (12, 4), 11), 12, 5);
  h = hlc (10, 3);
  EXPECT_HLC (mmr_hlc_receive (&h, hlc (12, 4), 12), 12, 5);
  h = hlc (10, 30);
  EXPECT_HLC (mmr_hlc_receive (&h, hlc (12, 0), 0), 12, 1);
}

TEST (MmrHlc, ReceiveWhenPhysicalTimeIsLargest)
{
  MmrHlc h = hlc (10, 3);

  EXPECT_HLC (mmr_hlc_receive (&h, hlc (12, 4), 15), 15, 0);
}

TEST (MmrHlc, CompareAndToString)
{
  EXPECT_EQ (mmr_hlc_compare (hlc (10, 3), hlc (10, 4)), -1);
  EXPECT_EQ (mmr_hlc_compare (hlc (10, 4), hlc (10, 3)), 1);
  EXPECT_EQ (mmr_hlc_compare (hlc (11, 0), hlc (10, 9)), 1);
  EXPECT_EQ (mmr_hlc_compare (hlc (10, 9), hlc (11, 0)), -1);
  EXPECT_EQ (mmr_hlc_compare (hlc (10, 3), hlc (10, 3)), 0);
  EXPECT_EQ (mmr_hlc_compare (hlc (-5, 0), hlc (0, 0)), -1);
  EXPECT_EQ (hlc_str (hlc (10, 3)), "10.3");
  EXPECT_EQ (hlc_str (hlc (1700000000000000, 0)), "1700000000000000.0");
  EXPECT_EQ (hlc_str (hlc (-5, G_MAXUINT32)), "-5.4294967295");
}

/* docs/clocks.md, "A worked example": A's clock is 5 s fast. A writes,
 * B reads A's write and overwrites it one second later. Physical
 * timestamps order B's causally later write first, so LWW keeps A's;
 * the HLC orders them correctly. */
TEST (MmrHlc, DocWorkedExampleSkewedWriterDoesNotWin)
{
  MmrPhysicalClock pa, pb;
  MmrHlc ha = hlc (0, 0), hb = hlc (0, 0);
  gint64 ts_a, ts_b;
  MmrHlc ha_write, hb_write;

  mmr_physical_clock_init (&pa);
  mmr_physical_clock_init (&pb);
  mmr_physical_clock_set_skew (&pa, 5 * SEC);

  ts_a = mmr_physical_clock_read (&pa, 1 * SEC);           /* A writes x=1 */
  ha_write = mmr_hlc_now (&ha, ts_a);
  EXPECT_EQ (ts_a, 6000000);
  EXPECT_HLC (ha_write, 6000000, 0);
  MmrHlc ha_push = mmr_hlc_now (&ha, ts_a);                 /* A pushes it */
  EXPECT_HLC (ha_push, 6000000, 1);

  EXPECT_HLC (mmr_hlc_receive (&hb, ha_push,                /* B receives */
                               mmr_physical_clock_read (&pb, 1100000)),
              6000000, 2);

  ts_b = mmr_physical_clock_read (&pb, 2 * SEC);           /* B writes x=2 */
  hb_write = mmr_hlc_now (&hb, ts_b);
  EXPECT_EQ (ts_b, 2000000);
  EXPECT_HLC (hb_write, 6000000, 3);
  EXPECT_HLC (mmr_hlc_now (&hb, ts_b), 6000000, 4);        /* B pushes it */

  EXPECT_LT (ts_b, ts_a);  /* LWW on physical time: A's older write wins */
  EXPECT_EQ (mmr_hlc_compare (hb_write, ha_write), 1);  /* HLC: B's wins */

  /* B's l waits for its own clock to pass 6 s; c counts meanwhile. */
  EXPECT_HLC (mmr_hlc_now (&hb, mmr_physical_clock_read (&pb, 5900000)),
              6000000, 5);
  EXPECT_HLC (mmr_hlc_now (&hb, mmr_physical_clock_read (&pb, 6 * SEC)),
              6000000, 6);
  EXPECT_HLC (mmr_hlc_now (&hb, mmr_physical_clock_read (&pb, 6100000)),
              6100000, 0);
}

/* ---- HLC: bounded c ---------------------------------------------------- */

TEST (MmrHlc, CStaysZeroWhilePhysicalTimeAdvances)
{
  MmrHlc h = hlc (0, 0);

  for (gint64 i = 1; i <= 1000; i++)
    {
      MmrHlc t = mmr_hlc_now (&h, 10 * i);

      ASSERT_EQ (t.l, 10 * i);
      ASSERT_EQ (t.c, 0u);
    }
}

/* A is 1000 us fast and sends every 10 us for 100 us; B receives each at
 * once. B's c stays at 1 while messages arrive, counts up while B's own
 * clock is behind the l it learned, and drops to 0 when it catches up. */
TEST (MmrHlc, LaggingReceiverCountsUntilItsClockCatchesUp)
{
  MmrHlc ha = hlc (0, 0), hb = hlc (0, 0);

  for (gint64 k = 0; k < 10; k++)
    {
      MmrHlc m = mmr_hlc_now (&ha, 1000 + 10 * k);

      ASSERT_EQ (m.c, 0u);
      EXPECT_HLC (mmr_hlc_receive (&hb, m, 10 * k), 1000 + 10 * k, 1);
    }
  for (gint64 k = 1; k <= 10; k++)  /* pt = 100 .. 1000 < l = 1090 */
    EXPECT_HLC (mmr_hlc_now (&hb, 100 * k), 1090, (guint32) (1 + k));
  EXPECT_HLC (mmr_hlc_now (&hb, 1100), 1100, 0);
}

/* Three processes with clock offsets within +-EPS us, no drift, at most one
 * event per microsecond of virtual time.  Every event with l == L happens
 * at a true time in [L - EPS, L + EPS], and c counts the events with the
 * same l that causally precede it, so c <= 2 * EPS; likewise
 * l - pt <= 2 * EPS (Kulkarni et al. 2014, Theorems 2 and 3). */
TEST (MmrHlc, CAndLStayBoundedWithBoundedSkew)
{
  const gint64 EPS = 50;
  guint32 max_c = 0;

  for (guint64 seed = 0; seed < N_CASES; seed++)
    {
      SEED_TRACE (seed);
      g_autoptr (MmrPrng) prng = mmr_prng_new (seed);
      MmrPhysicalClock pc[3];
      MmrHlc h[3] = { hlc (0, 0), hlc (0, 0), hlc (0, 0) };
      std::vector<std::pair<int, MmrHlc>> in_flight;
      gint64 t = 0;

      for (int p = 0; p < 3; p++)
        {
          mmr_physical_clock_init (&pc[p]);
          mmr_physical_clock_set_skew (&pc[p], mmr_prng_range (prng, -EPS, EPS));
        }
      for (int step = 0; step < 200; step++)
        {
          int p = (int) mmr_prng_range (prng, 0, 2);
          gint64 pt;
          MmrHlc e;

          t += mmr_prng_range (prng, 1, 20);
          pt = mmr_physical_clock_read (&pc[p], t);
          if (!in_flight.empty () && in_flight.front ().first == p
              && mmr_prng_chance (prng, 0.7))
            {
              e = mmr_hlc_receive (&h[p], in_flight.front ().second, pt);
              in_flight.erase (in_flight.begin ());
            }
          else
            {
              e = mmr_hlc_now (&h[p], pt);
              if (mmr_prng_chance (prng, 0.5))
                in_flight.emplace_back ((p + (int) mmr_prng_range (prng, 1, 2)) % 3,
                                        e);
            }
          ASSERT_LE (e.c, (guint32) (2 * EPS)) << "step " << step;
          ASSERT_LE (e.l - pt, 2 * EPS) << "step " << step;
          max_c = MAX (max_c, e.c);
        }
    }
  EXPECT_GT (max_c, 1u);  /* the runs did make c count */
}

/* ---- HLC: properties --------------------------------------------------- */

TEST (MmrHlc, NeverGoesBackwardsWhenPhysicalClockDoes)
{
  for (guint64 seed = 0; seed < N_CASES; seed++)
    {
      SEED_TRACE (seed);
      g_autoptr (MmrPrng) prng = mmr_prng_new (seed);
      MmrHlc h = hlc (0, 0), prev = h;
      gint64 pt = mmr_prng_range (prng, 0, 10 * SEC);
      gint64 max_pt = G_MININT64, max_ml = G_MININT64;

      for (int step = 0; step < 50; step++)
        {
          MmrHlc e;

          /* Mostly forward, sometimes back a little, sometimes a skew
           * correction of seconds. */
          pt += mmr_prng_range (prng, -2000, 3000);
          if (mmr_prng_chance (prng, 0.05))
            pt -= mmr_prng_range (prng, 1, 5 * SEC);
          max_pt = MAX (max_pt, pt);
          if (mmr_prng_chance (prng, 0.5))
            e = mmr_hlc_now (&h, pt);
          else
            {
              MmrHlc m = hlc (pt + mmr_prng_range (prng, -3000, 3000),
                              (guint32) mmr_prng_range (prng, 0, 5));

              max_ml = MAX (max_ml, m.l);
              e = mmr_hlc_receive (&h, m, pt);
              ASSERT_EQ (mmr_hlc_compare (e, m), 1)
                << "step " << step << ": " << hlc_str (e) << " <= m "
                << hlc_str (m);
            }
          ASSERT_EQ (mmr_hlc_compare (e, prev), 1)
            << "step " << step << ": " << hlc_str (e) << " after "
            << hlc_str (prev);
          ASSERT_EQ (mmr_hlc_compare (e, h), 0);
          ASSERT_GE (e.l, max_pt) << "step " << step;
          ASSERT_GE (e.l, max_ml) << "step " << step;
          prev = e;
        }
    }
}

namespace {

struct TracedEvent {
  int process;
  MmrHlc hlc;
  std::array<guint32, 3> vc;  /* vector clock: the happened-before truth */
};

struct Message {
  int to;
  MmrHlc hlc;
  std::array<guint32, 3> vc;
};

bool
happened_before (const TracedEvent &e, const TracedEvent &f)
{
  for (int i = 0; i < 3; i++)
    if (e.vc[i] > f.vc[i])
      return false;
  return e.vc != f.vc;
}

} /* namespace */

/* Random message passing among three processes whose clocks have random
 * skews (changed mid-run, so they jump backwards) and drifts; messages are
 * reordered.  For every pair of events e -> f, hlc(e) < hlc(f). */
TEST (MmrHlc, HappenedBeforeImpliesSmallerTimestamp)
{
  for (guint64 seed = 0; seed < N_CASES; seed++)
    {
      SEED_TRACE (seed);
      g_autoptr (MmrPrng) prng = mmr_prng_new (seed);
      MmrPhysicalClock pc[3];
      MmrHlc h[3] = { hlc (0, 0), hlc (0, 0), hlc (0, 0) };
      std::array<guint32, 3> vc[3] = { {}, {}, {} };
      std::vector<Message> in_flight;
      std::vector<TracedEvent> trace;
      gint64 t = 0;

      for (int p = 0; p < 3; p++)
        {
          mmr_physical_clock_init (&pc[p]);
          mmr_physical_clock_set_skew (&pc[p], mmr_prng_range (prng, -5 * SEC,
                                                               5 * SEC));
          mmr_physical_clock_set_drift (&pc[p], 0,
                                        (gint32) mmr_prng_range (prng, -500, 500));
        }
      for (int step = 0; step < 40; step++)
        {
          int p = (int) mmr_prng_range (prng, 0, 2);
          std::vector<size_t> mine;
          gint64 pt;

          t += mmr_prng_range (prng, 0, 2000);
          if (mmr_prng_chance (prng, 0.05))
            mmr_physical_clock_set_skew (&pc[p], mmr_prng_range (prng, -5 * SEC,
                                                                 5 * SEC));
          pt = mmr_physical_clock_read (&pc[p], t);
          for (size_t i = 0; i < in_flight.size (); i++)
            if (in_flight[i].to == p)
              mine.push_back (i);
          vc[p][p]++;
          if (!mine.empty () && mmr_prng_chance (prng, 0.5))
            {
              size_t pick = mine[mmr_prng_range (prng, 0, mine.size () - 1)];
              Message m = in_flight[pick];
              MmrHlc r;

              in_flight.erase (in_flight.begin () + pick);
              for (int i = 0; i < 3; i++)
                vc[p][i] = MAX (vc[p][i], m.vc[i]);
              r = mmr_hlc_receive (&h[p], m.hlc, pt);
              ASSERT_EQ (mmr_hlc_compare (m.hlc, r), -1)
                << "step " << step << ": sent " << hlc_str (m.hlc)
                << " received " << hlc_str (r);
            }
          else
            {
              mmr_hlc_now (&h[p], pt);
              if (mmr_prng_chance (prng, 0.5))
                in_flight.push_back (
                  Message { (p + (int) mmr_prng_range (prng, 1, 2)) % 3, h[p],
                            vc[p] });
            }
          trace.push_back (TracedEvent { p, h[p], vc[p] });
        }
      for (size_t i = 0; i < trace.size (); i++)
        for (size_t j = 0; j < trace.size (); j++)
          if (happened_before (trace[i], trace[j]))
            {
              ASSERT_EQ (mmr_hlc_compare (trace[i].hlc, trace[j].hlc), -1)
                << "event " << i << " (p" << trace[i].process << " "
                << hlc_str (trace[i].hlc) << ") -> event " << j << " (p"
                << trace[j].process << " " << hlc_str (trace[j].hlc) << ")";
            }
    }
}
