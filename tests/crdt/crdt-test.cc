/* crdt-test.cc - tests for src/crdt/crdt.c and codec.c: the interface
 *
 * Type names, operation and argument errors (exact messages), the delta
 * flag, empty deltas, exact encodings, and a decoder that neither reads
 * past its input nor accepts bytes the encoder would not produce: every
 * truncation of every sample state fails, and 10,000 seeded corruptions
 * either fail or decode to a state that encodes back to the same bytes.
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

#include <string>
#include <vector>

namespace {

MmrCrdt *
must_apply (MmrCrdt *crdt, const char *op, const char *arg)
{
  g_autoptr (GError) error = NULL;
  MmrCrdt *delta = mmr_crdt_apply (crdt, op, arg, &error);

  EXPECT_NE (delta, nullptr) << op << " " << (arg ? arg : "(null)") << ": "
                             << (error ? error->message : "");
  return delta;
}

void
run (MmrCrdt *crdt, const char *op, const char *arg)
{
  mmr_crdt_free (must_apply (crdt, op, arg));
}

std::string
apply_error (MmrCrdtType type, const char *op, const char *arg)
{
  g_autoptr (MmrCrdt) crdt = mmr_crdt_new (type, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrCrdt) delta = mmr_crdt_apply (crdt, op, arg, &error);

  EXPECT_EQ (delta, nullptr);
  if (error == NULL)
    return "(no error)";
  EXPECT_EQ (error->domain, MMR_CRDT_ERROR);
  return error->message;
}

std::string
hex (GBytes *bytes)
{
  gsize len;
  const guint8 *data = (const guint8 *) g_bytes_get_data (bytes, &len);
  std::string s;

  for (gsize i = 0; i < len; i++)
    {
      char buf[4];
      g_snprintf (buf, sizeof buf, "%s%02x", i > 0 ? " " : "", data[i]);
      s += buf;
    }
  return s;
}

std::string
hex_of (const MmrCrdt *crdt)
{
  g_autoptr (GBytes) bytes = mmr_crdt_encode (crdt);
  return hex (bytes);
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
    s += std::string (i > 0 ? "," : "")
         + (const char *) g_ptr_array_index (values, i);
  return s;
}

/* A few states of every type with some of everything in them: several
 * replicas, removals, a dot cloud, deltas and delta groups. Owned by the
 * caller. */
std::vector<MmrCrdt *>
sample_states ()
{
  struct Script {
    MmrCrdtType type;
    const char *a_ops[4][2];   /* at replica A */
    const char *b_ops[2][2];   /* at B: the first delta is "lost" */
  } scripts[] = {
    { MMR_CRDT_GCOUNTER, { { "incr", "3" }, { "incr", "200" } },
      { { "incr", "1" }, { "incr", "5" } } },
    { MMR_CRDT_PNCOUNTER, { { "incr", "3" }, { "decr", "2" } },
      { { "decr", "1" }, { "incr", "5" } } },
    { MMR_CRDT_GSET, { { "add", "x" }, { "add", "y" } },
      { { "add", "y" }, { "add", "z" } } },
    { MMR_CRDT_TWO_P_SET, { { "add", "x" }, { "rem", "x" }, { "add", "w" } },
      { { "add", "y" }, { "add", "z" } } },
    { MMR_CRDT_ORSET, { { "add", "x" }, { "rem", "x" }, { "add", "w" } },
      { { "add", "y" }, { "add", "z" } } },
    { MMR_CRDT_LWW_REGISTER, { { "set", "x" }, { "set", "" } },
      { { "set", "y" }, { "set", "z" } } },
    { MMR_CRDT_MV_REGISTER, { { "set", "x" }, { "set", "w" } },
      { { "set", "y" }, { "set", "z" } } },
    { MMR_CRDT_ORMAP, { { "incr", "likes=3" }, { "set", "who:mvreg=ann" },
                        { "rem", "likes" }, { "add", "tags:gset=a" } },
      { { "add", "tags=red" }, { "set", "name=bob" } } },
  };
  std::vector<MmrCrdt *> v;
  MmrCrdtStamp stamp = { -5, 7 };

  for (auto &sc : scripts)
    {
      MmrCrdt *a = mmr_crdt_new (sc.type, 0);
      MmrCrdt *b = mmr_crdt_new (sc.type, 1);
      MmrCrdt *lost = must_apply (b, sc.b_ops[0][0], sc.b_ops[0][1]);
      MmrCrdt *late = must_apply (b, sc.b_ops[1][0], sc.b_ops[1][1]);

      for (auto &op : sc.a_ops)
        if (op[0] != NULL)
          run (a, op[0], op[1]);
      if (sc.type == MMR_CRDT_ORMAP)
        mmr_crdt_free (mmr_crdt_apply_at (a, "set", "name=al", &stamp, NULL));
      mmr_crdt_merge (a, late, NULL);   /* a's context gets a gap */
      v.push_back (mmr_crdt_copy (a));
      v.push_back (mmr_crdt_copy (late));
      mmr_crdt_merge (late, lost, NULL);
      v.push_back (mmr_crdt_copy (late));  /* a delta group */
      mmr_crdt_merge (b, a, NULL);
      v.push_back (b);
      mmr_crdt_free (a);
      mmr_crdt_free (lost);
      mmr_crdt_free (late);
    }
  return v;
}

