/* causal-context-test.cc - tests for src/crdt/causal-context.c
 *
 * The compact form (a version vector plus a cloud of dots beyond it) is a
 * normal form: adding and joining keep the cloud sorted and absorb every
 * dot that closes a gap, so equal sets of dots compare and encode equal.
 *
 * <glib.h> comes before the extern "C" block: GLib's headers carry C++
 * templates when compiled as C++.
 */
#include <glib.h>

extern "C" {
#include "core/prng.h"
#include "crdt/causal-context.h"
}

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

namespace {

MmrDot
dot (char replica, guint32 counter)
{
  MmrDot d = { (guint8) (replica - 'A'), counter };
  return d;
}

std::string
str (const MmrCausalContext *ctx)
{
  GString *s = g_string_new (NULL);
  g_autofree char *text = NULL;

  mmr_causal_context_describe (ctx, s);
  text = g_string_free (s, FALSE);
  return text;
}

struct Ctx {
  MmrCausalContext c;
  Ctx () { mmr_causal_context_init (&c); }
  ~Ctx () { mmr_causal_context_clear (&c); }
};

TEST (MmrCausalContext, OutOfOrderDotsWaitInTheCloud)
{
  Ctx x;

  mmr_causal_context_add (&x.c, dot ('A', 3));
  mmr_causal_context_add (&x.c, dot ('B', 1));
  mmr_causal_context_add (&x.c, dot ('A', 5));
  EXPECT_EQ (str (&x.c), "ctx{B:1}+[A3,A5]");
  EXPECT_TRUE (mmr_causal_context_contains (&x.c, dot ('A', 3)));
  EXPECT_FALSE (mmr_causal_context_contains (&x.c, dot ('A', 4)));
  mmr_causal_context_add (&x.c, dot ('A', 1));
  mmr_causal_context_add (&x.c, dot ('A', 2));   /* closes the first gap */
  EXPECT_EQ (str (&x.c), "ctx{A:3, B:1}+[A5]");
  mmr_causal_context_add (&x.c, dot ('A', 4));
  EXPECT_EQ (str (&x.c), "ctx{A:5, B:1}");
  EXPECT_EQ (mmr_causal_context_metadata_size (&x.c), 10u);
}

TEST (MmrCausalContext, NextDotIsPastEverythingSeen)
{
  Ctx x;
  MmrDot d;

  ASSERT_TRUE (mmr_causal_context_next_dot (&x.c, 2, 0, &d));
  EXPECT_EQ (d.replica, 2);
  EXPECT_EQ (d.counter, 1u);
  mmr_causal_context_add (&x.c, dot ('C', 7));
  ASSERT_TRUE (mmr_causal_context_next_dot (&x.c, 2, 0, &d));
  EXPECT_EQ (d.counter, 8u);
  x.c.vv.c[0] = G_MAXUINT32;
  EXPECT_FALSE (mmr_causal_context_next_dot (&x.c, 0, 0, &d));
}

/* Joining contexts is the union of their dots, in normal form: checked
 * against std::set on 10,000 seeded random pairs. */
TEST (MmrCausalContext, JoinIsUnionInNormalForm)
{
  for (guint64 seed = 0; seed < 10000; seed++)
    {
      g_autoptr (MmrPrng) prng = mmr_prng_new (seed);
      Ctx a, b, expect;
      std::set<std::pair<int, guint32>> all;

      for (Ctx *x : { &a, &b })
        for (gint64 n = mmr_prng_range (prng, 0, 12); n > 0; n--)
          {
            MmrDot d = { (guint8) mmr_prng_range (prng, 0, 2),
                         (guint32) mmr_prng_range (prng, 1, 8) };
            mmr_causal_context_add (&x->c, d);
            all.insert ({ d.replica, d.counter });
          }
      for (auto &p : all)
        mmr_causal_context_add (&expect.c, { (guint8) p.first, p.second });
      mmr_causal_context_join (&a.c, &b.c);
      ASSERT_TRUE (mmr_causal_context_equal (&a.c, &expect.c))
        << "seed " << seed << ": " << str (&a.c) << " vs " << str (&expect.c);
      for (guint8 r = 0; r < 3; r++)
        for (guint32 k = 1; k <= 9; k++)
          ASSERT_EQ (mmr_causal_context_contains (&a.c, { r, k }),
                     all.count ({ r, k }) == 1)
            << "seed " << seed;
    }
}

TEST (MmrCausalContext, EncodesAndDecodes)
{
  Ctx x, y;
  g_autoptr (GByteArray) out = g_byte_array_new ();
  MmrCodecReader r;

  mmr_causal_context_add (&x.c, dot ('A', 1));
  mmr_causal_context_add (&x.c, dot ('C', 4));
  mmr_causal_context_encode (&x.c, out);
  ASSERT_EQ (out->len, 6u);   /* n=1 A 1, n=1 C 4 */
  mmr_codec_reader_init (&r, out->data, out->len);
  ASSERT_TRUE (mmr_causal_context_decode (&y.c, &r, NULL));
  EXPECT_TRUE (mmr_causal_context_equal (&x.c, &y.c));
}

} // namespace
