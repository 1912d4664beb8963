// world-test.cc - the engine end to end through the world's public API:
// async replication, LWW and siblings, clocks, granularity, deletes,
// partitions, anti-entropy, checkers and the vector clocks of the trace.
#include <gtest/gtest.h>

#include <map>

#include "world-helpers.h"

static const gint64 MS = 1000;

TEST (MmrWorld, AsyncWriteIsAcknowledgedLocallyThenReachesEveryPeer)
{
  MmrWorld *w = make_world (3, MMR_STRATEGY_LWW, MMR_CLOCK_HLC);

  mmr_world_put (w, 0, "cart", NULL, "milk");
  EXPECT_EQ (shown (w, 0, "cart"), "milk");
  EXPECT_EQ (shown (w, 1, "cart"), "absent");   // not yet: 10ms latency
  mmr_world_run_until (w, 9 * MS);
  EXPECT_EQ (shown (w, 1, "cart"), "absent");
  mmr_world_run_until (w, 10 * MS);
  EXPECT_EQ (shown (w, 1, "cart"), "milk");
  EXPECT_EQ (shown (w, 2, "cart"), "milk");
  EXPECT_TRUE (differences (w).empty ());
  const MmrMetrics *m = mmr_world_get_metrics (w);
  EXPECT_EQ (m->writes, 1u);
  EXPECT_EQ (m->push_messages, 2u);
  mmr_world_free (w);
}

TEST (MmrWorld, LwwConcurrentWritesWithEqualTimestampsTieBreakByName)
{
  MmrWorld *w = make_world (3, MMR_STRATEGY_LWW, MMR_CLOCK_PHYSICAL);
  MmrWriteLog *log = mmr_write_log_new (w);

  mmr_world_put (w, 0, "cart", NULL, "milk");
  mmr_world_put (w, 1, "cart", NULL, "eggs");
  ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
  for (unsigned r = 0; r < 3; r++)
    EXPECT_EQ (shown (w, r, "cart"), "eggs") << "replica " << r;
  EXPECT_EQ (lost (log), std::vector<std::string> ({ "cart=milk" }));
  EXPECT_EQ (mmr_world_get_metrics (w)->conflicts, 1u);
  mmr_write_log_free (log);
  mmr_world_free (w);
}

// The lesson of lab 03: B saw A's write, but A's clock runs 5s ahead, so
// under LWW on physical time B's causally later write is discarded.
TEST (MmrWorld, PhysicalClockSkewMakesLwwDiscardACausallyLaterWrite)
{
  MmrWorld *w = make_world (2, MMR_STRATEGY_LWW, MMR_CLOCK_PHYSICAL);
  MmrWriteLog *log = mmr_write_log_new (w);

  mmr_world_set_skew (w, 0, 5 * G_USEC_PER_SEC);
  mmr_world_put (w, 0, "x", NULL, "1");
  mmr_world_run_until (w, 100 * MS);
  EXPECT_EQ (shown (w, 1, "x"), "1");
  mmr_world_put (w, 1, "x", NULL, "2");      // B has seen "1"
  ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
  EXPECT_EQ (shown (w, 0, "x"), "1");
  EXPECT_EQ (shown (w, 1, "x"), "1");
  EXPECT_EQ (lost (log), std::vector<std::string> ({ "x=2" }));
  mmr_write_log_free (log);
  mmr_world_free (w);
}

TEST (MmrWorld, HybridLogicalClockKeepsTheCausallyLaterWriteDespiteSkew)
{
  MmrWorld *w = make_world (2, MMR_STRATEGY_LWW, MMR_CLOCK_HLC);
  MmrWriteLog *log = mmr_write_log_new (w);

  mmr_world_set_skew (w, 0, 5 * G_USEC_PER_SEC);
  mmr_world_put (w, 0, "x", NULL, "1");
  mmr_world_run_until (w, 100 * MS);
  mmr_world_put (w, 1, "x", NULL, "2");
  ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
  EXPECT_EQ (shown (w, 0, "x"), "2");
  EXPECT_EQ (shown (w, 1, "x"), "2");
  EXPECT_TRUE (lost (log).empty ());
  mmr_write_log_free (log);
  mmr_world_free (w);
}