TEST (MmrCrdt, TypeNamesRoundTrip)
{
  const char *names[] = { "gcounter", "pncounter", "gset", "2pset",
                          "orset", "lwwreg", "mvreg", "ormap" };

  for (guint t = 0; t < MMR_CRDT_N_TYPES; t++)
    {
      MmrCrdtType back;

      EXPECT_STREQ (mmr_crdt_type_to_string ((MmrCrdtType) t), names[t]);
      ASSERT_TRUE (mmr_crdt_type_from_string (names[t], &back, NULL));
      EXPECT_EQ (back, (MmrCrdtType) t);
    }
}

TEST (MmrCrdt, UnknownTypeNameIsAnError)
{
  g_autoptr (GError) error = NULL;
  MmrCrdtType t;

  EXPECT_FALSE (mmr_crdt_type_from_string ("counter", &t, &error));
  EXPECT_TRUE (g_error_matches (error, MMR_CRDT_ERROR,
                                MMR_CRDT_ERROR_UNKNOWN_TYPE));
  EXPECT_STREQ (error->message,
                "unknown CRDT type 'counter'; expected gcounter, pncounter, "
                "gset, 2pset, orset, lwwreg, mvreg or ormap");
}

TEST (MmrCrdt, ListsEachTypesOperations)
{
  const char *const *ops = mmr_crdt_type_get_ops (MMR_CRDT_ORSET);

  ASSERT_EQ (g_strv_length ((char **) ops), 2u);
  EXPECT_STREQ (ops[0], "add");
  EXPECT_STREQ (ops[1], "rem");
  EXPECT_EQ (g_strv_length ((char **) mmr_crdt_type_get_ops (MMR_CRDT_ORMAP)),
             5u);
}

TEST (MmrCrdt, UnknownOperationNamesTheExpectedOnes)
{
  EXPECT_EQ (apply_error (MMR_CRDT_ORSET, "incr", "3"),
             "orset has no operation 'incr'; expected add or rem");
  EXPECT_EQ (apply_error (MMR_CRDT_GCOUNTER, "decr", "1"),
             "gcounter has no operation 'decr'; expected incr");
  EXPECT_EQ (apply_error (MMR_CRDT_PNCOUNTER, "add", "x"),
             "pncounter has no operation 'add'; expected incr or decr");
  EXPECT_EQ (apply_error (MMR_CRDT_GSET, "rem", "x"),
             "gset has no operation 'rem'; expected add");
  EXPECT_EQ (apply_error (MMR_CRDT_LWW_REGISTER, "add", "x"),
             "lwwreg has no operation 'add'; expected set");
  EXPECT_EQ (apply_error (MMR_CRDT_ORMAP, "put", "x=1"),
             "ormap has no operation 'put'; expected incr, decr, add, rem or "
             "set");
}

TEST (MmrCrdt, BadArgumentsAreErrors)
{
  EXPECT_EQ (apply_error (MMR_CRDT_GCOUNTER, "incr", "three"),
             "incr needs a whole number from 1 to 576460752303423487, got "
             "'three'");
  EXPECT_EQ (apply_error (MMR_CRDT_PNCOUNTER, "decr", "0"),
             "decr needs a whole number from 1 to 576460752303423487, got '0'");
  EXPECT_EQ (apply_error (MMR_CRDT_PNCOUNTER, "incr", "-2"),
             "incr needs a whole number from 1 to 576460752303423487, got "
             "'-2'");
  EXPECT_EQ (apply_error (MMR_CRDT_GCOUNTER, "incr", "576460752303423488"),
             "incr needs a whole number from 1 to 576460752303423487, got "
             "'576460752303423488'");
  EXPECT_EQ (apply_error (MMR_CRDT_ORSET, "add", ""), "add needs an element");
  EXPECT_EQ (apply_error (MMR_CRDT_TWO_P_SET, "rem", NULL),
             "rem needs an element");
  EXPECT_EQ (apply_error (MMR_CRDT_MV_REGISTER, "set", NULL),
             "set needs a value");
}

