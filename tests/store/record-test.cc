// record-test.cc - record names, register names and the record encoding

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

extern "C" {
#include "store/record.h"
}

namespace {

// Owns the returned string; NULL becomes the marker "<null>".
std::string
Take (char *s)
{
  std::string out = s != nullptr ? s : "<null>";

  g_free (s);
  return out;
}

std::vector<std::string>
Fields (const char *encoded)
{
  GPtrArray *names = mmr_record_dup_fields (encoded);
  std::vector<std::string> out;

  for (guint i = 0; i < names->len; i++)
    out.push_back (static_cast<char *> (names->pdata[i]));
  g_ptr_array_unref (names);
  return out;
}

}  // namespace

TEST (MmrRecord, SplitNameAtTheFirstDot)
{
  struct {
    const char *name, *key, *field;
  } cases[] = {
    { "user.name", "user", "name" },
    { "cart", "cart", "" },
    { "a.b.c", "a", "b.c" },
    { "x.", "x", "" },
    { ".y", "", "y" },
    { "", "", "" },
  };

  for (auto &c : cases)
    {
      char *key = nullptr, *field = nullptr;

      mmr_record_split_name (c.name, &key, &field);
      EXPECT_STREQ (key, c.key) << c.name;
      EXPECT_STREQ (field, c.field) << c.name;
      g_free (key);
      g_free (field);
    }
}

TEST (MmrRecord, RegisterNameFollowsGranularity)
{
  EXPECT_EQ (Take (mmr_record_register_name (MMR_GRANULARITY_FIELD, "user",
                                             "name")),
             "user.name");
  EXPECT_EQ (Take (mmr_record_register_name (MMR_GRANULARITY_FIELD, "cart",
                                             "")),
             "cart");
  EXPECT_EQ (Take (mmr_record_register_name (MMR_GRANULARITY_RECORD, "user",
                                             "name")),
             "user");
  EXPECT_EQ (Take (mmr_record_register_name (MMR_GRANULARITY_RECORD, "cart",
                                             "")),
             "cart");
}

TEST (MmrRecord, PlainKeyIsItsBareValue)
{
  EXPECT_EQ (Take (mmr_record_set_field (nullptr, "", "milk")), "milk");
  EXPECT_EQ (Take (mmr_record_set_field ("milk", "", "eggs")), "eggs");
  EXPECT_EQ (Take (mmr_record_dup_field ("milk", "")), "milk");
  EXPECT_EQ (Take (mmr_record_dup_field ("milk", "name")), "<null>");
  EXPECT_EQ (Fields ("milk"), std::vector<std::string> ({ "" }));
}

TEST (MmrRecord, FieldsAreSortedAndSeparated)
{
  char *r = mmr_record_set_field (nullptr, "name", "Ada");
  EXPECT_STREQ (r, "name\x1F" "Ada");
  char *r2 = mmr_record_set_field (r, "age", "36");
  EXPECT_STREQ (r2, "age\x1F" "36\x1Ename\x1F" "Ada");
  char *r3 = mmr_record_set_field (r2, "zip", "");
  EXPECT_STREQ (r3, "age\x1F" "36\x1Ename\x1F" "Ada\x1Ezip\x1F");

  EXPECT_EQ (Take (mmr_record_dup_field (r3, "name")), "Ada");
  EXPECT_EQ (Take (mmr_record_dup_field (r3, "zip")), "");
  EXPECT_EQ (Take (mmr_record_dup_field (r3, "city")), "<null>");
  EXPECT_EQ (Fields (r3), std::vector<std::string> ({ "age", "name", "zip" }));
  g_free (r);
  g_free (r2);
  g_free (r3);
}

TEST (MmrRecord, SameFieldsInAnyOrderEncodeTheSame)
{
  char *a1 = mmr_record_set_field (nullptr, "b", "2");
  char *a2 = mmr_record_set_field (a1, "a", "1");
  char *b1 = mmr_record_set_field (nullptr, "a", "1");
  char *b2 = mmr_record_set_field (b1, "b", "2");

  EXPECT_STREQ (a2, b2);
  g_free (a1);
  g_free (a2);
  g_free (b1);
  g_free (b2);
}