TEST (MmrWorld, SiblingsKeepConcurrentWritesAndALaterWriteReplacesThem)
{
  MmrWorld *w = make_world (3, MMR_STRATEGY_SIBLINGS, MMR_CLOCK_HLC);
  MmrWriteLog *log = mmr_write_log_new (w);

  mmr_world_put (w, 0, "cart", NULL, "milk");
  mmr_world_put (w, 1, "cart", NULL, "eggs");
  ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
  for (unsigned r = 0; r < 3; r++)
    EXPECT_EQ (shown (w, r, "cart"), "{eggs, milk}");
  EXPECT_EQ (mmr_world_get_metrics (w)->conflicts, 1u);
  mmr_world_put (w, 2, "cart", NULL, "bread");   // C has seen both
  ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
  for (unsigned r = 0; r < 3; r++)
    EXPECT_EQ (shown (w, r, "cart"), "bread");
  EXPECT_TRUE (lost (log).empty ());
  mmr_write_log_free (log);
  mmr_world_free (w);
}

TEST (MmrWorld, FieldGranularityKeepsConcurrentWritesToDifferentFields)
{
  MmrWorld *w = make_world (2, MMR_STRATEGY_LWW, MMR_CLOCK_HLC);
  MmrWriteLog *log = mmr_write_log_new (w);

  mmr_world_put (w, 0, "user", "name", "Ann");
  mmr_world_put (w, 1, "user", "email", "ann@example.org");
  ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
  EXPECT_EQ (shown (w, 0, "user.name"), "Ann");
  EXPECT_EQ (shown (w, 0, "user.email"), "ann@example.org");
  EXPECT_TRUE (differences (w).empty ());
  EXPECT_TRUE (lost (log).empty ());
  mmr_write_log_free (log);
  mmr_world_free (w);
}

TEST (MmrWorld, RecordGranularityLwwLosesOneOfTwoConcurrentFieldWrites)
{
  MmrWorld *w = make_world (2, MMR_STRATEGY_LWW, MMR_CLOCK_HLC, 1, 100000,
                            MMR_GRANULARITY_RECORD);
  MmrWriteLog *log = mmr_write_log_new (w);

  mmr_world_put (w, 0, "user", "name", "Ann");
  mmr_world_put (w, 1, "user", "email", "ann@example.org");
  ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
  // Equal HLCs; B > A by name, so B's record wins whole.
  EXPECT_EQ (shown (w, 0, "user.email"), "ann@example.org");
  EXPECT_EQ (shown (w, 0, "user.name"), "absent");
  EXPECT_EQ (lost (log), std::vector<std::string> ({ "user={name: Ann}" }));
  mmr_write_log_free (log);
  mmr_world_free (w);
}

TEST (MmrWorld, SiblingsUpdateSurvivesAConcurrentDelete)
{
  MmrWorld *w = make_world (2, MMR_STRATEGY_SIBLINGS, MMR_CLOCK_HLC);

  mmr_world_put (w, 0, "cart", NULL, "milk");
  ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
  mmr_world_delete (w, 0, "cart", NULL);
  mmr_world_put (w, 1, "cart", NULL, "eggs");
  ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
  EXPECT_EQ (shown (w, 0, "cart"), "eggs");
  EXPECT_EQ (shown (w, 1, "cart"), "eggs");
  MmrViewEntry *e = mmr_view_lookup (w, 0, "cart");
  ASSERT_NE (e, nullptr);
  EXPECT_TRUE (e->has_tombstone);   // the delete is kept as a sibling
  EXPECT_EQ (e->n_siblings, 2u);
  mmr_view_entry_free (e);
  mmr_world_free (w);
}

TEST (MmrWorld, LwwDeleteWithTheLaterTimestampWinsOverAConcurrentUpdate)
{
  MmrWorld *w = make_world (2, MMR_STRATEGY_LWW, MMR_CLOCK_HLC);
  MmrWriteLog *log = mmr_write_log_new (w);

  mmr_world_put (w, 0, "cart", NULL, "milk");
  ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
  mmr_world_put (w, 0, "cart", NULL, "eggs");
  mmr_world_run_until (w, mmr_world_now (w) + 1 * MS);
  mmr_world_delete (w, 1, "cart", NULL);   // later HLC, has not seen eggs
  ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
  EXPECT_EQ (shown (w, 0, "cart"), "absent");
  EXPECT_EQ (shown (w, 1, "cart"), "absent");
  EXPECT_EQ (lost (log), std::vector<std::string> ({ "cart=eggs" }));
  mmr_write_log_free (log);
  mmr_world_free (w);
}

