/* crdt-laws-test.cc - the laws every CRDT in src/crdt/ must obey
 *
 * For each type, on states a replica can actually reach (random operations
 * at random replicas, random full-state merges and delta merges, and the
 * deltas and delta groups those produce), 10,000 seeded cases each of:
 *
 *   - merge is commutative:  a + b == b + a
 *   - merge is associative:  (a + b) + c == a + (b + c)
 *   - merge is idempotent:   a + a == a, and (a + b) + b == a + b
 *   - three replicas converge when their deltas travel through a network
 *     that loses, duplicates and reorders them, once one round of
 *     full-state anti-entropy has run; with no loss, deltas alone suffice.
 *
 * Every state that takes part is also encoded and decoded, and equal
 * states must encode to equal bytes. A failure prints its seed; rerun one
 * case by setting MMR_CRDT_SEED=<seed>.
 *
 * <glib.h> comes before the extern "C" block: GLib's headers carry C++
 * templates when compiled as C++.
 */
#include <glib.h>

extern "C" {
#include "core/prng.h"
#include "crdt/crdt.h"
}

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

namespace {

const guint64 N_CASES = 10000;

struct Op {
  std::string op;
  std::string arg;
  bool has_stamp = false;
  MmrCrdtStamp stamp = { 0, 0 };
};

const char *
pick (MmrPrng *prng, std::initializer_list<const char *> choices)
{
  auto it = choices.begin ();
  std::advance (it, mmr_prng_range (prng, 0, (gint64) choices.size () - 1));
  return *it;
}

void
maybe_stamp (MmrPrng *prng, Op *op)
{
  /* Few distinct timestamps, so that ties (broken by replica, then by
   * value) are common. */
  if (mmr_prng_chance (prng, 0.5))
    {
      op->has_stamp = true;
      op->stamp.ts = mmr_prng_range (prng, 0, 3);
      op->stamp.logical = (guint32) mmr_prng_range (prng, 0, 1);
    }
}

Op
random_map_op (MmrPrng *prng)
{
  Op o;

  switch (mmr_prng_range (prng, 0, 9))
    {
    case 0: o.op = "incr"; o.arg = pick (prng, { "n", "n=2", "k:gcounter=3" }); break;
    case 1: o.op = "decr"; o.arg = pick (prng, { "n", "n=3" }); break;
    case 2: o.op = "add"; o.arg = pick (prng, { "s=a", "s=b", "t:gset=a" }); break;
    case 3: o.op = "rem"; o.arg = pick (prng, { "s=a", "s=b" }); break;
    case 4: o.op = "rem"; o.arg = pick (prng, { "s", "n", "r", "m:mvreg", "k" }); break;
    case 5: o.op = "set"; o.arg = pick (prng, { "r=x", "r=y", "n=z" });
      maybe_stamp (prng, &o); break;
    case 6: o.op = "set"; o.arg = pick (prng, { "m:mvreg=x", "m:mvreg=y" }); break;
    case 7: o.op = "rem"; o.arg = pick (prng, { "t", "s:orset" }); break;
    default: o.op = "add"; o.arg = pick (prng, { "s=c", "n=a" }); break;
    }
  return o;
}

Op
random_op (MmrPrng *prng, MmrCrdtType type)
{
  Op o;

  switch (type)
    {
    case MMR_CRDT_GCOUNTER:
      o.op = "incr";
      o.arg = pick (prng, { "", "1", "2", "5" });
      break;
    case MMR_CRDT_PNCOUNTER:
      o.op = pick (prng, { "incr", "decr" });
      o.arg = pick (prng, { "", "2", "3" });
      break;
    /* Sets: mostly three elements, so that operations meet on them, but
     * up to six, so that states outgrow the inline entries of
     * small-map.c and reach its hash table. */
    case MMR_CRDT_GSET:
      o.op = "add";
      o.arg = pick (prng, { "a", "b", "c", "a", "b", "c", "d", "e", "f" });
      break;
    case MMR_CRDT_TWO_P_SET:
    case MMR_CRDT_ORSET:
      o.op = pick (prng, { "add", "add", "rem" });
      o.arg = pick (prng, { "a", "b", "c", "a", "b", "c", "d", "e", "f" });
      break;
    case MMR_CRDT_LWW_REGISTER:
      o.op = "set";
      o.arg = pick (prng, { "x", "y", "z", "" });
      maybe_stamp (prng, &o);
      break;
    case MMR_CRDT_MV_REGISTER:
      o.op = "set";
      o.arg = pick (prng, { "x", "y", "z" });
      break;
    case MMR_CRDT_ORMAP:
      return random_map_op (prng);
    default:
      g_assert_not_reached ();
    }
  return o;
}

MmrCrdt *
apply (MmrCrdt *crdt, const Op &o)
{
  g_autoptr (GError) error = NULL;
  MmrCrdt *delta = mmr_crdt_apply_at (crdt, o.op.c_str (), o.arg.c_str (),
                                      o.has_stamp ? &o.stamp : NULL, &error);

  if (delta == NULL)
    ADD_FAILURE () << o.op << " " << o.arg << ": " << error->message;
  return delta;
}

void
merge (MmrCrdt *into, const MmrCrdt *other)
{
  g_autoptr (GError) error = NULL;

  if (!mmr_crdt_merge (into, other, &error))
    ADD_FAILURE () << error->message;
}

std::string
str (const MmrCrdt *crdt)
{
  g_autofree char *s = mmr_crdt_to_string (crdt);
  return s;
}

std::string
read_str (const MmrCrdt *crdt)
{
  g_autoptr (GPtrArray) values = mmr_crdt_read (crdt);
  std::string s;

  for (guint i = 0; i < values->len; i++)
    s += std::string (i > 0 ? "|" : "")
         + (const char *) g_ptr_array_index (values, i);
  return s;
}

std::string
bytes_of (const MmrCrdt *crdt)
{
  g_autoptr (GBytes) bytes = mmr_crdt_encode (crdt);
  gsize len;
  const char *data = (const char *) g_bytes_get_data (bytes, &len);

  return std::string (data, len);
}

/* decode (encode (s)) is s, and encodes to the same bytes. */
::testing::AssertionResult
round_trips (const MmrCrdt *crdt)
{
  g_autoptr (GBytes) bytes = mmr_crdt_encode (crdt);
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrCrdt) back = mmr_crdt_decode (bytes, 0, &error);

