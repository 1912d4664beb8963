// replica-test.cc - one replica against a small fake environment, no world
//
// A replica asks its environment for four things only (replica.h):
// the time, to send bytes to a peer, to report an event, to say a
// register changed. This fake records each, so a test sees exactly what
// a replica did: the bytes it sent and to whom, the events it emitted,
// the registers it changed, and its state after. Messages go from one
// replica to another only when a test hands them over (deliver), so the
// order of every step is the test's.
#include <gtest/gtest.h>

#include <string>
#include <vector>

extern "C" {
#include "net/wire.h"
#include "store/store.h"
#include "sync/replica.h"
}

namespace
{

struct Sent
{
  guint from;
  guint to;
  std::string bytes;   // the exact bytes handed to the link
  MmrMsgType type;
  guint n_registers;
  std::string key;     // "" when the note names none
  MmrDot dot;
  std::string value;
};

struct Emitted
{
  MmrEventKind kind;
  int replica;
  int peer;
  std::string key;
  std::string value;
  MmrDot dot;
  std::string detail;
  guint32 exchange;
};

struct FakeEnv
{
  gint64 now_us = 1000;
  std::vector<Sent> sent;
  std::vector<Emitted> events;
  std::vector<std::string> changed;   // "A:x": replica A changed x
  const char *const *names = nullptr;
};

gint64
fake_now (gpointer env)
{
  return static_cast<FakeEnv *> (env)->now_us;
}

void
fake_send (gpointer env, guint replica, guint to, GBytes *bytes,
           const MmrSendNote *note)
{
  gsize len;
  const char *data = static_cast<const char *> (g_bytes_get_data (bytes,
                                                                  &len));

  static_cast<FakeEnv *> (env)->sent.push_back (
      { replica, to, std::string (data, len), note->type, note->n_registers,
        note->key != nullptr ? note->key : "", note->dot,
        note->value != nullptr ? note->value : "" });
}

void
fake_emit (gpointer env, MmrEvent *ev)
{
  static_cast<FakeEnv *> (env)->events.push_back (
      { ev->kind, ev->replica, ev->peer, ev->key != nullptr ? ev->key : "",
        ev->value != nullptr ? ev->value : "", ev->dot,
        ev->detail != nullptr ? ev->detail : "", ev->exchange });
}

void
fake_changed (gpointer env, guint replica, const char *name)
{
  FakeEnv *e = static_cast<FakeEnv *> (env);

  e->changed.push_back (std::string (e->names[replica]) + ":" + name);
}

const MmrReplicaEnv fake_env = { fake_now, fake_send, fake_emit,
                                 fake_changed };

const char *const two[] = { "A", "B", nullptr };
const char *const three[] = { "A", "B", "C", nullptr };

// Replicas sharing one fake environment (as a world's replicas do).
struct Cluster
{
  FakeEnv env;
  std::vector<MmrReplica *> replicas;

  explicit Cluster (const char *const *names)
  {
    env.names = names;
    guint n = g_strv_length (const_cast<char **> (names));
    for (guint i = 0; i < n; i++)
      replicas.push_back (mmr_replica_new (i, n, names, &fake_env, &env));
  }
  ~Cluster ()
  {
    for (MmrReplica *r : replicas)
      mmr_replica_free (r);
  }
  // Hands sent message @i to its receiver; returns what receive returns.
  guint32 deliver (size_t i, guint64 msg_id = 1)
  {
    const Sent s = env.sent.at (i);
    g_autoptr (GBytes) b = g_bytes_new (s.bytes.data (), s.bytes.size ());

    return mmr_replica_receive (replicas.at (s.to), s.from, b, msg_id);
  }
  void clear ()
  {
    env.sent.clear ();
    env.events.clear ();
    env.changed.clear ();
  }
};

// "x=1@A:1": every sibling of register @name at replica @r, in order.
std::string
state_of (MmrReplica *r, const char *name)
{
  const MmrRegister *reg = mmr_store_get (mmr_replica_get_store (r), name);
  std::string out;

  if (reg == nullptr)
    return "(none)";
  for (guint i = 0; i < reg->n_siblings; i++)
    {
      const MmrVersion *v = &reg->siblings[i];

      out += std::string (i > 0 ? " " : "") + name + "="
             + (v->value != nullptr ? v->value : "(deleted)") + "@"
             + three[v->dot.replica] + ":"
             + std::to_string (v->dot.counter);
    }
  return out;
}

std::string
hex (const std::string &bytes)
{
  std::string out;
  char buf[3];

  for (unsigned char c : bytes)
    {
      g_snprintf (buf, sizeof buf, "%02x", c);
      out += buf;
    }
  return out;
}

} // namespace

