/* duration-test.cc - tests for src/core/duration.c
 *
 * Parsing: every unit, fractions, signs only when allowed, and rejection of
 * bare numbers, bare units, unknown units, malformed numbers and values too
 * large to be a virtual time.  Formatting: exact spellings, and
 * parse (format (x)) == x for fixed values and 10,000 seeded random ones.
 */
#include <glib.h>

extern "C" {
#include "core/duration.h"
#include "core/prng.h"
}

#include <gtest/gtest.h>

#include <string>

namespace {

const gint64 UNTOUCHED = 424242;
const gboolean BOTH[] = { FALSE, TRUE };

std::string
fmt (gint64 us)
{
  g_autofree char *s = mmr_duration_format (us);
  return s;
}

} /* namespace */

TEST (MmrDuration, ParsesEveryUnit)
{
  struct { const char *text; gint64 us; } rows[] = {
    { "250us", 250 },
    { "10ms", 10000 },
    { "2s", 2000000 },
    { "1.5s", 1500000 },
    { "1m", 60000000 },
    { "1min", 60000000 },
    { "1.25m", 75000000 },
    { "0s", 0 },
    { "0.001s", 1000 },
    { "0.000001s", 1 },
    { "2.5ms", 2500 },
    { "007s", 7000000 },
  };

  for (const auto &r : rows)
    for (gboolean allow_sign : BOTH)
      {
        gint64 us = UNTOUCHED;

        SCOPED_TRACE (r.text);
        EXPECT_TRUE (mmr_duration_parse (r.text, allow_sign, &us));
        EXPECT_EQ (us, r.us);
      }
}

TEST (MmrDuration, ParsesSignsOnlyWhenAllowed)
{
  struct { const char *text; gint64 us; } rows[] = {
    { "+5s", 5000000 },
    { "-200ms", -200000 },
    { "-1.5s", -1500000 },
    { "+0us", 0 },
    { "-0s", 0 },
  };

  for (const auto &r : rows)
    {
      gint64 us = UNTOUCHED;

      SCOPED_TRACE (r.text);
      EXPECT_FALSE (mmr_duration_parse (r.text, FALSE, &us));
      EXPECT_EQ (us, UNTOUCHED);
      EXPECT_TRUE (mmr_duration_parse (r.text, TRUE, &us));
      EXPECT_EQ (us, r.us);
    }
}

TEST (MmrDuration, RejectsWhatIsNotADuration)
{
  const char *bad[] = {
    "10",        /* no unit */
    "ms",        /* no number */
    "10xs",      /* unknown unit */
    "1.2.3s",    /* two points */
    "",
    "s",
    ".s",
    "+",
    "-ms",
    "+-5s",
    "--5s",
    " 5s",
    "5s ",
    "5 s",
    "5S",
    "5sec",
    "5mss",
    "1e3us",
    "0x10us",
    "5h",
  };

  for (const char *text : bad)
    for (gboolean allow_sign : BOTH)
      {
        gint64 us = UNTOUCHED;

        SCOPED_TRACE (::testing::Message () << "\"" << text << "\" allow_sign="
                      << allow_sign);
        EXPECT_FALSE (mmr_duration_parse (text, allow_sign, &us));
        EXPECT_EQ (us, UNTOUCHED);  /* left alone on failure */
      }
}

TEST (MmrDuration, RejectsOverflow)
{
  const char *bad[] = {
    "99999999999999999999us",
    "9223372036854775807us",
    "9223372036854775808us",
    "18446744073709551617us",
    "9223372036854775807s",
    "200000000000000000m",
    "10000000000000000ms",
    "-9999999999999999999s",
  };
  gint64 us = UNTOUCHED;

  for (const char *text : bad)
    {
      SCOPED_TRACE (text);
      EXPECT_FALSE (mmr_duration_parse (text, TRUE, &us));
      EXPECT_EQ (us, UNTOUCHED);
    }
  /* Far beyond any run, far below overflow: about 29,000 years. */
  EXPECT_TRUE (mmr_duration_parse ("922337203685477580us", FALSE, &us));
  EXPECT_EQ (us, 922337203685477580);
  EXPECT_TRUE (mmr_duration_parse ("-922337203685477580us", TRUE, &us));
  EXPECT_EQ (us, -922337203685477580);
  EXPECT_TRUE (mmr_duration_parse ("2305843009213s", FALSE, &us));
  EXPECT_EQ (us, 2305843009213000000);
}

TEST (MmrDuration, FormatsTheMostReadableExactSpelling)
{
  EXPECT_EQ (fmt (0), "0s");
  EXPECT_EQ (fmt (1), "1us");
  EXPECT_EQ (fmt (250), "250us");
  EXPECT_EQ (fmt (1500), "1.5ms");
  EXPECT_EQ (fmt (421224), "421.224ms");
  EXPECT_EQ (fmt (10000), "10ms");
  EXPECT_EQ (fmt (999000), "999ms");
  EXPECT_EQ (fmt (2000000), "2s");
  EXPECT_EQ (fmt (1500000), "1.5s");
  EXPECT_EQ (fmt (1234000), "1.234s");
  EXPECT_EQ (fmt (1000500), "1.0005s");
  EXPECT_EQ (fmt (60000000), "60s");
  EXPECT_EQ (fmt (-250000), "-250ms");
  EXPECT_EQ (fmt (-1500000), "-1.5s");
  EXPECT_EQ (fmt (-1), "-1us");
  EXPECT_EQ (fmt (G_MAXINT64), "9223372036854.775807s");
  EXPECT_EQ (fmt (G_MININT64), "-9223372036854.775808s");
}

TEST (MmrDuration, FormatRoundTrips)
{
  const gint64 fixed[] = { 0, 1, 1500, 2000000, 1500000, -250000, 250, 10000,
                           1000500, 60000000, -1, 922337203685477580,
                           -922337203685477580, 2305843009213000000 };

  for (gint64 x : fixed)
    {
      gint64 back = UNTOUCHED;

      SCOPED_TRACE (fmt (x));
      ASSERT_TRUE (mmr_duration_parse (fmt (x).c_str (), TRUE, &back));
      EXPECT_EQ (back, x);
    }
}

TEST (MmrDuration, FormatRoundTripsRandomValues)
{
  const gint64 grain[] = { 1, 10, 1000, 100000, 1000000, 60000000 };

  for (guint64 seed = 0; seed < 10000; seed++)
    {
      g_autoptr (MmrPrng) prng = mmr_prng_new (seed);
      gint64 g = grain[mmr_prng_range (prng, 0, G_N_ELEMENTS (grain) - 1)];
      gint64 x = g * mmr_prng_range (prng, -1000000000000000 / g,
                                     1000000000000000 / g);
      std::string text = fmt (x);
      gint64 back = UNTOUCHED;

      ASSERT_TRUE (mmr_duration_parse (text.c_str (), TRUE, &back))
        << "seed=" << seed << " x=" << x << " text=" << text;
      ASSERT_EQ (back, x) << "seed=" << seed << " text=" << text;
      if (x >= 0)
        {
          back = UNTOUCHED;
          ASSERT_TRUE (mmr_duration_parse (text.c_str (), FALSE, &back))
            << "seed=" << seed << " text=" << text;
          ASSERT_EQ (back, x) << "seed=" << seed;
        }
    }
}
