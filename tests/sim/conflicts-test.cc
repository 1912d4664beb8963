// conflicts-test.cc - conflicts as data: client contexts, causality modes,
// merge functions, the conflict log and CRDT keys, end to end.
#include <gtest/gtest.h>

#include "world-helpers.h"

extern "C" {
#include "scenario/runner.h"
#include "store/merge-fn.h"
}

static const gint64 S = G_USEC_PER_SEC;

static MmrWorld *
world_with (MmrStrategy s, MmrCausality causality, unsigned n = 3)
{
  MmrWorld *w = make_world (n, s, MMR_CLOCK_HLC);
  mmr_world_set_causality (w, causality);
  return w;
}

// The Dynamo/Riak read-modify-write model: a write carrying a context
// supersedes exactly the versions its client read, and nothing else.
TEST (MmrClients, AContextSupersedesExactlyTheVersionsItRead)
{
  MmrWorld *w = world_with (MMR_STRATEGY_SIBLINGS, MMR_CAUSALITY_DVV);
  MmrWriteLog *log = mmr_write_log_new (w);
  MmrVersionVector ctx;

  mmr_world_put (w, 0, "x", nullptr, "v1");
  mmr_world_put (w, 1, "x", nullptr, "v2");
  ASSERT_TRUE (mmr_world_settle (w, 10 * S));
  MmrViewEntry *e = mmr_view_read (w, 0, "x", nullptr, &ctx);
  ASSERT_NE (e, nullptr);
  EXPECT_EQ (e->n_live, 2u);
  mmr_view_entry_free (e);
  mmr_world_client_write (w, 2, "x", nullptr, "v3", nullptr);  // unseen
  ASSERT_TRUE (mmr_world_settle (w, 10 * S));
  EXPECT_EQ (shown (w, 0, "x"), "{v1, v2, v3}");
  mmr_world_client_write (w, 0, "x", nullptr, "v4", &ctx);
  ASSERT_TRUE (mmr_world_settle (w, 10 * S));
  for (unsigned r = 0; r < 3; r++)
    EXPECT_EQ (shown (w, r, "x"), "{v3, v4}") << "replica " << r;
  EXPECT_TRUE (lost (log).empty ());
  mmr_write_log_free (log);
  mmr_world_free (w);
}

TEST (MmrClients, AClientWithoutContextWritesASibling)
{
  MmrWorld *w = world_with (MMR_STRATEGY_SIBLINGS, MMR_CAUSALITY_DVV, 2);

  mmr_world_put (w, 0, "x", nullptr, "a");
  ASSERT_TRUE (mmr_world_settle (w, 10 * S));
  mmr_world_client_write (w, 0, "x", nullptr, "b", nullptr);
  ASSERT_TRUE (mmr_world_settle (w, 10 * S));
  EXPECT_EQ (shown (w, 1, "x"), "{a, b}");
  EXPECT_EQ (mmr_world_get_metrics (w)->conflicts, 1u);
  mmr_world_free (w);
}

TEST (MmrClients, AStaleVersionVectorContextSupersedesNothing)
{
  MmrWorld *w = world_with (MMR_STRATEGY_SIBLINGS, MMR_CAUSALITY_VV, 2);
  MmrVersionVector ctx;

  mmr_world_put (w, 0, "x", nullptr, "a");
  mmr_view_entry_free (mmr_view_read (w, 0, "x", nullptr, &ctx));
  mmr_world_client_write (w, 0, "x", nullptr, "b", nullptr);   // blind
  mmr_world_client_write (w, 0, "x", nullptr, "c", &ctx);      // saw only a
  EXPECT_EQ (shown (w, 0, "x"), "{a, b, c}");   // vv: cannot tell a apart
  mmr_world_free (w);

  w = world_with (MMR_STRATEGY_SIBLINGS, MMR_CAUSALITY_DVV, 2);
  mmr_world_put (w, 0, "x", nullptr, "a");
  mmr_view_entry_free (mmr_view_read (w, 0, "x", nullptr, &ctx));
  mmr_world_client_write (w, 0, "x", nullptr, "b", nullptr);
  mmr_world_client_write (w, 0, "x", nullptr, "c", &ctx);
  EXPECT_EQ (shown (w, 0, "x"), "{b, c}");      // dvv: exactly a goes
  mmr_world_free (w);
}

static MmrRunner *
run_example (const char *name, MmrScript **out_script)
{
  g_autofree char *path = g_build_filename (MMR_SOURCE_ROOT, "docs",
                                            "examples", name, nullptr);
  GError *error = nullptr;
  MmrScript *script = mmr_script_load (path, &error);

  EXPECT_NE (script, nullptr) << (error ? error->message : "");
  MmrRunner *r = mmr_runner_new (script, FALSE, 0);
  mmr_runner_run (r);
  *out_script = script;
  return r;
}