// A local write is acknowledged at once (WRITE, changed) and pushed as one
// STATE message, the same bytes to every peer.
TEST (MmrReplica, LocalWriteIsTracedChangedAndPushedToEveryPeer)
{
  Cluster c (three);

  mmr_replica_write (c.replicas[0], "x", nullptr, "1");

  ASSERT_EQ (c.env.events.size (), 1u);
  EXPECT_EQ (c.env.events[0].kind, MMR_EV_WRITE);
  EXPECT_EQ (c.env.events[0].replica, 0);
  EXPECT_EQ (c.env.events[0].key, "x");
  EXPECT_EQ (c.env.events[0].value, "1");
  EXPECT_EQ (c.env.events[0].dot.replica, 0u);
  EXPECT_EQ (c.env.events[0].dot.counter, 1u);
  EXPECT_EQ (c.env.changed, std::vector<std::string> ({ "A:x" }));
  ASSERT_EQ (c.env.sent.size (), 2u);
  for (guint i = 0; i < 2; i++)
    {
      const Sent &s = c.env.sent[i];

      EXPECT_EQ (s.from, 0u);
      EXPECT_EQ (s.to, i + 1);
      EXPECT_EQ (s.type, MMR_MSG_STATE);
      EXPECT_EQ (s.n_registers, 1u);
      EXPECT_EQ (s.key, "x");
      EXPECT_EQ (s.value, "1");
      EXPECT_EQ (s.dot.counter, 1u);
    }
  EXPECT_EQ (c.env.sent[0].bytes, c.env.sent[1].bytes);
  // docs/wire-format.md: version 1, state, lamport 2 (the write ticked
  // it once), HLC (1000 us, 1), exchange 0; one register "x" with vv
  // {A:1} and one version: dot A:1, ts 1000 us (the HLC), logical 0, the
  // writer's HLC (1000 us, 0), not a tombstone, value "1".
  EXPECT_EQ (hex (c.env.sent[0].bytes),
             "01" "01" "02" "d00f" "01" "00"
             "01" "0178" "010001"
             "01" "0001" "d00f" "00" "d00f" "00" "00" "0131");
  EXPECT_EQ (state_of (c.replicas[0], "x"), "x=1@A:1");
  EXPECT_EQ (state_of (c.replicas[1], "x"), "(none)");
}

// The push, handed to a peer: a DELIVER naming the write, the merge, a
// change, and no reply (pushes are fire-and-forget).
TEST (MmrReplica, ReceivingAPushMergesItAndRepliesNothing)
{
  Cluster c (three);

  mmr_replica_write (c.replicas[0], "x", nullptr, "1");
  c.env.events.clear ();
  c.env.changed.clear ();
  EXPECT_EQ (c.deliver (0, 7), 0u);

  ASSERT_EQ (c.env.events.size (), 1u);
  EXPECT_EQ (c.env.events[0].kind, MMR_EV_DELIVER);
  EXPECT_EQ (c.env.events[0].replica, 1);
  EXPECT_EQ (c.env.events[0].peer, 0);
  EXPECT_EQ (c.env.events[0].key, "x");
  EXPECT_EQ (c.env.events[0].value, "1");
  EXPECT_EQ (c.env.events[0].detail, "state");
  EXPECT_EQ (c.env.changed, std::vector<std::string> ({ "B:x" }));
  EXPECT_EQ (c.env.sent.size (), 2u);   // only A's two pushes
  EXPECT_EQ (state_of (c.replicas[1], "x"), "x=1@A:1");

  // The same push again (a duplicate) changes nothing.
  c.env.events.clear ();
  c.env.changed.clear ();
  EXPECT_EQ (c.deliver (0, 8), 0u);
  EXPECT_EQ (c.env.events.size (), 1u);
  EXPECT_TRUE (c.env.changed.empty ());
  EXPECT_EQ (state_of (c.replicas[1], "x"), "x=1@A:1");
}