TEST (MmrRecord, ReplacingAFieldKeepsTheOthers)
{
  EXPECT_EQ (Take (mmr_record_set_field ("a\x1F" "1\x1E" "b\x1F" "2", "a",
                                         "9")),
             "a\x1F" "9\x1E" "b\x1F" "2");
}

TEST (MmrRecord, NullValueRemovesAField)
{
  EXPECT_EQ (Take (mmr_record_set_field ("a\x1F" "1\x1E" "b\x1F" "2", "a",
                                         nullptr)),
             "b\x1F" "2");
  // Removing a field that is not there changes nothing.
  EXPECT_EQ (Take (mmr_record_set_field ("b\x1F" "2", "a", nullptr)),
             "b\x1F" "2");
}

// The empty record is NULL; "" is the unnamed field holding "".
TEST (MmrRecord, EmptyRecordIsNullNotEmptyString)
{
  EXPECT_EQ (Take (mmr_record_set_field ("milk", "", nullptr)), "<null>");
  EXPECT_EQ (Take (mmr_record_set_field ("a\x1F" "1", "a", nullptr)),
             "<null>");
  EXPECT_EQ (Take (mmr_record_set_field (nullptr, "a", nullptr)), "<null>");
  EXPECT_TRUE (Fields (nullptr).empty ());
  EXPECT_EQ (Take (mmr_record_dup_field (nullptr, "")), "<null>");

  EXPECT_EQ (Take (mmr_record_set_field (nullptr, "", "")), "");
  EXPECT_EQ (Take (mmr_record_dup_field ("", "")), "");
  EXPECT_EQ (Fields (""), std::vector<std::string> ({ "" }));
}

TEST (MmrRecord, UnnamedFieldBesideNamedOnesSortsFirst)
{
  char *r = mmr_record_set_field ("milk", "note", "fresh");

  EXPECT_STREQ (r, "\x1F" "milk\x1Enote\x1F" "fresh");
  EXPECT_EQ (Take (mmr_record_dup_field (r, "")), "milk");
  EXPECT_EQ (Fields (r), std::vector<std::string> ({ "", "note" }));
  // Removing the named field brings back the bare encoding.
  EXPECT_EQ (Take (mmr_record_set_field (r, "note", nullptr)), "milk");
  g_free (r);
}

TEST (MmrRecord, ForeignSegmentsAreIgnoredAndLaterDuplicatesWin)
{
  const char *odd = "a\x1F" "1\x1E" "junk\x1E" "a\x1F" "2";

  EXPECT_EQ (Fields (odd), std::vector<std::string> ({ "a" }));
  EXPECT_EQ (Take (mmr_record_dup_field (odd, "a")), "2");
}

TEST (MmrRecord, RandomEditsMatchAModel)
{
  const guint32 seed = 4242;
  GRand *rand = g_rand_new_with_seed (seed);
  const char *names[] = { "", "a", "b", "name", "zip" };
  const char *values[] = { "", "1", "Ada", "x y", nullptr };

  for (int run = 0; run < 200; run++)
    {
      char *encoded = nullptr;
      std::map<std::string, std::string> model;

      for (int step = 0; step < 20; step++)
        {
          const char *name = names[g_rand_int_range (rand, 0, 5)];
          const char *value = values[g_rand_int_range (rand, 0, 5)];
          char *next = mmr_record_set_field (encoded, name, value);

          g_free (encoded);
          encoded = next;
          if (value != nullptr)
            model[name] = value;
          else
            model.erase (name);

          SCOPED_TRACE (testing::Message () << "seed " << seed << " run "
                                            << run << " step " << step);
          ASSERT_EQ (encoded == nullptr, model.empty ());
          std::vector<std::string> want;
          for (auto &kv : model)
            want.push_back (kv.first);
          EXPECT_EQ (Fields (encoded), want);
          for (auto &kv : model)
            EXPECT_EQ (Take (mmr_record_dup_field (encoded,
                                                   kv.first.c_str ())),
                       kv.second);
        }
      g_free (encoded);
    }
  g_rand_free (rand);
}
