/* parser-test.cc - tests for src/scenario/parser.c and src/sim/world-config.c
 *
 * Every line form of the scenario language parses into the exact command
 * fields; header settings are folded into the config; every error message
 * is checked whole, LINE:COL included; quoted values, comments and CRLF
 * files; and 5,000 seeded random mutations of a valid scenario either
 * parse or give a "FILE:LINE:COL: " message, never a crash.
 */
#include <glib.h>
#include <glib/gstdio.h>

extern "C" {
#include "scenario/script.h"
#include "sim/world.h"
}

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace {

using Script = std::unique_ptr<MmrScript, decltype (&mmr_script_free)>;

Script
parse_ok (const std::string &text)
{
  GError *error = nullptr;
  MmrScript *s = mmr_script_parse ("s.mmr", text.c_str (), &error);

  EXPECT_NE (s, nullptr) << (error != nullptr ? error->message : "");
  g_clear_error (&error);
  return Script (s, mmr_script_free);
}

// The error message, or "(parsed)" when the text was accepted.
std::string
parse_error (const std::string &text)
{
  GError *error = nullptr;
  MmrScript *s = mmr_script_parse ("s.mmr", text.c_str (), &error);
  std::string msg;

  if (s != nullptr)
    {
      mmr_script_free (s);
      return "(parsed)";
    }
  EXPECT_TRUE (g_error_matches (error, MMR_SCRIPT_ERROR,
                                MMR_SCRIPT_ERROR_SYNTAX));
  msg = error->message;
  g_error_free (error);
  return msg;
}

const MmrCommand *
cmd (const Script &s, guint i)
{
  EXPECT_LT (i, s->commands->len);
  return static_cast<const MmrCommand *> (g_ptr_array_index (s->commands, i));
}

std::vector<std::string>
values_of (const MmrCommand *c)
{
  std::vector<std::string> v;

  for (guint i = 0; c->values != nullptr && i < c->values->len; i++)
    v.push_back (static_cast<const char *> (g_ptr_array_index (c->values, i)));
  return v;
}

void
expect_groups (const MmrCommand *c, std::vector<int> groups)
{
  groups.resize (MMR_MAX_REPLICAS, -1);
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    EXPECT_EQ (c->group_of[i], groups[i]) << "replica " << i;
}

const char ALL_SETTINGS_AFTER_AN_ACTION[] =
  "replicas A B C\n"
  "run 1ms\n"
  "strategy siblings\n"
  "clock physical\n"
  "latency 5ms..50ms\n"
  "latency A->B 80ms\n"
  "loss 0.25\n"
  "loss C->A 0.5\n"
  "duplicate 0.05\n"
  "reorder on\n"
  "reorder B->C off\n"
  "antientropy 250ms\n"
  "antientropy off\n";

}  // namespace

TEST (MmrWorldConfig, DefaultsAreTheOnesTheLanguageDocPromises)
{
  MmrWorldConfig cfg;

  mmr_world_config_init (&cfg);
  EXPECT_EQ (cfg.n_replicas, 0u);
  for (guint i = 0; i < MMR_MAX_REPLICAS; i++)
    EXPECT_EQ (cfg.names[i], nullptr);
  EXPECT_EQ (cfg.seed, 1u);
  EXPECT_EQ (cfg.strategy, MMR_STRATEGY_LWW);
  EXPECT_EQ (cfg.clock, MMR_CLOCK_HLC);
  EXPECT_EQ (cfg.granularity, MMR_GRANULARITY_FIELD);
  EXPECT_EQ (cfg.link.latency_min_us, 10000);
  EXPECT_EQ (cfg.link.latency_max_us, 10000);
  EXPECT_EQ (cfg.link.loss, 0.0);
  EXPECT_EQ (cfg.link.duplicate, 0.0);
  EXPECT_FALSE (cfg.link.reorder);
  EXPECT_EQ (cfg.antientropy_interval_us, 100000);
  cfg.names[0] = g_strdup ("A");
  cfg.n_replicas = 1;
  mmr_world_config_clear (&cfg);
  EXPECT_EQ (cfg.names[0], nullptr);
  EXPECT_EQ (cfg.n_replicas, 0u);
  mmr_world_config_clear (&cfg);  // twice is harmless
}

TEST (MmrScriptParser, ReplicasLineAloneGivesTheDefaults)
{
  const char text[] = "replicas A B C\n";
  Script s = parse_ok (text);

  ASSERT_NE (s, nullptr);
  EXPECT_STREQ (s->filename, "s.mmr");
  EXPECT_STREQ (s->source, text);
  EXPECT_EQ (s->config.n_replicas, 3u);
  EXPECT_STREQ (s->config.names[0], "A");
  EXPECT_STREQ (s->config.names[1], "B");
  EXPECT_STREQ (s->config.names[2], "C");
  EXPECT_EQ (s->config.names[3], nullptr);
  EXPECT_FALSE (s->has_seed);
  EXPECT_EQ (s->config.seed, 1u);
  EXPECT_EQ (s->config.strategy, MMR_STRATEGY_LWW);
  EXPECT_EQ (s->config.clock, MMR_CLOCK_HLC);
  EXPECT_EQ (s->config.granularity, MMR_GRANULARITY_FIELD);
  EXPECT_EQ (s->config.link.latency_min_us, 10000);
  EXPECT_EQ (s->config.antientropy_interval_us, 100000);
  EXPECT_EQ (s->commands->len, 0u);
}

TEST (MmrScriptParser, ReplicaNamesMayUseDigitsUnderscoresAndDashes)
{
  Script s = parse_ok ("replicas eu-west_1 us-east-2 x\n"
                       "cut eu-west_1->us-east-2\n");

  ASSERT_NE (s, nullptr);
  EXPECT_STREQ (s->config.names[0], "eu-west_1");
  EXPECT_EQ (cmd (s, 0)->link_from, 0);
  EXPECT_EQ (cmd (s, 0)->link_to, 1);
}

TEST (MmrScriptParser, SixteenReplicasAreAllowed)
{
  std::string text = "replicas";

  for (int i = 1; i <= 16; i++)
    text += " R" + std::to_string (i);
  Script s = parse_ok (text);
  ASSERT_NE (s, nullptr);
  EXPECT_EQ (s->config.n_replicas, 16u);
  EXPECT_STREQ (s->config.names[15], "R16");
}

TEST (MmrScriptParser, HeaderSettingsAreFoldedIntoTheConfig)
{
  Script s = parse_ok ("replicas A B C\n"
                       "seed 42\n"
                       "strategy siblings\n"
                       "clock lamport\n"
                       "granularity record\n"
                       "latency 5ms..50ms\n"
                       "loss 0.1\n"
                       "duplicate 0.05\n"
                       "reorder on\n"
                       "antientropy off\n");

  ASSERT_NE (s, nullptr);
  EXPECT_TRUE (s->has_seed);
  EXPECT_EQ (s->config.seed, 42u);
  EXPECT_EQ (s->config.strategy, MMR_STRATEGY_SIBLINGS);
  EXPECT_EQ (s->config.clock, MMR_CLOCK_LAMPORT);
  EXPECT_EQ (s->config.granularity, MMR_GRANULARITY_RECORD);
  EXPECT_EQ (s->config.link.latency_min_us, 5000);
  EXPECT_EQ (s->config.link.latency_max_us, 50000);
  EXPECT_DOUBLE_EQ (s->config.link.loss, 0.1);
  EXPECT_DOUBLE_EQ (s->config.link.duplicate, 0.05);
  EXPECT_TRUE (s->config.link.reorder);
  EXPECT_EQ (s->config.antientropy_interval_us, 0);
  EXPECT_EQ (s->commands->len, 0u);
}