// Bytes that do not decode are traced as a DROP and change nothing.
TEST (MmrReplica, UndecodableBytesAreDroppedAndTraced)
{
  Cluster c (two);
  g_autoptr (GBytes) junk = g_bytes_new_static ("\xff\xff", 2);

  EXPECT_EQ (mmr_replica_receive (c.replicas[1], 0, junk, 3), 0u);
  ASSERT_EQ (c.env.events.size (), 1u);
  EXPECT_EQ (c.env.events[0].kind, MMR_EV_DROP);
  EXPECT_EQ (c.env.events[0].replica, 1);
  EXPECT_EQ (c.env.events[0].peer, 0);
  EXPECT_TRUE (c.env.sent.empty ());
  EXPECT_TRUE (c.env.changed.empty ());
}

// A digest exchange repairs what pushes missed, both ways; the next
// exchange between the now equal pair is clean, and receive says so.
TEST (MmrReplica, AntiEntropyRepairsBothWaysThenComesBackClean)
{
  Cluster c (two);

  mmr_replica_write (c.replicas[0], "x", nullptr, "1");
  mmr_replica_write (c.replicas[1], "y", nullptr, "2");
  c.clear ();   // both pushes lost

  mmr_replica_antientropy_tick (c.replicas[0]);
  ASSERT_EQ (c.env.events.size (), 1u);
  EXPECT_EQ (c.env.events[0].kind, MMR_EV_ANTIENTROPY);
  EXPECT_EQ (c.env.events[0].replica, 0);
  EXPECT_EQ (c.env.events[0].peer, 1);
  EXPECT_EQ (c.env.events[0].detail, "digest");
  EXPECT_EQ (c.env.events[0].exchange, 1u);
  ASSERT_EQ (c.env.sent.size (), 1u);
  EXPECT_EQ (c.env.sent[0].type, MMR_MSG_DIGEST);
  EXPECT_EQ (c.env.sent[0].to, 1u);
  EXPECT_EQ (c.env.sent[0].n_registers, 0u);   // a digest changes nothing
  EXPECT_EQ (c.env.sent[0].key, "");
  // Version 1, digest, lamport 3, HLC (1000 us, 2), exchange 1; one
  // register "x" with its vector {A:1} and nothing else.
  EXPECT_EQ (hex (c.env.sent[0].bytes),
             "01" "02" "03" "d00f" "02" "01" "01" "0178" "010001");

  // B answers with y (A lacks it) and asks for x.
  EXPECT_EQ (c.deliver (0), 0u);
  ASSERT_EQ (c.env.sent.size (), 2u);
  EXPECT_EQ (c.env.sent[1].type, MMR_MSG_DIGEST_REPLY);
  EXPECT_EQ (c.env.sent[1].to, 0u);
  EXPECT_EQ (c.env.sent[1].n_registers, 1u);
  EXPECT_TRUE (c.env.changed.empty ());

  // A merges y, sends x: not clean, something was missing.
  EXPECT_EQ (c.deliver (1), 0u);
  EXPECT_EQ (c.env.changed, std::vector<std::string> ({ "A:y" }));
  ASSERT_EQ (c.env.sent.size (), 3u);
  EXPECT_EQ (c.env.sent[2].type, MMR_MSG_STATE);
  EXPECT_EQ (c.env.sent[2].to, 1u);
  EXPECT_EQ (c.env.sent[2].n_registers, 1u);
  EXPECT_EQ (c.deliver (2), 0u);
  EXPECT_EQ (c.env.changed, std::vector<std::string> ({ "A:y", "B:x" }));
  for (MmrReplica *r : c.replicas)
    {
      EXPECT_EQ (state_of (r, "x"), "x=1@A:1");
      EXPECT_EQ (state_of (r, "y"), "y=2@B:1");
    }

  // Exchange 2: the reply is empty, and the receive that completes it
  // returns its id.
  c.clear ();
  mmr_replica_antientropy_tick (c.replicas[0]);
  EXPECT_EQ (c.env.events[0].exchange, 2u);
  EXPECT_EQ (c.deliver (0), 0u);
  ASSERT_EQ (c.env.sent.size (), 2u);
  EXPECT_EQ (c.env.sent[1].n_registers, 0u);
  EXPECT_EQ (c.deliver (1), 2u);
  EXPECT_EQ (c.env.sent.size (), 2u);   // nothing more to send
  EXPECT_TRUE (c.env.changed.empty ());
}