static guint
siblings_at (MmrRunner *r, unsigned replica, const char *name)
{
  MmrViewEntry *e = mmr_view_lookup (mmr_runner_get_world (r), replica, name);
  guint n = e ? e->n_live : 0;
  mmr_view_entry_free (e);
  return n;
}

// Issue 3: the same workload explodes with vv and stays at two with dvv.
TEST (MmrCausality, SiblingExplosionWithVvAndNoneWithDvv)
{
  MmrScript *s1, *s2;
  MmrRunner *vv = run_example ("sibling-explosion.mmr", &s1);
  MmrRunner *dvv = run_example ("sibling-explosion-dvv.mmr", &s2);

  EXPECT_EQ (siblings_at (vv, 1, "cart"), 7u);
  EXPECT_EQ (siblings_at (dvv, 1, "cart"), 2u);
  EXPECT_EQ (shown (mmr_runner_get_world (dvv), 1, "cart"), "{a3, b4}");
  EXPECT_EQ (mmr_runner_n_failed (vv), 0u);
  EXPECT_EQ (mmr_runner_n_failed (dvv), 0u);
  mmr_runner_free (vv);
  mmr_runner_free (dvv);
  mmr_script_free (s1);
  mmr_script_free (s2);
}

TEST (MmrCausality, HistoriesGrowWithWritesWhileVectorsGrowWithReplicas)
{
  MmrWorld *w = world_with (MMR_STRATEGY_LWW, MMR_CAUSALITY_HISTORY);

  // One write {A:1}, pushed to two peers: vv = count + (A, 1) = 3 bytes;
  // dvv adds the dot (A, 1) = 5; the history is the one id (A, 1) = 3.
  mmr_world_put (w, 0, "k", nullptr, "v");
  EXPECT_EQ (mmr_world_get_metrics (w)->meta_vv_bytes, 2u * 3);
  EXPECT_EQ (mmr_world_get_metrics (w)->meta_dvv_bytes, 2u * 5);
  EXPECT_EQ (mmr_world_get_metrics (w)->meta_history_bytes, 2u * 3);
  for (int i = 1; i < 30; i++)
    {
      mmr_world_put (w, i % 3, "k", nullptr, "v");
      mmr_world_run_until (w, mmr_world_now (w) + 20000);
    }
  const MmrMetrics *m = mmr_world_get_metrics (w);
  double vv = (double) m->meta_vv_bytes / m->push_messages;
  double dvv = (double) m->meta_dvv_bytes / m->push_messages;
  double history = (double) m->meta_history_bytes / m->push_messages;
  EXPECT_LE (vv, 7.0);               // at most 3 entries of 2 bytes + count
  EXPECT_DOUBLE_EQ (dvv, vv + 2.0);  // plus the write's own dot
  EXPECT_GT (history, 4 * vv);       // one id per write seen
  mmr_world_free (w);
}

TEST (MmrMerge, BuiltInMergesAreDeterministicAndOrderFree)
{
  const char *carts[] = { "eggs,milk", "flour,milk" };
  const char *nums[] = { "10", "9", "100" };
  g_autofree char *u = mmr_merge_apply ("set-union", carts, 2);
  g_autofree char *mx = mmr_merge_apply ("max", nums, 3);
  g_autofree char *mn = mmr_merge_apply ("min", nums, 3);
  g_autofree char *cat = mmr_merge_apply ("sorted-concat", nums, 3);

  EXPECT_STREQ (u, "eggs,flour,milk");
  EXPECT_STREQ (mx, "100");          // numerically, not "9"
  EXPECT_STREQ (mn, "9");
  EXPECT_STREQ (cat, "10|100|9");
  EXPECT_EQ (mmr_merge_apply ("no-such", nums, 3), nullptr);
}

static char *
longest (const char *const *values, guint n, gpointer data)
{
  guint best = 0;
  (void) data;
  for (guint i = 1; i < n; i++)
    if (strlen (values[i]) > strlen (values[best]))
      best = i;
  return g_strdup (values[best]);
}