TEST (MmrScriptParser, HeaderFoldingKeepsTheLastValueAndFixedLatency)
{
  Script s = parse_ok ("replicas A B\n"
                       "strategy siblings\n"
                       "strategy lww\n"
                       "latency 20ms\n"
                       "antientropy 1.5s\n"
                       "seed 18446744073709551615\n");

  ASSERT_NE (s, nullptr);
  EXPECT_EQ (s->config.strategy, MMR_STRATEGY_LWW);
  EXPECT_EQ (s->config.link.latency_min_us, 20000);
  EXPECT_EQ (s->config.link.latency_max_us, 20000);
  EXPECT_EQ (s->config.antientropy_interval_us, 1500000);
  EXPECT_EQ (s->config.seed, G_MAXUINT64);
  EXPECT_EQ (s->commands->len, 0u);
}

TEST (MmrScriptParser, HeaderSettingsForOneLinkStayCommands)
{
  Script s = parse_ok ("replicas A B C\n"
                       "latency A->B 80ms\n"
                       "loss 0.2\n"
                       "loss B<->C 0.5\n"
                       "A put cart milk\n");

  ASSERT_NE (s, nullptr);
  EXPECT_DOUBLE_EQ (s->config.link.loss, 0.2);
  ASSERT_EQ (s->commands->len, 4u);
  EXPECT_EQ (cmd (s, 0)->kind, MMR_CMD_LATENCY);
  EXPECT_EQ (cmd (s, 0)->link_from, 0);
  EXPECT_EQ (cmd (s, 0)->link_to, 1);
  EXPECT_EQ (cmd (s, 0)->us, 80000);
  EXPECT_EQ (cmd (s, 0)->us_max, 80000);
  EXPECT_EQ (cmd (s, 0)->line, 2u);
  // A two-way link setting is two one-way commands from the same line.
  EXPECT_EQ (cmd (s, 1)->kind, MMR_CMD_LOSS);
  EXPECT_EQ (cmd (s, 1)->link_from, 1);
  EXPECT_EQ (cmd (s, 1)->link_to, 2);
  EXPECT_EQ (cmd (s, 2)->kind, MMR_CMD_LOSS);
  EXPECT_EQ (cmd (s, 2)->link_from, 2);
  EXPECT_EQ (cmd (s, 2)->link_to, 1);
  EXPECT_DOUBLE_EQ (cmd (s, 2)->prob, 0.5);
  EXPECT_EQ (cmd (s, 2)->line, 4u);
  EXPECT_STREQ (cmd (s, 2)->text, "loss B<->C 0.5");
  EXPECT_EQ (cmd (s, 3)->kind, MMR_CMD_PUT);
}

TEST (MmrScriptParser, SettingsAfterTheFirstActionAreCommands)
{
  Script s = parse_ok (ALL_SETTINGS_AFTER_AN_ACTION);

  ASSERT_NE (s, nullptr);
  EXPECT_EQ (s->config.strategy, MMR_STRATEGY_LWW);
  EXPECT_EQ (s->config.antientropy_interval_us, 100000);
  ASSERT_EQ (s->commands->len, 12u);
  for (guint i = 0; i < s->commands->len; i++)
    {
      EXPECT_EQ (cmd (s, i)->line, i + 2);
      EXPECT_EQ (cmd (s, i)->col, 1u);
      EXPECT_EQ (cmd (s, i)->replica, -1);
    }
  EXPECT_EQ (cmd (s, 0)->kind, MMR_CMD_RUN);
  EXPECT_EQ (cmd (s, 0)->us, 1000);
  EXPECT_EQ (cmd (s, 1)->kind, MMR_CMD_STRATEGY);
  EXPECT_EQ (cmd (s, 1)->strategy, MMR_STRATEGY_SIBLINGS);
  EXPECT_EQ (cmd (s, 2)->kind, MMR_CMD_CLOCK);
  EXPECT_EQ (cmd (s, 2)->clock, MMR_CLOCK_PHYSICAL);
  EXPECT_EQ (cmd (s, 3)->kind, MMR_CMD_LATENCY);
  EXPECT_EQ (cmd (s, 3)->link_from, -1);
  EXPECT_EQ (cmd (s, 3)->link_to, -1);
  EXPECT_EQ (cmd (s, 3)->us, 5000);
  EXPECT_EQ (cmd (s, 3)->us_max, 50000);
  EXPECT_EQ (cmd (s, 4)->kind, MMR_CMD_LATENCY);
  EXPECT_EQ (cmd (s, 4)->link_from, 0);
  EXPECT_EQ (cmd (s, 4)->link_to, 1);
  EXPECT_EQ (cmd (s, 4)->us, 80000);
  EXPECT_EQ (cmd (s, 4)->us_max, 80000);
  EXPECT_EQ (cmd (s, 5)->kind, MMR_CMD_LOSS);
  EXPECT_EQ (cmd (s, 5)->link_from, -1);
  EXPECT_DOUBLE_EQ (cmd (s, 5)->prob, 0.25);
  EXPECT_EQ (cmd (s, 6)->kind, MMR_CMD_LOSS);
  EXPECT_EQ (cmd (s, 6)->link_from, 2);
  EXPECT_EQ (cmd (s, 6)->link_to, 0);
  EXPECT_DOUBLE_EQ (cmd (s, 6)->prob, 0.5);
  EXPECT_EQ (cmd (s, 7)->kind, MMR_CMD_DUPLICATE);
  EXPECT_EQ (cmd (s, 7)->link_from, -1);
  EXPECT_DOUBLE_EQ (cmd (s, 7)->prob, 0.05);
  EXPECT_EQ (cmd (s, 8)->kind, MMR_CMD_REORDER);
  EXPECT_TRUE (cmd (s, 8)->flag);
  EXPECT_EQ (cmd (s, 8)->link_from, -1);
  EXPECT_EQ (cmd (s, 9)->kind, MMR_CMD_REORDER);
  EXPECT_FALSE (cmd (s, 9)->flag);
  EXPECT_EQ (cmd (s, 9)->link_from, 1);
  EXPECT_EQ (cmd (s, 9)->link_to, 2);
  EXPECT_EQ (cmd (s, 10)->kind, MMR_CMD_ANTIENTROPY);
  EXPECT_EQ (cmd (s, 10)->us, 250000);
  EXPECT_EQ (cmd (s, 11)->kind, MMR_CMD_ANTIENTROPY);
  EXPECT_EQ (cmd (s, 11)->us, 0);
}