TEST (MmrCrdt, CounterStepDefaultsToOne)
{
  g_autoptr (MmrCrdt) c = mmr_crdt_new (MMR_CRDT_PNCOUNTER, 0);

  run (c, "incr", NULL);
  run (c, "incr", "");
  run (c, "incr", "1000");
  run (c, "decr", "1000");
  EXPECT_EQ (read_str (c), "2");
}

TEST (MmrCrdt, CountsStopBeforeOverflow)
{
  g_autoptr (MmrCrdt) c = mmr_crdt_new (MMR_CRDT_GCOUNTER, 1);
  g_autoptr (GError) error = NULL;

  run (c, "incr", "576460752303423487");
  EXPECT_EQ (mmr_crdt_apply (c, "incr", "1", &error), nullptr);
  EXPECT_TRUE (g_error_matches (error, MMR_CRDT_ERROR,
                                MMR_CRDT_ERROR_OVERFLOW));
  EXPECT_STREQ (error->message,
                "incr would take replica B's count past 576460752303423487");
  EXPECT_EQ (read_str (c), "576460752303423487");
}

TEST (MmrCrdt, FailedOperationChangesNothing)
{
  for (MmrCrdt *s : sample_states ())
    {
      std::string before = hex_of (s);
      g_autoptr (GError) error = NULL;

      EXPECT_EQ (mmr_crdt_apply (s, "nope", "1", &error), nullptr);
      EXPECT_EQ (hex_of (s), before);
      mmr_crdt_free (s);
    }
}

TEST (MmrCrdt, MergingDifferentTypesFails)
{
  g_autoptr (MmrCrdt) c = mmr_crdt_new (MMR_CRDT_GCOUNTER, 0);
  g_autoptr (MmrCrdt) s = mmr_crdt_new (MMR_CRDT_ORSET, 1);
  g_autoptr (GError) error = NULL;

  EXPECT_FALSE (mmr_crdt_merge (c, s, &error));
  EXPECT_TRUE (g_error_matches (error, MMR_CRDT_ERROR,
                                MMR_CRDT_ERROR_TYPE_MISMATCH));
  EXPECT_STREQ (error->message, "cannot merge orset into gcounter");
  EXPECT_FALSE (mmr_crdt_equal (c, s));
}

TEST (MmrCrdt, OperationsReturnDeltasAndFullStatesTurnThemFull)
{
  g_autoptr (MmrCrdt) s = mmr_crdt_new (MMR_CRDT_ORSET, 2);
  g_autoptr (MmrCrdt) d1 = must_apply (s, "add", "a");
  g_autoptr (MmrCrdt) d2 = must_apply (s, "add", "b");

  EXPECT_FALSE (mmr_crdt_is_delta (s));
  EXPECT_TRUE (mmr_crdt_is_delta (d1));
  EXPECT_EQ (mmr_crdt_get_replica (d1), 2u);
  EXPECT_EQ (mmr_crdt_type_of (d1), MMR_CRDT_ORSET);
  ASSERT_TRUE (mmr_crdt_merge (d1, d2, NULL));
  EXPECT_TRUE (mmr_crdt_is_delta (d1));     /* a delta group */
  ASSERT_TRUE (mmr_crdt_merge (d1, s, NULL));
  EXPECT_FALSE (mmr_crdt_is_delta (d1));
  EXPECT_TRUE (mmr_crdt_equal (d1, s));     /* owner and flag ignored */
  g_autoptr (MmrCrdt) copy = mmr_crdt_copy (d2);
  EXPECT_TRUE (mmr_crdt_is_delta (copy));
}

TEST (MmrCrdt, OperationsThatChangeNothingGiveEmptyDeltas)
{
  g_autoptr (MmrCrdt) orset = mmr_crdt_new (MMR_CRDT_ORSET, 0);
  g_autoptr (MmrCrdt) gset = mmr_crdt_new (MMR_CRDT_GSET, 0);
  g_autoptr (MmrCrdt) d1 = must_apply (orset, "rem", "ghost");
  g_autoptr (MmrCrdt) d2 = must_apply (gset, "add", "a");
  g_autoptr (MmrCrdt) d3 = must_apply (gset, "add", "a");

  EXPECT_TRUE (mmr_crdt_is_empty (d1));
  EXPECT_FALSE (mmr_crdt_is_empty (d2));
  EXPECT_TRUE (mmr_crdt_is_empty (d3));
}