  if (back == NULL)
    return ::testing::AssertionFailure ()
           << "decode failed: " << error->message << " for " << str (crdt);
  if (!mmr_crdt_equal (back, crdt)
      || mmr_crdt_is_delta (back) != mmr_crdt_is_delta (crdt)
      || bytes_of (back) != bytes_of (crdt))
    return ::testing::AssertionFailure ()
           << "round trip changed " << str (crdt) << " into " << str (back);
  return ::testing::AssertionSuccess ();
}

::testing::AssertionResult
same (const MmrCrdt *a, const MmrCrdt *b)
{
  if (!mmr_crdt_equal (a, b))
    return ::testing::AssertionFailure () << "\n  " << str (a)
                                          << "\n  != " << str (b);
  if (bytes_of (a) != bytes_of (b))
    return ::testing::AssertionFailure () << "equal states, different bytes: "
                                          << str (a);
  if (read_str (a) != read_str (b))
    return ::testing::AssertionFailure () << "equal states read differently: "
                                          << read_str (a) << " vs "
                                          << read_str (b);
  return ::testing::AssertionSuccess ();
}

/* A small history: replicas operating and merging, and the deltas that
 * flowed. Operands for the laws are drawn from its states, its deltas and
 * joins of its deltas (delta groups). */
class World {
public:
  World (MmrCrdtType type, guint64 seed)
    : type_ (type), prng_ (mmr_prng_new (seed))
  {
    guint n = (guint) mmr_prng_range (prng_, 2, 4);

    for (guint i = 0; i < n; i++)
      replicas_.push_back (mmr_crdt_new (type, i));
    guint steps = (guint) mmr_prng_range (prng_, 0, 14);
    for (guint s = 0; s < steps; s++)
      step ();
  }