TEST (MmrWorld, ReinsertAfterDeleteIsVisibleEverywhere)
{
  for (MmrStrategy s : { MMR_STRATEGY_LWW, MMR_STRATEGY_SIBLINGS })
    {
      MmrWorld *w = make_world (3, s, MMR_CLOCK_HLC);
      MmrWriteLog *log = mmr_write_log_new (w);

      mmr_world_put (w, 0, "cart", NULL, "milk");
      ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
      mmr_world_delete (w, 1, "cart", NULL);
      ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
      EXPECT_EQ (shown (w, 2, "cart"), "absent");
      mmr_world_put (w, 2, "cart", NULL, "milk");
      ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
      for (unsigned r = 0; r < 3; r++)
        EXPECT_EQ (shown (w, r, "cart"), "milk") << "strategy " << s;
      EXPECT_TRUE (lost (log).empty ());
      mmr_write_log_free (log);
      mmr_world_free (w);
    }
}

TEST (MmrWorld, PartitionDivergesThenHealAndAntiEntropyConverge)
{
  MmrWorld *w = make_world (3, MMR_STRATEGY_SIBLINGS, MMR_CLOCK_HLC);
  int groups[MMR_MAX_REPLICAS] = { 0, 1, 1 };

  mmr_world_partition (w, groups);
  mmr_world_put (w, 0, "cart", NULL, "milk");
  mmr_world_put (w, 1, "cart", NULL, "eggs");
  ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
  EXPECT_EQ (shown (w, 0, "cart"), "milk");
  EXPECT_EQ (shown (w, 2, "cart"), "eggs");
  EXPECT_EQ (differences (w),
             std::vector<std::string> ({ "cart: A=milk B=eggs C=eggs" }));
  mmr_world_heal_all (w);
  ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
  EXPECT_TRUE (differences (w).empty ());
  EXPECT_EQ (shown (w, 0, "cart"), "{eggs, milk}");
  const MmrMetrics *m = mmr_world_get_metrics (w);
  EXPECT_GE (m->last_change_us, m->last_heal_us);
  mmr_world_free (w);
}

TEST (MmrWorld, AntiEntropyRepairsAWriteWhosePushWasLost)
{
  MmrWorld *w = make_world (2, MMR_STRATEGY_LWW, MMR_CLOCK_HLC);
  MmrLinkModel m;

  mmr_link_model_init (&m);
  m.loss = 1.0;
  mmr_world_set_link_model (w, 0, 1, &m);
  mmr_world_put (w, 0, "cart", NULL, "milk");
  mmr_world_run_until (w, 50 * MS);
  EXPECT_EQ (shown (w, 1, "cart"), "absent");
  EXPECT_GE (mmr_world_get_metrics (w)->dropped, 1u);  // the push, maybe a digest
  m.loss = 0.0;
  mmr_world_set_link_model (w, 0, 1, &m);
  ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
  EXPECT_EQ (shown (w, 1, "cart"), "milk");
  mmr_world_free (w);
}

TEST (MmrWorld, OneWayCutDropsOnlyThatDirection)
{
  MmrWorld *w = make_world (2, MMR_STRATEGY_LWW, MMR_CLOCK_HLC, 1, 0);

  mmr_world_set_cut (w, 0, 1, TRUE);
  mmr_world_put (w, 0, "a", NULL, "1");
  mmr_world_put (w, 1, "b", NULL, "2");
  mmr_world_run_until (w, 100 * MS);
  EXPECT_EQ (shown (w, 1, "a"), "absent");
  EXPECT_EQ (shown (w, 0, "b"), "2");
  mmr_world_free (w);
}

TEST (MmrWorld, SettleStopsUnderAPermanentPartition)
{
  MmrWorld *w = make_world (4, MMR_STRATEGY_LWW, MMR_CLOCK_HLC);
  int groups[MMR_MAX_REPLICAS] = { 0, 0, 1, 1 };

  mmr_world_partition (w, groups);
  mmr_world_put (w, 0, "k", NULL, "left");
  mmr_world_put (w, 3, "k", NULL, "right");
  EXPECT_TRUE (mmr_world_settle (w, 60 * G_USEC_PER_SEC));
  EXPECT_EQ (shown (w, 1, "k"), "left");
  EXPECT_EQ (shown (w, 2, "k"), "right");
  mmr_world_free (w);
}

struct Clocks
{
  std::vector<MmrEvent> events;
};

static void
keep_event (const MmrEvent *ev, gpointer data)
{
  MmrEvent copy = *ev;
  copy.key = copy.value = copy.detail = nullptr;
  copy.versions = nullptr;
  copy.kept = copy.superseded = nullptr;
  ((Clocks *) data)->events.push_back (copy);
}