TEST (MmrCrdt, EncodesExactly)
{
  g_autoptr (MmrCrdt) c = mmr_crdt_new (MMR_CRDT_GCOUNTER, 1);
  g_autoptr (MmrCrdt) d = must_apply (c, "incr", "300");

  /* version 1, type 0, flags; n=1, replica 1, 300 as a varint */
  EXPECT_EQ (hex_of (c), "01 00 00 01 01 ac 02");
  EXPECT_EQ (hex_of (d), "01 00 01 01 01 ac 02");

  g_autoptr (MmrCrdt) s = mmr_crdt_new (MMR_CRDT_ORSET, 0);
  run (s, "add", "hi");
  /* n=1, "hi" with 1 dot A1; vv {A:1}, empty cloud */
  EXPECT_EQ (hex_of (s), "01 04 00 01 02 68 69 01 00 01 01 00 01 00");

  g_autoptr (MmrCrdt) r = mmr_crdt_new (MMR_CRDT_LWW_REGISTER, 2);
  MmrCrdtStamp stamp = { -1, 2 };
  mmr_crdt_free (mmr_crdt_apply_at (r, "set", "v", &stamp, NULL));
  /* set, ts -1 zig-zag 1, logical 2, writer C, "v" */
  EXPECT_EQ (hex_of (r), "01 05 00 01 01 02 02 01 76");
}

TEST (MmrCrdt, EqualStatesEncodeEqually)
{
  g_autoptr (MmrCrdt) a = mmr_crdt_new (MMR_CRDT_ORSET, 0);
  g_autoptr (MmrCrdt) b = mmr_crdt_new (MMR_CRDT_ORSET, 1);
  const char *elems[] = { "kiwi", "apple", "fig", "banana", "cherry" };
  std::vector<MmrCrdt *> deltas;

  /* b learns the same adds in the opposite order, so its hash table
   * holds them in a different order. */
  for (int i = 0; i < 5; i++)
    deltas.push_back (must_apply (a, "add", elems[i]));
  for (int i = 4; i >= 0; i--)
    {
      mmr_crdt_merge (b, deltas[(size_t) i], NULL);
      mmr_crdt_free (deltas[(size_t) i]);
    }
  EXPECT_TRUE (mmr_crdt_equal (a, b));
  EXPECT_EQ (hex_of (a), hex_of (b));
}

TEST (MmrCrdt, DecodeRoundTripsEverySample)
{
  for (MmrCrdt *s : sample_states ())
    {
      g_autoptr (GBytes) bytes = mmr_crdt_encode (s);
      g_autoptr (GError) error = NULL;
      g_autoptr (MmrCrdt) back = mmr_crdt_decode (bytes, 3, &error);

      ASSERT_NE (back, nullptr) << str (s) << ": " << error->message;
      EXPECT_TRUE (mmr_crdt_equal (back, s)) << str (s) << " vs " << str (back);
      EXPECT_EQ (mmr_crdt_get_replica (back), 3u);
      EXPECT_EQ (mmr_crdt_is_delta (back), mmr_crdt_is_delta (s));
      EXPECT_EQ (read_str (back), read_str (s));
      EXPECT_EQ (hex_of (back), hex (bytes));
      mmr_crdt_free (s);
    }
}

TEST (MmrCrdt, DecodeRejectsEveryTruncation)
{
  for (MmrCrdt *s : sample_states ())
    {
      g_autoptr (GBytes) bytes = mmr_crdt_encode (s);
      gsize len;
      const guint8 *data = (const guint8 *) g_bytes_get_data (bytes, &len);

      for (gsize cut = 0; cut < len; cut++)
        {
          /* A copy of exactly @cut bytes, so a read past it is a real
           * overrun under a memory checker. */
          g_autoptr (GBytes) prefix = g_bytes_new (data, cut);
          g_autoptr (GError) error = NULL;
          g_autoptr (MmrCrdt) back = mmr_crdt_decode (prefix, 0, &error);

          ASSERT_EQ (back, nullptr) << str (s) << " cut at " << cut;
          EXPECT_TRUE (g_error_matches (error, MMR_CRDT_ERROR,
                                        MMR_CRDT_ERROR_DECODE))
            << error->message;
        }
      mmr_crdt_free (s);
    }
}