  ~World ()
  {
    for (MmrCrdt *c : replicas_)
      mmr_crdt_free (c);
    for (MmrCrdt *c : deltas_)
      mmr_crdt_free (c);
    mmr_prng_free (prng_);
  }

  /* An owned copy of a reachable state, delta or delta group. */
  MmrCrdt *
  operand ()
  {
    double r = mmr_prng_double (prng_);

    if (deltas_.empty () || r < 0.6)
      return mmr_crdt_copy (replicas_[random_index (replicas_.size ())]);
    MmrCrdt *d = mmr_crdt_copy (deltas_[random_index (deltas_.size ())]);
    if (r < 0.85)
      return d;
    guint more = (guint) mmr_prng_range (prng_, 1, 3);
    for (guint i = 0; i < more; i++)
      merge (d, deltas_[random_index (deltas_.size ())]);
    return d;
  }

private:
  size_t
  random_index (size_t n)
  {
    return (size_t) mmr_prng_range (prng_, 0, (gint64) n - 1);
  }

  void
  step ()
  {
    double r = mmr_prng_double (prng_);
    MmrCrdt *at = replicas_[random_index (replicas_.size ())];

    if (r < 0.55)
      {
        MmrCrdt *d = apply (at, random_op (prng_, type_));
        if (d != NULL)
          deltas_.push_back (d);
      }
    else if (r < 0.8)
      merge (at, replicas_[random_index (replicas_.size ())]);
    else if (!deltas_.empty ())
      merge (at, deltas_[random_index (deltas_.size ())]);
  }

  MmrCrdtType type_;
  MmrPrng *prng_;
  std::vector<MmrCrdt *> replicas_;
  std::vector<MmrCrdt *> deltas_;
};

/* The cases to run: all N_CASES, or one seed from MMR_CRDT_SEED. */
std::vector<guint64>
seeds (guint64 base)
{
  const char *one = g_getenv ("MMR_CRDT_SEED");
  std::vector<guint64> v;

  if (one != NULL)
    {
      v.push_back (g_ascii_strtoull (one, NULL, 10));
      return v;
    }
  for (guint64 i = 0; i < N_CASES; i++)
    v.push_back (base + i);
  return v;
}

class CrdtLaws : public ::testing::TestWithParam<MmrCrdtType> {
protected:
  guint64
  base (guint64 law)
  {
    return law * 1000000 + (guint64) GetParam () * 100000;
  }
};

TEST_P (CrdtLaws, MergeIsCommutative)
{
  for (guint64 seed : seeds (base (1)))
    {
      World w (GetParam (), seed);
      g_autoptr (MmrCrdt) a = w.operand ();
      g_autoptr (MmrCrdt) b = w.operand ();
      g_autoptr (MmrCrdt) ab = mmr_crdt_copy (a);
      g_autoptr (MmrCrdt) ba = mmr_crdt_copy (b);

      merge (ab, b);
      merge (ba, a);
      ASSERT_TRUE (same (ab, ba)) << "seed " << seed << "\n  a = " << str (a)
                                  << "\n  b = " << str (b);
      ASSERT_TRUE (round_trips (ab)) << "seed " << seed;
      ASSERT_TRUE (round_trips (a)) << "seed " << seed;
    }
}