TEST (MmrMerge, AStudentsMergeFunctionIsUsedByStrategyMerge)
{
  mmr_merge_register ("longest", longest, nullptr);
  MmrWorld *w = make_world (2, MMR_STRATEGY_SIBLINGS, MMR_CLOCK_HLC);
  mmr_world_set_merge (w, "longest");
  mmr_world_put (w, 0, "title", nullptr, "Dune");
  mmr_world_put (w, 1, "title", nullptr, "Dune Messiah");
  ASSERT_TRUE (mmr_world_settle (w, 10 * S));
  EXPECT_EQ (shown (w, 0, "title"), "Dune Messiah");
  EXPECT_EQ (shown (w, 1, "title"), "Dune Messiah");
  mmr_world_free (w);
}

TEST (MmrConflictLog, RecordsVersionsRuleWinnerAndDiscarded)
{
  MmrScript *s;
  MmrRunner *r = run_example ("demo.mmr", &s);
  GPtrArray *log = mmr_conflict_log_get (mmr_runner_get_conflict_log (r));
  const char *const *names = mmr_world_replica_names (mmr_runner_get_world (r));

  ASSERT_EQ (log->len, 1u);
  const MmrConflict *c = (const MmrConflict *) log->pdata[0];
  EXPECT_STREQ (c->key, "cart");
  EXPECT_EQ (c->rule, MMR_RESOLVE_LWW_TIMESTAMP);
  EXPECT_EQ (c->outcome, MMR_OUTCOME_WINNER);
  EXPECT_STREQ (c->value, "eggs");
  ASSERT_EQ (c->versions->len, 2u);
  const MmrConflictVersion *a = &g_array_index (c->versions, MmrConflictVersion, 0);
  const MmrConflictVersion *cc = &g_array_index (c->versions, MmrConflictVersion, 1);
  EXPECT_STREQ (a->value, "milk,flour");
  EXPECT_FALSE (a->is_kept);
  EXPECT_EQ (a->written_us, 50000);
  EXPECT_EQ (a->vv.c[0], 2u);        // A's second write to cart
  EXPECT_STREQ (cc->value, "eggs");
  EXPECT_TRUE (cc->is_kept);
  EXPECT_EQ (cc->written_us, 60000);
  g_autofree char *d = mmr_conflict_describe (c, names, MMR_GRANULARITY_FIELD);
  EXPECT_STREQ (d, "lww by timestamp: C:1 eggs wins; discarded A:2 milk,flour");
  mmr_runner_free (r);
  mmr_script_free (s);
}

TEST (MmrCrdtKeys, PnCounterCountsEveryIncrementAndDecrementAcrossAPartition)
{
  MmrScript *s;
  MmrRunner *r = run_example ("counters.mmr", &s);
  MmrWorld *w = mmr_runner_get_world (r);

  EXPECT_EQ (mmr_runner_n_failed (r), 0u);
  for (unsigned i = 0; i < 3; i++)
    {
      EXPECT_EQ (shown (w, i, "likes"), "8");
      EXPECT_EQ (shown (w, i, "views"), "11");
    }
  EXPECT_EQ (mmr_world_get_metrics (w)->conflicts, 0u);
  mmr_runner_free (r);
  mmr_script_free (s);
}

TEST (MmrCrdtKeys, OrSetAddWinsAndTwoPhaseSetRemovesForever)
{
  MmrScript *s;
  MmrRunner *r = run_example ("sets.mmr", &s);
  MmrWorld *w = mmr_runner_get_world (r);

  EXPECT_EQ (mmr_runner_n_failed (r), 0u);
  EXPECT_EQ (shown (w, 0, "tags"), "red");
  EXPECT_EQ (shown (w, 1, "tags"), "red");
  EXPECT_EQ (shown (w, 0, "banned"), "absent");
  EXPECT_EQ (shown (w, 1, "banned"), "absent");
  mmr_runner_free (r);
  mmr_script_free (s);
}

TEST (MmrCrdtKeys, ALostDeltaIsRepairedByFullStateAntiEntropy)
{
  MmrWorld *w = make_world (2, MMR_STRATEGY_LWW, MMR_CLOCK_HLC);
  MmrLinkModel m;

  mmr_world_declare_type (w, "n", MMR_CRDT_GCOUNTER);
  mmr_link_model_init (&m);
  m.loss = 1.0;
  mmr_world_set_link_model (w, 0, 1, &m);
  ASSERT_TRUE (mmr_world_crdt_op (w, 0, "n", "incr", "5", nullptr));
  mmr_world_run_until (w, 50000);
  EXPECT_EQ (shown (w, 1, "n"), "absent");
  m.loss = 0.0;
  mmr_world_set_link_model (w, 0, 1, &m);
  ASSERT_TRUE (mmr_world_settle (w, 10 * S));
  EXPECT_EQ (shown (w, 1, "n"), "5");
  mmr_world_free (w);
}