// A replica without a database forgets everything in a crash but the
// leases, which the crash hands out; restarted with them it catches up
// through anti-entropy, refuses writes until then, and never reuses a dot.
TEST (MmrReplica, CrashForgetsAllButTheLeaseAndRestartNeverReusesADot)
{
  Cluster c (two);
  MmrLease lease = { 0, 0 };

  mmr_replica_write (c.replicas[0], "x", nullptr, "1");
  c.clear ();
  mmr_replica_crash (c.replicas[0], &lease);
  EXPECT_EQ (lease.dots, 1000u);               // one block of dots
  EXPECT_EQ (lease.ts, 1000 + 100000);         // HLC: 100 ms past the write
  EXPECT_TRUE (mmr_replica_is_down (c.replicas[0]));
  EXPECT_EQ (mmr_store_size (mmr_replica_get_store (c.replicas[0])), 0u);
  EXPECT_FALSE (mmr_replica_accepts_writes (c.replicas[0], c.env.now_us));
  EXPECT_TRUE (c.env.events.empty ());   // the world traces the crash

  c.env.now_us = 5000;
  g_autoptr (GError) error = nullptr;
  ASSERT_TRUE (mmr_replica_restart (c.replicas[0], c.env.now_us, &lease,
                                    &error));
  EXPECT_FALSE (mmr_replica_is_down (c.replicas[0]));
  // It begins an exchange with its one peer at once.
  ASSERT_EQ (c.env.events.size (), 1u);
  EXPECT_EQ (c.env.events[0].kind, MMR_EV_ANTIENTROPY);
  EXPECT_EQ (c.env.events[0].peer, 1);
  ASSERT_EQ (c.env.sent.size (), 1u);
  EXPECT_EQ (c.env.sent[0].type, MMR_MSG_DIGEST);
  EXPECT_FALSE (mmr_replica_accepts_writes (c.replicas[0], c.env.now_us));

  // B never got the push: it has nothing, so the exchange is clean but
  // A's clock has not passed the clock lease yet.
  EXPECT_EQ (c.deliver (0), 0u);
  EXPECT_EQ (c.deliver (1), 1u);
  EXPECT_FALSE (mmr_replica_accepts_writes (c.replicas[0], c.env.now_us));
  c.env.now_us = 1000 + 100000;
  EXPECT_TRUE (mmr_replica_accepts_writes (c.replicas[0], c.env.now_us));

  // The next write's dot is above the lease: A:1001, not A:1 again.
  c.clear ();
  mmr_replica_write (c.replicas[0], "x", nullptr, "2");
  ASSERT_EQ (c.env.events.size (), 1u);
  EXPECT_EQ (c.env.events[0].dot.counter, 1001u);
  EXPECT_EQ (state_of (c.replicas[0], "x"), "x=2@A:1001");
}
