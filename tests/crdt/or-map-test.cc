/* or-map-test.cc - tests for src/crdt/or-map.c
 *
 * Exact outcomes: concurrent updates of different fields both survive;
 * concurrent increments of one counter field add up; concurrent sets of
 * an mvreg field are both kept and of an lwwreg field the larger stamp
 * wins; removing a field is observed-remove, so an update concurrent with
 * the remove wins and keeps exactly what the remover had not seen (for a
 * counter, the updating replica's whole contribution: the documented
 * trade-off); a field's identity is its name and type. Plus the syntax and
 * its error messages.
 *
 * <glib.h> comes before the extern "C" block: GLib's headers carry C++
 * templates when compiled as C++.
 */
#include <glib.h>

extern "C" {
#include "crdt/crdt.h"
}

#include <gtest/gtest.h>

#include <string>

namespace {

MmrCrdt *
must_apply (MmrCrdt *crdt, const char *op, const char *arg)
{
  g_autoptr (GError) error = NULL;
  MmrCrdt *delta = mmr_crdt_apply (crdt, op, arg, &error);

  EXPECT_NE (delta, nullptr) << (error ? error->message : "");
  return delta;
}

void
run (MmrCrdt *crdt, const char *op, const char *arg)
{
  mmr_crdt_free (must_apply (crdt, op, arg));
}

void
merge (MmrCrdt *into, const MmrCrdt *other)
{
  ASSERT_TRUE (mmr_crdt_merge (into, other, NULL));
}

std::string
read_str (const MmrCrdt *crdt)
{
  g_autoptr (GPtrArray) values = mmr_crdt_read (crdt);
  std::string s;

  for (guint i = 0; i < values->len; i++)
    s += std::string (i > 0 ? " " : "")
         + (const char *) g_ptr_array_index (values, i);
  return s;
}

std::string
str (const MmrCrdt *crdt)
{
  g_autofree char *s = mmr_crdt_to_string (crdt);
  return s;
}

std::string
apply_error (const char *op, const char *arg)
{
  g_autoptr (MmrCrdt) m = mmr_crdt_new (MMR_CRDT_ORMAP, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (MmrCrdt) delta = mmr_crdt_apply (m, op, arg, &error);

  EXPECT_EQ (delta, nullptr);
  return error != NULL ? error->message : "(no error)";
}

/* Two replicas that have exchanged @setup, as in a record both know. */
struct Pair {
  MmrCrdt *a = mmr_crdt_new (MMR_CRDT_ORMAP, 0);
  MmrCrdt *b = mmr_crdt_new (MMR_CRDT_ORMAP, 1);
  ~Pair ()
  {
    mmr_crdt_free (a);
    mmr_crdt_free (b);
  }
  void
  exchange ()
  {
    g_autoptr (MmrCrdt) a0 = mmr_crdt_copy (a);
    merge (a, b);
    merge (b, a0);
    EXPECT_TRUE (mmr_crdt_equal (a, b)) << str (a) << " vs " << str (b);
  }
};

TEST (MmrOrMap, EachOperationAddressesAField)
{
  g_autoptr (MmrCrdt) m = mmr_crdt_new (MMR_CRDT_ORMAP, 0);

  run (m, "set", "name=alice");
  run (m, "incr", "likes=3");
  run (m, "incr", "likes");
  run (m, "decr", "likes=2");
  run (m, "add", "tags=red");
  run (m, "add", "tags=blue");
  run (m, "set", "who:mvreg=ann");
  run (m, "incr", "views:gcounter=7");
  run (m, "add", "seen:gset=x");
  run (m, "set", "note=");
  EXPECT_EQ (read_str (m), "likes=2 name=alice note= seen:gset={x} "
                           "tags={blue,red} views:gcounter=7 who:mvreg={ann}");
}

TEST (MmrOrMap, ConcurrentUpdatesOfDifferentFieldsBothSurvive)
{
  Pair p;

  run (p.a, "set", "name=alice");
  run (p.b, "set", "city=paris");
  run (p.b, "add", "tags=new");
  p.exchange ();
  EXPECT_EQ (read_str (p.a), "city=paris name=alice tags={new}");
}

TEST (MmrOrMap, ConcurrentIncrementsOfOneCounterAddUp)
{
  Pair p;

  run (p.a, "incr", "likes=2");
  p.exchange ();
  run (p.a, "incr", "likes=3");
  run (p.b, "incr", "likes=4");
  run (p.b, "decr", "likes=1");
  p.exchange ();
  EXPECT_EQ (read_str (p.a), "likes=8");
  EXPECT_EQ (str (p.a), "ormap{likes:pncounter[A2=+5-0,B2=+4-1]} "
                        "ctx{A:2, B:2}");
}

TEST (MmrOrMap, AnIncrementKeepsTheOtherReplicasCounts)
{
  Pair p;

  run (p.a, "incr", "likes=2");
  p.exchange ();
  run (p.b, "incr", "likes=3");    /* supersedes only B's own value */
  p.exchange ();
  run (p.a, "decr", "likes=1");
  p.exchange ();
  EXPECT_EQ (read_str (p.b), "likes=4");
}

TEST (MmrOrMap, ConcurrentSetsOfAnMvRegFieldAreBothKept)
{
  Pair p;

  run (p.a, "set", "who:mvreg=ann");
  run (p.b, "set", "who:mvreg=bob");
  p.exchange ();
  EXPECT_EQ (read_str (p.a), "who:mvreg={ann,bob}");
  run (p.b, "set", "who:mvreg=cy");
  p.exchange ();
  EXPECT_EQ (read_str (p.a), "who:mvreg={cy}");
}

TEST (MmrOrMap, ConcurrentSetsOfAnLwwFieldKeepTheLargerStamp)
{
  Pair p;
  MmrCrdtStamp early = { 100, 0 }, late = { 200, 0 };

  mmr_crdt_free (mmr_crdt_apply_at (p.a, "set", "name=late", &late, NULL));
  mmr_crdt_free (mmr_crdt_apply_at (p.b, "set", "name=early", &early, NULL));
  p.exchange ();
  EXPECT_EQ (read_str (p.a), "name=late");
  /* Both writes stay as dotted values until one overwrites them. */
  EXPECT_EQ (str (p.a), "ormap{name:lwwreg[A1@200.0=late,B1@100.0=early]} "
                        "ctx{A:1, B:1}");
  run (p.b, "set", "name=final");   /* Lamport: 201 */
  p.exchange ();
  EXPECT_EQ (str (p.a), "ormap{name:lwwreg[B2@201.0=final]} ctx{A:1, B:2}");
}

/* docs/crdts.md, "OR-Map": B removes the field while A updates it. */
TEST (MmrOrMap, UpdateConcurrentWithRemoveWinsWithWhatTheRemoverDidNotSee)
{
  Pair p;

  run (p.a, "add", "tags=red");
  run (p.a, "incr", "likes=3");
  run (p.b, "incr", "likes=2");
  p.exchange ();
  EXPECT_EQ (read_str (p.a), "likes=5 tags={red}");

  run (p.b, "rem", "tags");
  run (p.b, "rem", "likes");
  run (p.a, "add", "tags=blue");    /* concurrent with the removes */
  run (p.a, "incr", "likes=1");
  p.exchange ();
  /* tags: red was seen by the remover and goes; blue was not and stays.
   * likes: A's dotted value carries A's running total (3 + 1), which the
   * remover had not seen as such: all of A's contribution stays. */
  EXPECT_EQ (read_str (p.a), "likes=4 tags={blue}");
}

TEST (MmrOrMap, RemoveThatSawEverythingRemovesTheField)
{
  Pair p;

  run (p.a, "incr", "likes=3");
  run (p.a, "set", "name=x");
  p.exchange ();
  g_autoptr (MmrCrdt) d = must_apply (p.b, "rem", "likes");
  EXPECT_EQ (str (d), "ormap(delta){likes:pncounter[]} ctx{A:1}");
  p.exchange ();
  EXPECT_EQ (read_str (p.a), "name=x");
  /* A new increment starts from zero: the old count is gone. */
  run (p.a, "incr", "likes=1");
  p.exchange ();
  EXPECT_EQ (read_str (p.b), "likes=1 name=x");
}

TEST (MmrOrMap, FieldIdentityIsNameAndType)
{
  g_autoptr (MmrCrdt) m = mmr_crdt_new (MMR_CRDT_ORMAP, 0);

  run (m, "incr", "x=2");
  run (m, "set", "x=hello");
  run (m, "set", "x:mvreg=hi");
  EXPECT_EQ (read_str (m), "x:mvreg={hi} x=2 x=hello");
  run (m, "rem", "x:lwwreg");
  EXPECT_EQ (read_str (m), "x:mvreg={hi} x=2");
  run (m, "rem", "x");            /* every type named x */
  EXPECT_EQ (read_str (m), "");
}

TEST (MmrOrMap, RemovingAnElementOfASetField)
{
  g_autoptr (MmrCrdt) m = mmr_crdt_new (MMR_CRDT_ORMAP, 0);

  run (m, "add", "tags=a");
  run (m, "add", "tags=b");
  run (m, "rem", "tags=a");
  EXPECT_EQ (read_str (m), "tags={b}");
  run (m, "rem", "tags=b");
  EXPECT_EQ (read_str (m), "");    /* an empty set field is no field */
  g_autoptr (MmrCrdt) d = must_apply (m, "rem", "tags=zzz");
  EXPECT_TRUE (mmr_crdt_is_empty (d));
}

TEST (MmrOrMap, SyntaxErrorsSayWhatIsExpected)
{
  EXPECT_EQ (apply_error ("set", NULL),
             "set needs a field: FIELD[:TYPE][=ARG]");
  EXPECT_EQ (apply_error ("set", "name"), "field 'name': set needs a value");
  EXPECT_EQ (apply_error ("add", "tags"), "field 'tags': add needs an element");
  EXPECT_EQ (apply_error ("incr", "n=x"),
             "field 'n': incr needs a whole number from 1 to "
             "576460752303423487, got 'x'");
  EXPECT_EQ (apply_error ("set", "a b=1"),
             "bad field name 'a b': a name is not empty and has no spaces, "
             "'=', ':', ',', '{' or '}'");
  EXPECT_EQ (apply_error ("set", "=1"),
             "bad field name '': a name is not empty and has no spaces, "
             "'=', ':', ',', '{' or '}'");
  EXPECT_EQ (apply_error ("incr", "n:orset=1"),
             "field 'n': orset has no operation 'incr'; expected add or rem");
  EXPECT_EQ (apply_error ("set", "n:blob=1"),
             "field 'n': unknown CRDT type 'blob'; expected gcounter, "
             "pncounter, gset, 2pset, orset, lwwreg, mvreg or ormap");
  EXPECT_EQ (apply_error ("add", "n:2pset=1"),
             "field 'n': an ormap field cannot be a 2pset (removing the field "
             "would forget its tombstones); use gcounter, pncounter, gset, "
             "orset, lwwreg or mvreg");
  EXPECT_EQ (apply_error ("set", "n:ormap=1"),
             "field 'n': an ormap field cannot be an ormap (nested maps are "
             "not supported); use gcounter, pncounter, gset, orset, lwwreg "
             "or mvreg");
}

TEST (MmrOrMap, MetadataCountsDotsStampsAndContext)
{
  g_autoptr (MmrCrdt) m = mmr_crdt_new (MMR_CRDT_ORMAP, 0);

  run (m, "set", "name=alice");    /* dot 5 + stamp 12 */
  run (m, "incr", "likes");        /* dot 5 + two counts 16 */
  run (m, "add", "tags=x");        /* dot 5 */
  EXPECT_EQ (mmr_crdt_metadata_size (m), 17u + 21u + 5u + 5u);
}

} // namespace