TEST (MmrWorld, EveryDeliveryHappensAfterItsSendInTheVectorClocks)
{
  MmrWorld *w = make_world (3, MMR_STRATEGY_LWW, MMR_CLOCK_HLC);
  Clocks c;

  mmr_world_add_observer (w, keep_event, &c);
  mmr_world_put (w, 0, "x", NULL, "1");
  ASSERT_TRUE (mmr_world_settle (w, 10 * G_USEC_PER_SEC));
  unsigned checked = 0;
  for (const MmrEvent &s : c.events)
    {
      if (s.kind != MMR_EV_SEND)
        continue;
      for (const MmrEvent &d : c.events)
        if (d.kind == MMR_EV_DELIVER && d.msg_id == s.msg_id)
          {
            EXPECT_EQ (mmr_version_vector_compare (&d.clock, &s.clock),
                       MMR_VV_DOMINATES);
            checked++;
          }
    }
  EXPECT_GT (checked, 2u);
  // Each replica's own entry rises by exactly one per event it logs.
  guint32 last[3] = { 0, 0, 0 };
  for (const MmrEvent &e : c.events)
    if (e.replica >= 0)
      {
        EXPECT_EQ (e.clock.c[e.replica], last[e.replica] + 1);
        last[e.replica] = e.clock.c[e.replica];
      }
  mmr_world_free (w);
}

// The scheduler holds one task per link, for the link's head (world-run.c,
// schedule_head). A reordered message that overtakes the head must take
// over that task: delivered at its own time, not when the old head was
// due. Checked over many seeds with random latencies on one busy link:
// every message is delivered exactly once, within its latency bounds of
// its send, in non-decreasing time, and some overtakes do happen.
struct LinkLog
{
  std::map<guint64, gint64> sent, delivered;
  gint64 last_time = 0;
  bool time_went_back = false;
  guint64 last_id = 0;
  unsigned overtakes = 0;
  unsigned twice = 0;
};

static void
log_link (const MmrEvent *ev, gpointer data)
{
  LinkLog *log = static_cast<LinkLog *> (data);

  if (ev->kind == MMR_EV_SEND && ev->replica == 0 && ev->peer == 1)
    log->sent[ev->msg_id] = ev->time_us;
  if (ev->kind != MMR_EV_DELIVER || ev->peer != 0 || ev->replica != 1)
    return;
  if (ev->time_us < log->last_time)
    log->time_went_back = true;
  log->last_time = ev->time_us;
  if (ev->msg_id < log->last_id)
    log->overtakes++;
  log->last_id = ev->msg_id;
  if (!log->delivered.emplace (ev->msg_id, ev->time_us).second)
    log->twice++;
}

TEST (MmrWorld, AReorderedMessageOvertakesTheHeadOfItsLinkOnTime)
{
  unsigned overtakes = 0;

  for (guint64 seed = 1; seed <= 200; seed++)
    {
      MmrWorld *w = make_world (2, MMR_STRATEGY_LWW, MMR_CLOCK_HLC, seed, 0);
      LinkLog log;
      MmrLinkModel m;

      mmr_link_model_init (&m);
      m.latency_min_us = 1000;
      m.latency_max_us = 50000;
      m.reorder = TRUE;
      mmr_world_set_link_model (w, -1, -1, &m);
      mmr_world_add_observer (w, log_link, &log);
      for (int i = 0; i < 60; i++)
        {
          g_autofree char *key = g_strdup_printf ("k%d", i % 7);

          mmr_world_put (w, 0, key, nullptr, "v");
          mmr_world_run_until (w, mmr_world_now (w) + 700);
        }
      mmr_world_run_until (w, mmr_world_now (w) + 100000);
      ASSERT_EQ (mmr_world_n_in_flight (w), 0u) << "seed " << seed;
      ASSERT_EQ (log.sent.size (), 60u) << "seed " << seed;
      ASSERT_EQ (log.delivered.size (), 60u) << "seed " << seed;
      EXPECT_EQ (log.twice, 0u) << "seed " << seed;
      EXPECT_FALSE (log.time_went_back) << "seed " << seed;
      for (auto &d : log.delivered)
        {
          gint64 latency = d.second - log.sent.at (d.first);

          ASSERT_GE (latency, 1000) << "seed " << seed << " msg " << d.first;
          ASSERT_LE (latency, 50000) << "seed " << seed << " msg " << d.first;
        }
      overtakes += log.overtakes;
      mmr_world_free (w);
    }
  EXPECT_GT (overtakes, 1000u);
}