TEST (MmrScriptParser, SettingsValidMidRunStayCommandsAfterADeclaration)
{
  Script s = parse_ok ("replicas A B\n"
                       "durability async\n"
                       "type likes pncounter\n"
                       "client alice at A\n"
                       "durability sync\n"
                       "strategy siblings\n"
                       "clock physical\n"
                       "clock hlc\n"
                       "causality dvv\n"
                       "antientropy merkle\n"
                       "antientropy 50ms\n");

  ASSERT_NE (s, nullptr);
  EXPECT_EQ (s->config.durability, MMR_DURABILITY_ASYNC);
  ASSERT_EQ (s->commands->len, 9u);
  EXPECT_EQ (cmd (s, 2)->kind, MMR_CMD_DURABILITY);
  EXPECT_EQ (cmd (s, 2)->count, (gint64) MMR_DURABILITY_SYNC);
  EXPECT_EQ (cmd (s, 2)->line, 5u);
  EXPECT_EQ (cmd (s, 4)->kind, MMR_CMD_CLOCK);
  EXPECT_EQ (cmd (s, 5)->clock, MMR_CLOCK_HLC);
  EXPECT_EQ (cmd (s, 6)->kind, MMR_CMD_CAUSALITY);
  EXPECT_EQ (cmd (s, 7)->kind, MMR_CMD_AE_MODE);
  EXPECT_EQ (cmd (s, 8)->kind, MMR_CMD_ANTIENTROPY);
}

TEST (MmrScriptParser, LamportMayBeRepeatedMidRunWhenTheHeaderChoseIt)
{
  Script s = parse_ok ("replicas A B\nclock lamport\nrun 1s\n"
                       "clock lamport\n");

  ASSERT_NE (s, nullptr);
  EXPECT_EQ (s->config.clock, MMR_CLOCK_LAMPORT);
  ASSERT_EQ (s->commands->len, 2u);
  EXPECT_EQ (cmd (s, 1)->clock, MMR_CLOCK_LAMPORT);
}

TEST (MmrScriptParser, AByteOrderMarkMayBeginTheFile)
{
  Script s = parse_ok ("\xEF\xBB\xBFreplicas A B\nA put k v\n");

  ASSERT_NE (s, nullptr);
  EXPECT_EQ (s->config.n_replicas, 2u);
  ASSERT_EQ (s->commands->len, 1u);
  EXPECT_EQ (cmd (s, 0)->line, 2u);
  EXPECT_EQ (cmd (s, 0)->col, 1u);
  EXPECT_STREQ (s->source, "replicas A B\nA put k v\n");
}

TEST (MmrScriptParser, PutAndDelSplitKeyAndField)
{
  Script s = parse_ok ("replicas A B C\n"
                       "A put cart milk\n"
                       "B put user.name Ann\n"
                       "C del cart\n"
                       "A del user.name\n"
                       "B put a:b/c-d_0 x.y\n");

  ASSERT_NE (s, nullptr);
  ASSERT_EQ (s->commands->len, 5u);
  const MmrCommand *put = cmd (s, 0);
  EXPECT_EQ (put->kind, MMR_CMD_PUT);
  EXPECT_EQ (put->line, 2u);
  EXPECT_EQ (put->col, 1u);
  EXPECT_EQ (put->replica, 0);
  EXPECT_EQ (put->link_from, -1);
  EXPECT_EQ (put->link_to, -1);
  EXPECT_STREQ (put->key, "cart");
  EXPECT_STREQ (put->field, "");
  EXPECT_STREQ (put->value, "milk");
  EXPECT_EQ (put->values, nullptr);
  EXPECT_STREQ (put->text, "A put cart milk");
  expect_groups (put, {});
  EXPECT_EQ (cmd (s, 1)->replica, 1);
  EXPECT_STREQ (cmd (s, 1)->key, "user");
  EXPECT_STREQ (cmd (s, 1)->field, "name");
  EXPECT_STREQ (cmd (s, 1)->value, "Ann");
  EXPECT_EQ (cmd (s, 2)->kind, MMR_CMD_DEL);
  EXPECT_EQ (cmd (s, 2)->replica, 2);
  EXPECT_STREQ (cmd (s, 2)->key, "cart");
  EXPECT_STREQ (cmd (s, 2)->field, "");
  EXPECT_EQ (cmd (s, 2)->value, nullptr);
  EXPECT_EQ (cmd (s, 3)->kind, MMR_CMD_DEL);
  EXPECT_STREQ (cmd (s, 3)->key, "user");
  EXPECT_STREQ (cmd (s, 3)->field, "name");
  EXPECT_STREQ (cmd (s, 4)->key, "a:b/c-d_0");
  EXPECT_STREQ (cmd (s, 4)->value, "x.y");
}

TEST (MmrScriptParser, PartitionGivesEachNamedReplicaItsGroup)
{
  Script s = parse_ok ("replicas A B C D\n"
                       "partition A B | C\n"
                       "partition A|C|D B\n");

  ASSERT_NE (s, nullptr);
  ASSERT_EQ (s->commands->len, 2u);
  EXPECT_EQ (cmd (s, 0)->kind, MMR_CMD_PARTITION);
  EXPECT_EQ (cmd (s, 0)->replica, -1);
  expect_groups (cmd (s, 0), { 0, 0, 1, -1 });
  expect_groups (cmd (s, 1), { 0, 2, 1, 2 });
}