// Delta-state with acks: a lost delta rides along with the next one,
// because it is still unacknowledged - no full state needed.
TEST (MmrCrdtKeys, AnUnacknowledgedDeltaIsSentAgainWithTheNextOne)
{
  MmrWorld *w = make_world (2, MMR_STRATEGY_LWW, MMR_CLOCK_HLC, 1,
                            100 * G_USEC_PER_SEC);   // anti-entropy far away
  MmrLinkModel m;

  mmr_world_declare_type (w, "n", MMR_CRDT_GCOUNTER);
  mmr_link_model_init (&m);
  m.loss = 1.0;
  mmr_world_set_link_model (w, 0, 1, &m);
  ASSERT_TRUE (mmr_world_crdt_op (w, 0, "n", "incr", "5", nullptr));
  mmr_world_run_until (w, 50000);
  EXPECT_EQ (shown (w, 1, "n"), "absent");
  m.loss = 0.0;
  mmr_world_set_link_model (w, 0, 1, &m);
  ASSERT_TRUE (mmr_world_crdt_op (w, 0, "n", "incr", "2", nullptr));
  mmr_world_run_until (w, 100000);
  EXPECT_EQ (shown (w, 1, "n"), "7");      // the group carried both deltas
  mmr_world_free (w);
}

// Defect 5: an lwwreg key's stamp comes from the scenario's clock (as for
// strategy lww), not always from the HLC. B's clock runs 2 s behind; B
// sets the register after it received A's value. By physical clocks B's
// later write carries the smaller stamp and loses everywhere; by HLC or
// Lamport it has seen A's stamp, so it carries a larger one and wins.
static std::string
lwwreg_after_skew (MmrClockSource clock)
{
  MmrWorld *w = make_world (2, MMR_STRATEGY_LWW, clock);

  mmr_world_declare_type (w, "r", MMR_CRDT_LWW_REGISTER);
  mmr_world_set_skew (w, 1, -2 * S);
  mmr_world_run_until (w, 10000);
  EXPECT_TRUE (mmr_world_crdt_op (w, 0, "r", "set", "first", nullptr));
  EXPECT_TRUE (mmr_world_settle (w, 10 * S));
  EXPECT_EQ (shown (w, 1, "r"), "first");
  EXPECT_TRUE (mmr_world_crdt_op (w, 1, "r", "set", "second", nullptr));
  EXPECT_TRUE (mmr_world_settle (w, 10 * S));
  std::string a = shown (w, 0, "r"), b = shown (w, 1, "r");
  EXPECT_EQ (a, b);
  mmr_world_free (w);
  return a;
}

TEST (MmrCrdtKeys, LwwRegisterStampComesFromTheScenarioClock)
{
  EXPECT_EQ (lwwreg_after_skew (MMR_CLOCK_PHYSICAL), "first");
  EXPECT_EQ (lwwreg_after_skew (MMR_CLOCK_HLC), "second");
  EXPECT_EQ (lwwreg_after_skew (MMR_CLOCK_LAMPORT), "second");
}

// Client contexts are kept per register. Under granularity record the
// register is the whole record, so a read of one field (or of the record)
// gives the context every field's write of that record sends back: alice
// read user, so her write of user.email replaces the version she saw
// instead of becoming its sibling.
static std::string
record_client_run (const char *read)
{
  std::string text = std::string (
      "replicas A B\nstrategy siblings\ngranularity record\n"
      "causality dvv\nclient alice at A\n"
      "A put user.name Ann\nsettle\n")
      + "alice get " + read + "\n"
      + "alice put user.email ann@x\nsettle\n"
        "expect siblings A user 1\nexpect siblings B user 1\n"
        "expect lost 0\n";
  GError *error = nullptr;
  MmrScript *s = mmr_script_parse ("ctx.mmr", text.c_str (), &error);
  EXPECT_NE (s, nullptr) << (error ? error->message : "");
  if (s == nullptr)
    return "";
  MmrRunner *r = mmr_runner_new (s, FALSE, 0);
  mmr_runner_run (r);
  EXPECT_EQ (mmr_runner_n_failed (r), 0u);
  std::string a = shown (mmr_runner_get_world (r), 0, "user.email")
                  + " " + shown (mmr_runner_get_world (r), 1, "user.name");
  mmr_runner_free (r);
  mmr_script_free (s);
  return a;
}

TEST (MmrClients, UnderRecordGranularityOneContextCoversEveryField)
{
  EXPECT_EQ (record_client_run ("user.name"), "ann@x Ann");
  EXPECT_EQ (record_client_run ("user"), "ann@x Ann");
  EXPECT_EQ (record_client_run ("user.email"), "ann@x Ann");
}