TEST_P (CrdtLaws, MergeIsAssociative)
{
  for (guint64 seed : seeds (base (2)))
    {
      World w (GetParam (), seed);
      g_autoptr (MmrCrdt) a = w.operand ();
      g_autoptr (MmrCrdt) b = w.operand ();
      g_autoptr (MmrCrdt) c = w.operand ();
      g_autoptr (MmrCrdt) ab_c = mmr_crdt_copy (a);
      g_autoptr (MmrCrdt) bc = mmr_crdt_copy (b);
      g_autoptr (MmrCrdt) a_bc = mmr_crdt_copy (a);

      merge (ab_c, b);
      merge (ab_c, c);
      merge (bc, c);
      merge (a_bc, bc);
      ASSERT_TRUE (same (ab_c, a_bc))
        << "seed " << seed << "\n  a = " << str (a) << "\n  b = " << str (b)
        << "\n  c = " << str (c);
    }
}

TEST_P (CrdtLaws, MergeIsIdempotent)
{
  for (guint64 seed : seeds (base (3)))
    {
      World w (GetParam (), seed);
      g_autoptr (MmrCrdt) a = w.operand ();
      g_autoptr (MmrCrdt) b = w.operand ();
      g_autoptr (MmrCrdt) aa = mmr_crdt_copy (a);
      g_autoptr (MmrCrdt) ab = mmr_crdt_copy (a);
      g_autoptr (MmrCrdt) abb = NULL;

      merge (aa, a);
      ASSERT_TRUE (same (aa, a)) << "seed " << seed << "\n  a = " << str (a);
      merge (ab, b);
      abb = mmr_crdt_copy (ab);
      merge (abb, b);
      ASSERT_TRUE (same (abb, ab)) << "seed " << seed << "\n  a = " << str (a)
                                   << "\n  b = " << str (b);
      /* Merging the same state again through the codec changes nothing. */
      g_autoptr (GBytes) bytes = mmr_crdt_encode (b);
      g_autoptr (MmrCrdt) b2 = mmr_crdt_decode (bytes, 1, NULL);
      ASSERT_NE (b2, nullptr) << "seed " << seed;
      merge (abb, b2);
      ASSERT_TRUE (same (abb, ab)) << "seed " << seed;
    }
}

/* Convergence */

struct Message {
  guint to;
  GBytes *bytes;
};

/* What the replicas' values must be, for the types where it is simple to
 * say: counters are the sum of the operations, a G-Set the union. */
class Oracle {
public:
  void
  saw (const Op &o)
  {
    gint64 n = o.arg.empty () ? 1 : g_ascii_strtoll (o.arg.c_str (), NULL, 10);

    if (o.op == "incr")
      value_ += n;
    else if (o.op == "decr")
      value_ -= n;
    else if (o.op == "add")
      added_.insert (o.arg);
  }

  std::string
  expected (MmrCrdtType type) const
  {
    if (type == MMR_CRDT_GCOUNTER || type == MMR_CRDT_PNCOUNTER)
      return std::to_string (value_);
    std::string s;
    for (const std::string &e : added_)
      s += (s.empty () ? "" : "|") + e;
    return s;
  }

private:
  gint64 value_ = 0;
  std::set<std::string> added_;
};

void
deliver (std::vector<MmrCrdt *> &replicas, Message m)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrCrdt) delta = mmr_crdt_decode (m.bytes, m.to, &error);

  g_bytes_unref (m.bytes);
  ASSERT_NE (delta, nullptr) << error->message;
  ASSERT_TRUE (mmr_crdt_is_delta (delta));
  merge (replicas[m.to], delta);
}