TEST (MmrScriptParser, CutAndHealNameOneDirectionOrBoth)
{
  Script s = parse_ok ("replicas A B C\n"
                       "cut A->B\n"
                       "cut B<->C\n"
                       "heal\n"
                       "heal A->B\n"
                       "heal A<->C\n");

  ASSERT_NE (s, nullptr);
  ASSERT_EQ (s->commands->len, 5u);
  struct { MmrCommandKind kind; int from, to; gboolean both; } want[] = {
    { MMR_CMD_CUT, 0, 1, FALSE },
    { MMR_CMD_CUT, 1, 2, TRUE },
    { MMR_CMD_HEAL, -1, -1, TRUE },
    { MMR_CMD_HEAL, 0, 1, FALSE },
    { MMR_CMD_HEAL, 0, 2, TRUE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      SCOPED_TRACE (cmd (s, i)->text);
      EXPECT_EQ (cmd (s, i)->kind, want[i].kind);
      EXPECT_EQ (cmd (s, i)->link_from, want[i].from);
      EXPECT_EQ (cmd (s, i)->link_to, want[i].to);
      EXPECT_EQ (cmd (s, i)->flag, want[i].both);
      EXPECT_EQ (cmd (s, i)->replica, -1);
    }
}

TEST (MmrScriptParser, ClockFaultsAndTime)
{
  Script s = parse_ok ("replicas A B C\n"
                       "skew B +5s\n"
                       "skew C -200ms\n"
                       "skew A 1s\n"
                       "drift B 200ppm\n"
                       "drift C -50ppm\n"
                       "drift A +1000000ppm\n"
                       "run 100ms\n"
                       "settle\n"
                       "settle 10s\n");

  ASSERT_NE (s, nullptr);
  ASSERT_EQ (s->commands->len, 9u);
  EXPECT_EQ (cmd (s, 0)->kind, MMR_CMD_SKEW);
  EXPECT_EQ (cmd (s, 0)->replica, 1);
  EXPECT_EQ (cmd (s, 0)->us, 5000000);
  EXPECT_EQ (cmd (s, 1)->us, -200000);
  EXPECT_EQ (cmd (s, 2)->replica, 0);
  EXPECT_EQ (cmd (s, 2)->us, 1000000);
  EXPECT_EQ (cmd (s, 3)->kind, MMR_CMD_DRIFT);
  EXPECT_EQ (cmd (s, 3)->replica, 1);
  EXPECT_EQ (cmd (s, 3)->count, 200);
  EXPECT_EQ (cmd (s, 4)->count, -50);
  EXPECT_EQ (cmd (s, 5)->count, 1000000);
  EXPECT_EQ (cmd (s, 6)->kind, MMR_CMD_RUN);
  EXPECT_EQ (cmd (s, 6)->us, 100000);
  EXPECT_EQ (cmd (s, 7)->kind, MMR_CMD_SETTLE);
  EXPECT_EQ (cmd (s, 7)->us, 0);
  EXPECT_EQ (cmd (s, 8)->us, 10000000);
}

TEST (MmrScriptParser, EveryExpectForm)
{
  Script s = parse_ok ("replicas A B C\n"
                       "expect converged\n"
                       "expect diverged\n"
                       "expect A cart = milk\n"
                       "expect B cart = {milk, eggs,milk}\n"
                       "expect C user.name absent\n"
                       "expect lost 1\n"
                       "expect conflicts 2\n"
                       "expect A cart ={ eggs , milk }\n");

  ASSERT_NE (s, nullptr);
  ASSERT_EQ (s->commands->len, 8u);
  EXPECT_EQ (cmd (s, 0)->kind, MMR_CMD_EXPECT_CONVERGED);
  EXPECT_TRUE (cmd (s, 0)->flag);
  EXPECT_EQ (cmd (s, 0)->replica, -1);
  EXPECT_EQ (cmd (s, 1)->kind, MMR_CMD_EXPECT_CONVERGED);
  EXPECT_FALSE (cmd (s, 1)->flag);
  EXPECT_EQ (cmd (s, 2)->kind, MMR_CMD_EXPECT_VALUE);
  EXPECT_EQ (cmd (s, 2)->replica, 0);
  EXPECT_STREQ (cmd (s, 2)->key, "cart");
  EXPECT_STREQ (cmd (s, 2)->field, "");
  EXPECT_EQ (values_of (cmd (s, 2)), std::vector<std::string> ({ "milk" }));
  EXPECT_EQ (cmd (s, 3)->replica, 1);
  EXPECT_EQ (values_of (cmd (s, 3)),
             std::vector<std::string> ({ "eggs", "milk" }));
  EXPECT_EQ (cmd (s, 4)->kind, MMR_CMD_EXPECT_ABSENT);
  EXPECT_EQ (cmd (s, 4)->replica, 2);
  EXPECT_STREQ (cmd (s, 4)->key, "user");
  EXPECT_STREQ (cmd (s, 4)->field, "name");
  EXPECT_EQ (cmd (s, 4)->values, nullptr);
  EXPECT_EQ (cmd (s, 5)->kind, MMR_CMD_EXPECT_LOST);
  EXPECT_EQ (cmd (s, 5)->count, 1);
  EXPECT_EQ (cmd (s, 6)->kind, MMR_CMD_EXPECT_CONFLICTS);
  EXPECT_EQ (cmd (s, 6)->count, 2);
  EXPECT_EQ (values_of (cmd (s, 7)),
             std::vector<std::string> ({ "eggs", "milk" }));
}

TEST (MmrScriptParser, EqualsSignMayTouchTheValue)
{
  Script s = parse_ok ("replicas A B\n"
                       "expect A cart =milk\n"
                       "expect A cart ={b,a}\n"
                       "expect A cart = a,b\n");

  ASSERT_NE (s, nullptr);
  ASSERT_EQ (s->commands->len, 3u);
  EXPECT_EQ (values_of (cmd (s, 0)), std::vector<std::string> ({ "milk" }));
  EXPECT_EQ (values_of (cmd (s, 1)),
             std::vector<std::string> ({ "a", "b" }));
  // Without braces a comma is part of the one value.
  EXPECT_EQ (values_of (cmd (s, 2)), std::vector<std::string> ({ "a,b" }));
}

TEST (MmrScriptParser, QuotedValuesKeepSpacesAndEscapes)
{
  Script s = parse_ok ("replicas A B\n"
                       "A put city \"New York\"\n"
                       "A put q \"say \\\"hi\\\" \\\\ ok\"\n"
                       "A put empty \"\"\n"
                       "A put tag \"a # b\"  # a real comment\n"
                       "A put word a#b\n"
                       "A put name \"Zoë\"\n"
                       "expect A city = {\"New York\", Boston,\"a,b\"}\n"
                       "expect A city = \"New York\"\n");

  ASSERT_NE (s, nullptr);
  ASSERT_EQ (s->commands->len, 8u);
  EXPECT_STREQ (cmd (s, 0)->value, "New York");
  EXPECT_STREQ (cmd (s, 1)->value, "say \"hi\" \\ ok");
  EXPECT_STREQ (cmd (s, 2)->value, "");
  EXPECT_STREQ (cmd (s, 3)->value, "a # b");
  EXPECT_STREQ (cmd (s, 3)->text, "A put tag \"a # b\"");
  EXPECT_STREQ (cmd (s, 4)->value, "a#b");
  EXPECT_STREQ (cmd (s, 5)->value, "Zoë");
  EXPECT_EQ (values_of (cmd (s, 6)),
             std::vector<std::string> ({ "Boston", "New York", "a,b" }));
  EXPECT_EQ (values_of (cmd (s, 7)),
             std::vector<std::string> ({ "New York" }));
}

TEST (MmrScriptParser, CommentsAndBlankLinesAreIgnored)
{
  // '#' starts a comment only at the start of a line or after a blank, so
  // "7#x" is one token.
  EXPECT_EQ (parse_error ("replicas A B\nseed 7#x\n"),
             "s.mmr:2:6: expected a seed, a whole number from 0 to "
             "18446744073709551615, got '7#x'");

  Script t = parse_ok ("# a scenario\n"
                       "\n"
                       "   # indented comment\n"
                       "replicas A B   # the replicas\n"
                       "\t\n"
                       "seed 7 # lucky\n"
                       "  A   put\tcart  milk   # tabs and spaces\n"
                       "#\n");
  ASSERT_NE (t, nullptr);
  EXPECT_EQ (t->config.seed, 7u);
  ASSERT_EQ (t->commands->len, 1u);
  EXPECT_EQ (cmd (t, 0)->line, 7u);
  EXPECT_EQ (cmd (t, 0)->col, 3u);
  EXPECT_STREQ (cmd (t, 0)->text, "A   put\tcart  milk");
  EXPECT_STREQ (cmd (t, 0)->value, "milk");
}

TEST (MmrScriptParser, CrlfLineEndingsAreAccepted)
{
  const char text[] = "replicas A B\r\n"
                      "# comment\r\n"
                      "A put x \"y z\"\r\n"
                      "expect A x = {\"y z\"}\r\n"
                      "settle\r\n";
  Script s = parse_ok (text);

  ASSERT_NE (s, nullptr);
  ASSERT_EQ (s->commands->len, 3u);
  EXPECT_STREQ (cmd (s, 0)->value, "y z");
  EXPECT_STREQ (cmd (s, 0)->text, "A put x \"y z\"");
  EXPECT_EQ (values_of (cmd (s, 1)), std::vector<std::string> ({ "y z" }));
  EXPECT_EQ (cmd (s, 2)->kind, MMR_CMD_SETTLE);
  EXPECT_EQ (cmd (s, 2)->line, 5u);
  EXPECT_STREQ (s->source, text);
  EXPECT_EQ (parse_error ("replicas A B\r\nrun 1xs\r\n"),
             "s.mmr:2:5: expected a duration like 250us, 10ms or 2s, "
             "got '1xs'");
}

TEST (MmrScriptParser, KindNamesAreDistinct)
{
  for (int i = 0; i < MMR_CMD_N_KINDS; i++)
    {
      const char *a = mmr_command_kind_to_string ((MmrCommandKind) i);

      ASSERT_NE (a, nullptr) << i;
      for (int j = 0; j < i; j++)
        EXPECT_STRNE (a, mmr_command_kind_to_string ((MmrCommandKind) j));
    }
  EXPECT_STREQ (mmr_command_kind_to_string (MMR_CMD_PUT), "put");
  EXPECT_STREQ (mmr_command_kind_to_string (MMR_CMD_EXPECT_VALUE),
                "expect-value");
}

// The messages named in the language's design, then the rest, each with
// its exact LINE:COL.
TEST (MmrScriptParser, ErrorMessagesAreExact)
{
  const std::pair<std::string, std::string> cases[] = {
    { "replicas A B C\n# comment\npt x\n",
      "s.mmr:3:1: unknown command 'pt'; expected a replica name or one of: "
      "antientropy, causality, client, clock, crash, cut, deliver, delivery, "
      "drift, drop, duplicate, "
      "durability, expect, granularity, heal, "
      "latency, loss, partition, reorder, replicas, restart, run, seed, settle, skew, "
      "strategy, type" },
    { "replicas A B C\n\n\n\nA pt cart milk\n",
      "s.mmr:5:3: unknown action 'pt' for replica A; expected put, del, or an operation on a CRDT key (incr, decr, add, rem, set)" },
    { "replicas A B C\nseed 1\nrun 1ms\nD put cart milk\n",
      "s.mmr:4:1: unknown replica 'D'; this scenario has replicas A, B, C" },
    { "replicas A B C\nsettle   10xs\n",
      "s.mmr:2:10: expected a duration like 250us, 10ms or 2s, got '10xs'" },
    { "seed 42\nreplicas A B\n",
      "s.mmr:1:1: the first line must declare the replicas, "
      "e.g. 'replicas A B C'" },
    { "replicas A B C\n\n\n\n\nduplicate A<->B 1.5\n",
      "s.mmr:6:17: expected a probability between 0 and 1, got '1.5'" },
    { "replicas A B C\n\n\n\n\n\nsettle 10s extra\n",
      "s.mmr:7:12: unexpected 'extra' after the end of the command" },
    { "replicas A B C\n\n\n\n\n\n\nA put\n",
      "s.mmr:8:7: 'put' needs a key and a value, e.g. 'A put cart milk'" },
    { "replicas A B C\nsetle\n",
      "s.mmr:2:1: unknown command 'setle'; did you mean 'settle'?" },
    // replicas line
    { "", "s.mmr:1:1: the first line must declare the replicas, "
          "e.g. 'replicas A B C'" },
    { "# only a comment\n\n",
      "s.mmr:1:1: the first line must declare the replicas, "
      "e.g. 'replicas A B C'" },
    { "replica A B\n",
      "s.mmr:1:1: unknown command 'replica'; did you mean 'replicas'?" },
    { "replicas A\n",
      "s.mmr:1:12: 'replicas' needs 2 to 16 names, e.g. 'replicas A B C'" },
    { "replicas A B A\n", "s.mmr:1:14: replica 'A' is declared twice" },
    { "replicas A 1B\n",
      "s.mmr:1:12: invalid replica name '1B'; a name is a letter followed by "
      "letters, digits, _ or -" },
    { "replicas A run\n",
      "s.mmr:1:12: 'run' is a word of the scenario language and cannot name "
      "a replica" },
    { "replicas A lost\n",
      "s.mmr:1:12: 'lost' is a word of the scenario language and cannot name "
      "a replica" },
    { "replicas A B\nreplicas C D\n",
      "s.mmr:2:1: the replicas are already declared on line 1" },
    // header-only settings
    { "replicas A B\nseed 1\nseed 2\n",
      "s.mmr:3:1: the seed is already set on line 2" },
    { "replicas A B\nrun 1ms\nseed 2\n",
      "s.mmr:3:1: 'seed' must come before the first action (line 2)" },
    { "replicas A B\nA put x y\ngranularity record\n",
      "s.mmr:3:1: 'granularity' must come before the first action (line 2)" },
    // every header-only setting after the first action, whatever the
    // action: a declaration (type, client) ends the header too
    { "replicas A B\ntype likes pncounter\nseed 3\n",
      "s.mmr:3:1: 'seed' must come before the first action (line 2)" },
    { "replicas A B\nclient alice at A\ngranularity record\n",
      "s.mmr:3:1: 'granularity' must come before the first action (line 2)" },
    { "replicas A B\ncrash A\nreplicas C D\n",
      "s.mmr:3:1: the replicas are already declared on line 1" },
    { "replicas A B\ntype likes pncounter\ndurability sync\n",
      "s.mmr:3:1: 'durability sync' must come before the first action "
      "(line 2) unless the header chooses sync or async: the databases are "
      "opened when the run starts" },
    { "replicas A B\nclient alice at A\n  durability async\n",
      "s.mmr:3:3: 'durability async' must come before the first action "
      "(line 2) unless the header chooses sync or async: the databases are "
      "opened when the run starts" },
    { "replicas A B\ndurability none\nrestart A\ndurability sync\n",
      "s.mmr:4:1: 'durability sync' must come before the first action "
      "(line 3) unless the header chooses sync or async: the databases are "
      "opened when the run starts" },
    { "replicas A B\ndurability sync\nA put k v\ndurability none\n",
      "s.mmr:4:1: 'durability none' must come before the first action "
      "(line 3): the databases are opened when the run starts" },
    { "replicas A B\ntype n gcounter\nclock lamport\n",
      "s.mmr:3:1: 'clock lamport' must come before the first action "
      "(line 2): Lamport stamps are counters and do not compare with the "
      "stamps in microseconds already written" },
    { "replicas A B\nclock lamport\nrun 1s\nclock hlc\n",
      "s.mmr:4:1: 'clock hlc' must come before the first action (line 3): "
      "its stamps are microseconds and do not compare with the Lamport "
      "stamps already written" },
    { "replicas A B\nA put k v\nclock hlc\nclock lamport\n",
      "s.mmr:4:1: 'clock lamport' must come before the first action "
      "(line 2): Lamport stamps are counters and do not compare with the "
      "stamps in microseconds already written" },
    // a byte order mark only at the very start
    { "\xEF\xBB\xBFreplicas A A\n",
      "s.mmr:1:12: replica 'A' is declared twice" },
    { "replicas A B\n\xEF\xBB\xBF" "A put k v\n",
      "s.mmr:2:1: a byte order mark (U+FEFF) may only begin the file" },
    { "replicas A B\nA put k \xEF\xBB\xBFv\n",
      "s.mmr:2:9: a byte order mark (U+FEFF) may only begin the file" },
    { "\xEF\xBB\xBF\xEF\xBB\xBFreplicas A B\n",
      "s.mmr:1:1: a byte order mark (U+FEFF) may only begin the file" },
    { "replicas A B\ngranularity row\n",
      "s.mmr:2:13: expected record or field, got 'row'" },
    { "replicas A B\nseed -1\n",
      "s.mmr:2:6: expected a seed, a whole number from 0 to "
      "18446744073709551615, got '-1'" },
    { "replicas A B\nseed 18446744073709551616\n",
      "s.mmr:2:6: expected a seed, a whole number from 0 to "
      "18446744073709551615, got '18446744073709551616'" },
    { "replicas A B\nseed\n", "s.mmr:2:6: 'seed' needs a number, e.g. 'seed 42'" },
    // settings
    { "replicas A B\nstrategy sibling\n",
      "s.mmr:2:10: expected lww, siblings or merge, got 'sibling'; did you mean "
      "'siblings'?" },
    { "replicas A B\nclock atomic\n",
      "s.mmr:2:7: expected physical, lamport or hlc, got 'atomic'" },
    { "replicas A B\nlatency 50ms..5ms\n",
      "s.mmr:2:9: a latency range goes from low to high, e.g. 5ms..50ms, got "
      "'50ms..5ms'" },
    { "replicas A B\nlatency 5ms..5xs\n",
      "s.mmr:2:14: expected a duration like 250us, 10ms or 2s, got '5xs'" },
    { "replicas A B\nlatency A->B\n",
      "s.mmr:2:14: 'latency' needs a duration, e.g. 'latency 10ms', "
      "'latency 5ms..50ms' or 'latency A->B 80ms'" },
    { "replicas A B\nloss -0.1\n",
      "s.mmr:2:6: expected a probability between 0 and 1, got '-0.1'" },
    { "replicas A B\nreorder maybe\n",
      "s.mmr:2:9: expected on or off, got 'maybe'" },
    { "replicas A B\nantientropy 0s\n",
      "s.mmr:2:13: an anti-entropy interval must be greater than 0; write "
      "'antientropy off' to turn it off" },
    { "replicas A B\nantientropy never\n",
      "s.mmr:2:13: expected an interval like 100ms or 2s, off, digest, "
      "merkle or full, got 'never'" },
    // links and partitions
    { "replicas A B\ncut A->D\n",
      "s.mmr:2:8: unknown replica 'D'; this scenario has replicas A, B" },
    { "replicas A B\ncut A->A\n",
      "s.mmr:2:5: a link joins two different replicas, got 'A->A'" },
    { "replicas A B\ncut A\n",
      "s.mmr:2:5: expected a link like A->B or A<->B, got 'A'" },
    { "replicas A B\ncut\n",
      "s.mmr:2:5: 'cut' needs a link, e.g. 'cut A->B' or 'cut A<->B'" },
    { "replicas A B\nheal A->B->A\n",
      "s.mmr:2:6: expected a link like A->B or A<->B, got 'A->B->A'" },
    { "replicas A B C\npartition A B\n",
      "s.mmr:2:15: 'partition' needs two or more groups separated by |, "
      "e.g. 'partition A B | C'" },
    { "replicas A B C\npartition A | A\n",
      "s.mmr:2:15: replica 'A' appears twice in the partition" },
    { "replicas A B C\npartition | A B\n",
      "s.mmr:2:11: expected a replica name before '|'" },
    { "replicas A B C\npartition A B |\n",
      "s.mmr:2:17: expected a replica name after '|'" },
    { "replicas A B C\npartition A B|X\n",
      "s.mmr:2:15: unknown replica 'X'; this scenario has replicas A, B, C" },
    // clocks and time
    { "replicas A B\ndrift A 2000000ppm\n",
      "s.mmr:2:9: a drift must be between -1000000ppm and 1000000ppm, got "
      "'2000000ppm'" },
    { "replicas A B\ndrift A 5%\n",
      "s.mmr:2:9: expected a drift like 200ppm or -50ppm, got '5%'" },
    { "replicas A B\ndrift A\n",
      "s.mmr:2:9: 'drift' needs a replica and a rate, e.g. 'drift B 200ppm'" },
    { "replicas A B\nskew B soon\n",
      "s.mmr:2:8: expected a clock offset like +5s, -200ms or 5s, got 'soon'" },
    { "replicas A B\nrun 0s\n",
      "s.mmr:2:5: 'run' needs a duration greater than 0, got '0s'" },
    { "replicas A B\nrun\n", "s.mmr:2:5: 'run' needs a duration, e.g. 'run 100ms'" },
    { "replicas A B\nrun -5ms\n",
      "s.mmr:2:5: expected a duration like 250us, 10ms or 2s, got '-5ms'" },
    // keys and values
    { "replicas A B\nA put a.b.c x\n",
      "s.mmr:2:10: a key has at most one dot (record.field), got 'a.b.c'" },
    { "replicas A B\nA put ca$rt x\n",
      "s.mmr:2:9: unexpected '$' in key 'ca$rt'; a key is made of letters, "
      "digits and _ : / -" },
    { "replicas A B\nA put user. x\n",
      "s.mmr:2:11: expected a field name after the dot in 'user.'" },
    { "replicas A B\nA put .name x\n",
      "s.mmr:2:7: expected a record name before the dot in '.name'" },
    { "replicas A B\nA put cart\n",
      "s.mmr:2:12: 'put' needs a key and a value, e.g. 'A put cart milk'" },
    { "replicas A B\nA del\n", "s.mmr:2:7: 'del' needs a key, e.g. 'A del cart'" },
    { "replicas A B\nA\n",
      "s.mmr:2:3: 'A' needs an action, e.g. 'A put cart milk' or "
      "'A del cart'" },
    { "replicas A B\nA pit x y\n",
      "s.mmr:2:3: unknown action 'pit' for replica A; did you mean 'put'?" },
    { "replicas Alice Bob\nAlise put x y\n",
      "s.mmr:2:1: unknown replica 'Alise'; did you mean 'Alice'?" },
    { "replicas Alice Bob\nAlice put x\n",
      "s.mmr:2:13: 'put' needs a key and a value, e.g. 'Alice put cart "
      "milk'" },
    // quoting and characters
    { "replicas A B\nA put cart \"milk\n",
      "s.mmr:2:12: this quoted value has no closing '\"'" },
    { "replicas A B\nA put cart \"a\\nb\"\n",
      "s.mmr:2:14: unknown escape '\\n' in a quoted value; only \\\" and \\\\ "
      "are allowed" },
    { "replicas A B\nA put cart \"a\"b\n",
      "s.mmr:2:15: expected a space after the closing quote, got 'b'" },
    { "replicas A B\nA put x \"a\tb\"\n",
      "s.mmr:2:11: a quoted value cannot contain a tab; control characters "
      "are not allowed" },
    { "replicas A B\nA put \"cart\" milk\n",
      "s.mmr:2:7: quotes are only allowed around values, got \"cart\"" },
    { "replicas A B\nA put cart mi\"lk\n",
      "s.mmr:2:14: a quote may only open a value; quote the whole value, "
      "e.g. \"New York\"" },
    { "replicas A B\nA put x a\x01" "b\n",
      "s.mmr:2:10: control character U+0001 is not allowed" },
    { "replicas A B\nA put x y\rz\n",
      "s.mmr:2:10: control character U+000D is not allowed" },
    { "replicas A B\nA put x \xff\n",
      "s.mmr:2:9: this line is not valid UTF-8; a scenario is UTF-8 text" },
    // columns count characters, not bytes
    { "replicas A B\nA put k \"\xc3\xa9\" zz\n",
      "s.mmr:2:13: unexpected 'zz' after the end of the command" },
    // checks
    { "replicas A B\nexpect A cart = {}\n",
      "s.mmr:2:18: an empty set never matches; write 'absent' to expect no "
      "value" },
    { "replicas A B\nexpect A cart = {a b}\n",
      "s.mmr:2:20: expected ',' or '}' in the value set, got 'b'" },
    { "replicas A B\nexpect A cart = {a, b\n",
      "s.mmr:2:23: expected ',' or '}' to close the set opened at column 17" },
    { "replicas A B\nexpect A cart = {a,,b}\n",
      "s.mmr:2:20: expected a value, got ','" },
    { "replicas A B\nexpect A cart =\n",
      "s.mmr:2:17: expected a value or a set like {eggs, milk} after '='" },
    { "replicas A B\nexpect A cart is milk\n",
      "s.mmr:2:15: expected '=' or 'absent' after the key, got 'is'" },
    { "replicas A B\nexpect A cart absnt\n",
      "s.mmr:2:15: expected '=' or 'absent' after the key, got 'absnt'; did "
      "you mean 'absent'?" },
    { "replicas A B\nexpect convergd\n",
      "s.mmr:2:8: unknown check 'convergd'; did you mean 'converged'?" },
    { "replicas A B\nexpect sunshine\n",
      "s.mmr:2:8: unknown check 'sunshine'; expected converged, diverged, "
      "lost, conflicts or a replica name" },
    { "replicas A B\nexpect lost many\n",
      "s.mmr:2:13: expected a count (a whole number), got 'many'" },
    { "replicas A B\nexpect conflicts\n",
      "s.mmr:2:18: 'expect conflicts' needs a count, e.g. 'expect conflicts "
      "0'" },
    { "replicas A B\nexpect D x = 1\n",
      "s.mmr:2:8: unknown replica 'D'; this scenario has replicas A, B" },
    { "replicas A B\nexpect\n",
      "s.mmr:2:8: 'expect' needs something to check, e.g. 'expect "
      "converged', 'expect A cart = milk' or 'expect lost 0'" },
    { "replicas A B\nexpect converged now\n",
      "s.mmr:2:18: unexpected 'now' after the end of the command" },
  };

  for (const auto &c : cases)
    {
      SCOPED_TRACE (c.first);
      EXPECT_EQ (parse_error (c.first), c.second);
    }
}

TEST (MmrScriptParser, TooManyReplicasPointsAtTheSeventeenth)
{
  std::string text = "replicas";

  for (int i = 1; i <= 17; i++)
    text += " R" + std::to_string (i);
  std::string col = std::to_string (text.find ("R17") + 1);
  EXPECT_EQ (parse_error (text),
             "s.mmr:1:" + col + ": too many replicas: at most 16");
}

TEST (MmrScriptParser, OnlyTheFirstErrorIsReported)
{
  EXPECT_EQ (parse_error ("replicas A B\nrun 1xs\nrun 2xs\n"),
             "s.mmr:2:5: expected a duration like 250us, 10ms or 2s, "
             "got '1xs'");
}

TEST (MmrScriptParser, LoadReadsAFileAndNamesItInErrors)
{
  g_autoptr (GError) error = nullptr;
  g_autofree char *dir = g_dir_make_tmp ("mmr-parser-XXXXXX", &error);
  ASSERT_NE (dir, nullptr);
  g_autofree char *good = g_build_filename (dir, "good.mmr", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.mmr", NULL);
  g_autofree char *nul = g_build_filename (dir, "nul.mmr", NULL);
  const char text[] = "replicas A B\nA put x y\n";

  ASSERT_TRUE (g_file_set_contents (good, text, -1, &error));
  ASSERT_TRUE (g_file_set_contents (bad, "replicas A B\nrun\n", -1, &error));
  ASSERT_TRUE (g_file_set_contents (nul, "replicas A B\nA put x \0y\n", 23,
                                    &error));

  Script s (mmr_script_load (good, &error), mmr_script_free);
  ASSERT_NE (s, nullptr);
  EXPECT_STREQ (s->filename, good);
  EXPECT_STREQ (s->source, text);
  EXPECT_EQ (s->commands->len, 1u);

  EXPECT_EQ (mmr_script_load (bad, &error), nullptr);
  ASSERT_TRUE (g_error_matches (error, MMR_SCRIPT_ERROR,
                                MMR_SCRIPT_ERROR_SYNTAX));
  EXPECT_EQ (std::string (error->message),
             std::string (bad) + ":2:5: 'run' needs a duration, e.g. "
             "'run 100ms'");
  g_clear_error (&error);

  EXPECT_EQ (mmr_script_load (nul, &error), nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_EQ (std::string (error->message),
             std::string (nul) + ":2:9: control character U+0000 is not "
             "allowed");
  g_clear_error (&error);

  g_autofree char *missing = g_build_filename (dir, "missing.mmr", NULL);
  EXPECT_EQ (mmr_script_load (missing, &error), nullptr);
  ASSERT_TRUE (g_error_matches (error, MMR_SCRIPT_ERROR,
                                MMR_SCRIPT_ERROR_IO));
  EXPECT_EQ (std::string (error->message),
             std::string (missing) + ": cannot read: No such file or "
             "directory");
  g_clear_error (&error);

  EXPECT_EQ (mmr_script_load (dir, &error), nullptr);
  ASSERT_TRUE (g_error_matches (error, MMR_SCRIPT_ERROR,
                                MMR_SCRIPT_ERROR_IO));
  EXPECT_EQ (std::string (error->message),
             std::string (dir) + ": cannot read: Is a directory");
  g_clear_error (&error);

  g_remove (good);
  g_remove (bad);
  g_remove (nul);
  g_rmdir (dir);
}

// ---------------------------------------------------------------- fuzzing

namespace {

const char VALID_SCENARIO[] =
  "# every form, for the mutation fuzzer\n"
  "replicas A B C\n"
  "seed 42\n"
  "strategy lww\n"
  "clock hlc\n"
  "granularity field\n"
  "latency 5ms..50ms\n"
  "latency A->B 80ms\n"
  "loss 0.1\n"
  "duplicate B<->C 0.05\n"
  "reorder on\n"
  "antientropy 100ms\n"
  "A put cart milk      # a write\n"
  "B put user.name \"New York\"\n"
  "C del cart\n"
  "partition A B | C\n"
  "cut A->B\n"
  "cut A<->C\n"
  "run 100ms\n"
  "heal A->B\n"
  "heal\n"
  "skew B +5s\n"
  "drift C -50ppm\n"
  "strategy siblings\n"
  "antientropy off\n"
  "settle 10s\n"
  "expect converged\n"
  "expect A cart = {eggs, \"milk\"}\n"
  "expect B user.name absent\n"
  "expect lost 1\n"
  "expect conflicts 2\n";

const char *const FRAGMENTS[] = {
  " ", "\t", "#", "\"", "\\", "|", "{", "}", ",", "=", "->", "<->", "..",
  ".", "\n", "\r\n", "\r", "\x01", "\xff", "\xc3\xa9", "A", "B", "D", "z",
  "0", "1", "9", "-", "+", "ms", "s", "ppm", "put", "del", "expect",
  "replicas", "seed", "absent", "converged", "1.5", "0.5",
  "99999999999999999999", "partition", "heal", "cut", "lost", "\"\\\"",
};

std::string
mutate (std::string text, GRand *rand)
{
  int n = g_rand_int_range (rand, 1, 5);

  for (int i = 0; i < n && !text.empty (); i++)
    {
      gsize pos = (gsize) g_rand_int_range (rand, 0, (gint32) text.size ());
      const char *frag = FRAGMENTS[g_rand_int_range (
        rand, 0, G_N_ELEMENTS (FRAGMENTS))];

      switch (g_rand_int_range (rand, 0, 6))
        {
        case 0:  // delete a few bytes
          text.erase (pos, (gsize) g_rand_int_range (rand, 1, 6));
          break;
        case 1:  // insert a fragment
          text.insert (pos, frag);
          break;
        case 2:  // replace a byte
          text.replace (pos, 1, frag);
          break;
        case 3:  // duplicate a line
          {
            gsize a = text.rfind ('\n', pos), b = text.find ('\n', pos);
            a = a == std::string::npos ? 0 : a + 1;
            b = b == std::string::npos ? text.size () : b + 1;
            text.insert (a, text.substr (a, b - a));
          }
          break;
        case 4:  // truncate
          text.resize (pos);
          break;
        default:  // a random byte
          text[pos] = (char) g_rand_int_range (rand, 1, 256);
          break;
        }
    }
  return text;
}

// Properties of any script the parser accepts.
void
check_script (const MmrScript *s)
{
  ASSERT_GE (s->config.n_replicas, 2u);
  ASSERT_LE (s->config.n_replicas, (guint) MMR_MAX_REPLICAS);
  for (guint i = 0; i < s->commands->len; i++)
    {
      auto c = static_cast<const MmrCommand *> (s->commands->pdata[i]);

      ASSERT_LT ((int) c->kind, (int) MMR_CMD_N_KINDS);
      ASSERT_GE (c->line, 1u);
      ASSERT_GE (c->col, 1u);
      ASSERT_LT (c->replica, (int) s->config.n_replicas);
      ASSERT_LT (c->link_from, (int) s->config.n_replicas);
      ASSERT_LT (c->link_to, (int) s->config.n_replicas);
      ASSERT_NE (c->text, nullptr);
      for (guint j = 1; c->values != nullptr && j < c->values->len; j++)
        ASSERT_LT (strcmp ((const char *) c->values->pdata[j - 1],
                           (const char *) c->values->pdata[j]), 0);
    }
}

}  // namespace

TEST (MmrScriptParser, FiveThousandMutationsNeverCrash)
{
  const char *env = g_getenv ("MMR_TEST_SEED");
  guint32 seed = env != nullptr ? (guint32) g_ascii_strtoull (env, NULL, 10)
                                : 20240611u;
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr (GRegex) re = g_regex_new ("^s\\.mmr:([0-9]+):([0-9]+): \\S",
                                       G_REGEX_DEFAULT, G_REGEX_MATCH_DEFAULT,
                                       NULL);
  int parsed = 0, rejected = 0;

  printf ("mutation fuzzer seed %u (set MMR_TEST_SEED to replay)\n", seed);
  Script base = parse_ok (VALID_SCENARIO);
  ASSERT_NE (base, nullptr);
  for (int i = 0; i < 5000; i++)
    {
      std::string text = mutate (VALID_SCENARIO, rand);
      GError *error = nullptr;
      MmrScript *s = mmr_script_parse ("s.mmr", text.c_str (), &error);

      SCOPED_TRACE ("seed " + std::to_string (seed) + ", case "
                    + std::to_string (i) + ":\n" + text);
      if (s != nullptr)
        {
          parsed++;
          EXPECT_EQ (error, nullptr);
          check_script (s);
          mmr_script_free (s);
          continue;
        }
      rejected++;
      ASSERT_TRUE (g_error_matches (error, MMR_SCRIPT_ERROR,
                                    MMR_SCRIPT_ERROR_SYNTAX));
      g_autoptr (GMatchInfo) m = nullptr;
      ASSERT_TRUE (g_regex_match (re, error->message, G_REGEX_MATCH_DEFAULT,
                                  &m))
        << error->message;
      g_autofree char *line = g_match_info_fetch (m, 1);
      g_autofree char *col = g_match_info_fetch (m, 2);
      guint64 n_lines = 1;
      for (char ch : text)
        n_lines += ch == '\n';
      EXPECT_GE (g_ascii_strtoull (line, NULL, 10), 1u) << error->message;
      EXPECT_LE (g_ascii_strtoull (line, NULL, 10), n_lines) << error->message;
      EXPECT_GE (g_ascii_strtoull (col, NULL, 10), 1u) << error->message;
      g_error_free (error);
    }
  printf ("%d parsed, %d rejected\n", parsed, rejected);
  EXPECT_GT (parsed, 0);
  EXPECT_GT (rejected, 0);
}