TEST (MmrCrdt, DecodeErrorsSayWhereAndWhy)
{
  struct { std::vector<guint8> bytes; const char *message; } cases[] = {
    { { 2, 0, 0, 0 }, "CRDT format version 2; this build reads version 1" },
    { { 1, 9, 0, 0 }, "malformed at byte 1: unknown CRDT type" },
    { { 1, 0, 2, 0 }, "malformed at byte 2: unknown flags" },
    { { 1, 0, 0 }, "truncated at byte 3" },
    { { 1, 0, 0, 0, 7 }, "malformed at byte 4: trailing bytes" },
    { { 1, 0, 0, 1, 0, 0x81, 0 }, "malformed at byte 6: overlong varint" },
    { { 1, 0, 0, 1, 0, 0 }, "malformed at byte 6: zero counter entry" },
    { { 1, 0, 0, 2, 1, 1, 0, 1 },
      "malformed at byte 6: counter replicas not ascending" },
    { { 1, 2, 0, 2, 1, 'b', 1, 'a' },
      "malformed at byte 8: elements not ascending" },
    { { 1, 4, 0, 1, 1, 'a', 0, 0, 0 },
      "malformed at byte 7: element without dots in a full state" },
    { { 1, 4, 0, 1, 1, 'a', 1, 0, 1, 0, 0 },
      "malformed at byte 11: a dot repeated or missing from the causal "
      "context" },
    { { 1, 4, 0, 0, 1, 0, 1, 1, 0, 2 },
      "malformed at byte 10: dot cloud not compact" },
    { { 1, 5, 0, 1, 0, 0, 16, 0 },
      "malformed at byte 6: replica index out of range" },
    { { 1, 3, 0, 1, 1, 'a', 3 }, "malformed at byte 6: unknown element state" },
    { { 1, 2, 0, 1, 2, 'a', 0 }, "malformed at byte 5: NUL byte in a string" },
  };

  for (auto &c : cases)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (c.bytes.data (), c.bytes.size ());
      g_autoptr (GError) error = NULL;
      g_autoptr (MmrCrdt) back = mmr_crdt_decode (bytes, 0, &error);

      ASSERT_EQ (back, nullptr) << c.message;
      EXPECT_STREQ (error->message, c.message);
    }
}

/* Random damage: every outcome is either an error or a state that the
 * encoder would have produced from exactly these bytes. */
TEST (MmrCrdt, DecodeSurvivesCorruption)
{
  std::vector<MmrCrdt *> samples = sample_states ();
  guint decoded = 0;

  for (guint64 seed = 0; seed < 10000; seed++)
    {
      g_autoptr (MmrPrng) prng = mmr_prng_new (seed);
      MmrCrdt *s = samples[(size_t) mmr_prng_range (prng, 0,
                                                   (gint64) samples.size () - 1)];
      g_autoptr (GBytes) bytes = mmr_crdt_encode (s);
      gsize len;
      const guint8 *data = (const guint8 *) g_bytes_get_data (bytes, &len);
      std::vector<guint8> v (data, data + len);
      guint edits = (guint) mmr_prng_range (prng, 1, 3);

      for (guint e = 0; e < edits; e++)
        {
          size_t at = (size_t) mmr_prng_range (prng, 3, (gint64) v.size () - 1);
          switch (mmr_prng_range (prng, 0, 3))
            {
            case 0: v[at] = (guint8) mmr_prng_u32 (prng); break;
            case 1: v[at] ^= (guint8) (1u << mmr_prng_range (prng, 0, 7)); break;
            case 2: v.insert (v.begin () + (long) at, (guint8) mmr_prng_u32 (prng)); break;
            default: if (v.size () > 4) v.erase (v.begin () + (long) at); break;
            }
        }
      g_autoptr (GBytes) damaged = g_bytes_new (v.data (), v.size ());
      g_autoptr (GError) error = NULL;
      g_autoptr (MmrCrdt) back = mmr_crdt_decode (damaged, 0, &error);

      if (back == NULL)
        {
          ASSERT_EQ (error->domain, MMR_CRDT_ERROR) << "seed " << seed;
          continue;
        }
      decoded++;
      ASSERT_EQ (hex_of (back), hex (damaged)) << "seed " << seed
                                               << ": not canonical";
      g_autoptr (MmrCrdt) merged = mmr_crdt_copy (s);
      mmr_crdt_merge (merged, back, NULL);   /* must not crash either */
    }
  EXPECT_GT (decoded, 0u);   /* some damage is a different valid state */
  for (MmrCrdt *s : samples)
    mmr_crdt_free (s);
}

TEST (MmrCrdt, DescribesStatesForTraces)
{
  g_autoptr (MmrCrdt) s = mmr_crdt_new (MMR_CRDT_ORSET, 0);
  g_autoptr (MmrCrdt) d = must_apply (s, "add", "red");

  EXPECT_EQ (str (s), "orset{red:[A1]} ctx{A:1}");
  EXPECT_EQ (str (d), "orset(delta){red:[A1]} ctx{A:1}");
}

} // namespace