/* Returns the seed's verdict; the caller reports the seed. */
::testing::AssertionResult
converges (MmrCrdtType type, guint64 seed)
{
  g_autoptr (MmrPrng) prng = mmr_prng_new (seed);
  std::vector<MmrCrdt *> replicas;
  std::vector<Message> in_flight;
  Oracle oracle;
  bool lost = false;
  guint n_ops = (guint) mmr_prng_range (prng, 1, 30);
  double loss = mmr_prng_chance (prng, 0.3) ? 0.0 : 0.25;

  for (guint i = 0; i < 3; i++)
    replicas.push_back (mmr_crdt_new (type, i));
  for (guint done = 0; done < n_ops || !in_flight.empty ();)
    {
      if (done < n_ops && (in_flight.empty () || mmr_prng_chance (prng, 0.5)))
        {
          guint at = (guint) mmr_prng_range (prng, 0, 2);
          Op o = random_op (prng, type);
          g_autoptr (MmrCrdt) delta = apply (replicas[at], o);
          g_autoptr (GBytes) bytes = NULL;

          done++;
          if (delta == NULL)
            break;
          oracle.saw (o);
          bytes = mmr_crdt_encode (delta);
          for (guint to = 0; to < 3; to++)
            {
              if (to == at)
                continue;
              if (mmr_prng_chance (prng, loss))
                {
                  lost = true;
                  continue;
                }
              in_flight.push_back ({ to, g_bytes_ref (bytes) });
              if (mmr_prng_chance (prng, 0.2))
                in_flight.push_back ({ to, g_bytes_ref (bytes) });
            }
          continue;
        }
      size_t k = (size_t) mmr_prng_range (prng, 0, (gint64) in_flight.size () - 1);
      Message m = in_flight[k];
      in_flight.erase (in_flight.begin () + (long) k);
      deliver (replicas, m);
    }

  ::testing::AssertionResult verdict = ::testing::AssertionSuccess ();
  if (!lost && (!mmr_crdt_equal (replicas[0], replicas[1])
                || !mmr_crdt_equal (replicas[0], replicas[2])))
    verdict = ::testing::AssertionFailure ()
              << "deltas delivered without loss did not converge:\n  "
              << str (replicas[0]) << "\n  " << str (replicas[1]) << "\n  "
              << str (replicas[2]);

  /* One round of anti-entropy through a hub: it pulls both others' full
   * states, then both pull the hub's. */
  guint hub = (guint) mmr_prng_range (prng, 0, 2);
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < 3; i++)
      {
        if (i == hub)
          continue;
        guint from = pass == 0 ? i : hub, to = pass == 0 ? hub : i;
        g_autoptr (GBytes) bytes = mmr_crdt_encode (replicas[from]);
        g_autoptr (MmrCrdt) full = mmr_crdt_decode (bytes, to, NULL);
        merge (replicas[to], full);
      }
  if (verdict)
    for (guint i = 1; i < 3 && verdict; i++)
      if (!same (replicas[0], replicas[i]))
        verdict = ::testing::AssertionFailure ()
                  << "anti-entropy did not converge:" << same (replicas[0],
                                                               replicas[i])
                                                           .message ();
  if (verdict && (type == MMR_CRDT_GCOUNTER || type == MMR_CRDT_PNCOUNTER
                  || type == MMR_CRDT_GSET)
      && read_str (replicas[0]) != oracle.expected (type))
    verdict = ::testing::AssertionFailure ()
              << "converged on " << read_str (replicas[0]) << ", expected "
              << oracle.expected (type);
  for (MmrCrdt *c : replicas)
    mmr_crdt_free (c);
  return verdict;
}

TEST_P (CrdtLaws, ReplicasConvergeUnderLossDuplicationAndReordering)
{
  for (guint64 seed : seeds (base (4)))
    ASSERT_TRUE (converges (GetParam (), seed)) << "seed " << seed;
}

INSTANTIATE_TEST_SUITE_P (
  AllTypes, CrdtLaws,
  ::testing::Values (MMR_CRDT_GCOUNTER, MMR_CRDT_PNCOUNTER, MMR_CRDT_GSET,
                     MMR_CRDT_TWO_P_SET, MMR_CRDT_ORSET,
                     MMR_CRDT_LWW_REGISTER, MMR_CRDT_MV_REGISTER,
                     MMR_CRDT_ORMAP),
  [] (const ::testing::TestParamInfo<MmrCrdtType> &info) {
    std::string name = mmr_crdt_type_to_string (info.param);
    return name == "2pset" ? std::string ("twopset") : name;
  });

} // namespace
