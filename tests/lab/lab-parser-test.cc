// lab-parser-test.cc - lab files: every directive, the assembled scenario,
// exact error messages, guide sections and answer syntax.
#include "lab-helpers.h"

#include <cstdio>
#include <ctime>
#include <cstring>
#include <unistd.h>

extern "C" {
#include "lab/lab-guide.h"
#include "lab/lab-question.h"
#include "lab/lab.h"
}

static const char *const HEAD =
  "lab \"Two writes\"\n"                       // 1
  "concepts version vector, siblings\n"        // 2
  "outline §8 9\n"                             // 3
  "world two.mmr\n";                           // 4

class LabParser : public ::testing::Test
{
protected:
  void
  SetUp () override
  {
    lab.write ("two.mmr", TWO_REPLICAS);
    lab.write ("guide.md", GUIDE);
  }

  MmrLab *
  parse (const std::string &text)
  {
    GError *error = nullptr;
    MmrLab *l = mmr_lab_parse (lab.dir.c_str (), text.c_str (), &error);

    EXPECT_NE (l, nullptr) << (error ? error->message : "");
    g_clear_error (&error);
    return l;
  }

  // The error for @text, with the lab's folder written as DIR.
  std::string
  error_of (const std::string &text)
  {
    GError *error = nullptr;
    MmrLab *l = mmr_lab_parse (lab.dir.c_str (), text.c_str (), &error);
    std::string msg;

    EXPECT_EQ (l, nullptr);
    mmr_lab_free (l);
    if (error == nullptr)
      return "(no error)";
    EXPECT_EQ (error->domain, MMR_LAB_ERROR);
    msg = error->message;
    g_error_free (error);
    for (size_t at; (at = msg.find (lab.dir)) != std::string::npos;)
      msg.replace (at, lab.dir.size (), "DIR");
    return msg;
  }

  TempLab lab;
};

TEST_F (LabParser, ReadsEveryDirective)
{
  MmrLab *l = parse (std::string (HEAD)
                     + "implement two.mmr\n"
                       "\n"
                       "step \"First\"\n"                          // 7
                       "section \"Step 1: writes\"\n"
                       "> More *text*, # kept.\n"
                       "A put cart milk    # a comment\n"          // 10
                       "ask \"What does B read?\" value B cart\n"  // 11
                       "run 20ms\n"
                       "ask \"And now?\" value B cart\n"           // 13
                       "choices milk | absent\n"
                       "step \"Second\"\n"                         // 15
                       "ask \"Same?\" relation A B cart\n");
  ASSERT_NE (l, nullptr);
  EXPECT_STREQ (l->title, "Two writes");
  ASSERT_EQ (l->concepts->len, 2u);
  EXPECT_STREQ ((char *) l->concepts->pdata[1], "siblings");
  ASSERT_EQ (l->outline->len, 2u);
  EXPECT_EQ (g_array_index (l->outline, guint, 0), 8u);
  EXPECT_EQ (g_array_index (l->outline, guint, 1), 9u);
  EXPECT_STREQ ((char *) l->implement->pdata[0], "two.mmr");
  ASSERT_EQ (l->steps->len, 2u);
  ASSERT_EQ (l->worlds->len, 1u);

  MmrLabStep *s1 = (MmrLabStep *) l->steps->pdata[0];
  EXPECT_EQ (s1->line, 7u);
  EXPECT_EQ (s1->last_line, 14u);
  EXPECT_TRUE (s1->starts_world);
  EXPECT_STREQ (s1->text, "Write *twice*.\n\n```\n# not a heading\n```\n\n"
                          "### A detail\n\nStill step 1.\n\n"
                          "More *text*, # kept.");
  ASSERT_EQ (s1->questions->len, 2u);
  MmrLabQuestion *q = (MmrLabQuestion *) s1->questions->pdata[1];
  EXPECT_STREQ (q->id, "1.2");
  EXPECT_EQ (q->line, 13u);
  EXPECT_EQ (q->kind, MMR_LAB_ASK_VALUE);
  EXPECT_EQ (q->replica, 1);
  EXPECT_STREQ (q->key, "cart");
  EXPECT_FALSE (q->is_generated);
  ASSERT_EQ (q->choices->len, 2u);

  // Listed without choices: generated from the script's puts, not the run.
  q = (MmrLabQuestion *) s1->questions->pdata[0];
  EXPECT_TRUE (q->is_generated);
  ASSERT_EQ (q->choices->len, 2u);
  EXPECT_STREQ (((MmrLabChoice *) q->choices->pdata[0])->label, "milk");
  EXPECT_STREQ (((MmrLabChoice *) q->choices->pdata[1])->label, "absent");

  MmrLabStep *s2 = (MmrLabStep *) l->steps->pdata[1];
  EXPECT_FALSE (s2->starts_world);
  EXPECT_EQ (s2->world, 0);
  q = (MmrLabQuestion *) s2->questions->pdata[0];
  EXPECT_STREQ (q->id, "2.1");
  EXPECT_EQ (q->choices->len, 4u);
  EXPECT_EQ (mmr_lab_n_questions (l), 3u);
  EXPECT_EQ (mmr_lab_find_question (l, "2.1"), q);
  EXPECT_EQ (mmr_lab_find_question (l, "2.2"), nullptr);
  mmr_lab_free (l);
}

TEST_F (LabParser, ScenarioLinesKeepTheirLabLineNumbers)
{
  MmrLab *l = parse (std::string (HEAD)
                     + "step \"s\"\n"
                       "   A put cart milk\n"    // 6, indented
                       "expect B cart absent\n");
  ASSERT_NE (l, nullptr);
  MmrLabWorld *w = (MmrLabWorld *) l->worlds->pdata[0];
  EXPECT_EQ (w->n_world_lines, 5u);   // two.mmr has five lines
  ASSERT_EQ (w->script->commands->len, 2u);
  MmrCommand *c = (MmrCommand *) w->script->commands->pdata[0];
  EXPECT_EQ (c->line, 5u + 6u);
  EXPECT_EQ (c->col, 4u);
  EXPECT_EQ (w->script->config.n_replicas, 2u);
  mmr_lab_free (l);
}

TEST_F (LabParser, AWorldLineInAStepStartsANewWorld)
{
  lab.write ("three.mmr", "replicas X Y Z\n");
  MmrLab *l = parse (std::string (HEAD)
                     + "step \"one\"\n"
                       "A put k v\n"
                       "step \"two\"\n"
                       "world three.mmr\n"
                       "X put k w\n"
                       "ask \"?\" value Z k\n");
  ASSERT_NE (l, nullptr);
  ASSERT_EQ (l->worlds->len, 2u);
  MmrLabStep *s2 = (MmrLabStep *) l->steps->pdata[1];
  EXPECT_TRUE (s2->starts_world);
  EXPECT_EQ (s2->world, 1);
  MmrLabWorld *w0 = (MmrLabWorld *) l->worlds->pdata[0];
  MmrLabWorld *w1 = (MmrLabWorld *) l->worlds->pdata[1];
  EXPECT_EQ (w0->script->commands->len, 1u);
  EXPECT_EQ (w1->script->commands->len, 1u);
  // Generated choices come from the question's own world only.
  MmrLabQuestion *q = (MmrLabQuestion *) s2->questions->pdata[0];
  ASSERT_EQ (q->choices->len, 2u);
  EXPECT_STREQ (((MmrLabChoice *) q->choices->pdata[0])->label, "w");
  mmr_lab_free (l);
}

struct ErrorCase
{
  std::string text;
  const char *message;
};

TEST_F (LabParser, ErrorsPointAtTheLineAndColumn)
{
  const std::string H = HEAD;
  const ErrorCase cases[] = {
    { "", "DIR/lab.mmrlab:1:1: a lab file starts with lab \"Title\"" },
    { "step \"x\"\n", "DIR/lab.mmrlab:1:1: a lab file starts with lab "
                      "\"Title\"" },
    { "lab Two\n", "DIR/lab.mmrlab:1:5: 'lab' needs a title in quotes, e.g. "
                   "lab \"Version vectors\"" },
    { "lab \"T\n", "DIR/lab.mmrlab:1:5: this quoted text has no closing '\"'" },
    /* The scenario language's lexer (src/scenario/lexer.c) reads both. */
    { "lab \"a\\nb\"\n", "DIR/lab.mmrlab:1:7: unknown escape '\\n' in a "
                          "quoted text; only \\\" and \\\\ are allowed" },
    { "lab \"T\"x\n", "DIR/lab.mmrlab:1:8: expected a space after the "
                     "closing quote, got 'x'" },
    { "lab \"T\" \"U\"\n", "DIR/lab.mmrlab:1:9: unexpected '\"U\"' after "
                          "the end of the directive" },
    { "lab \"T\"\nlab \"U\"\n", "DIR/lab.mmrlab:2:1: the lab already has a "
                                "title" },
    { "lab \"T\"\noutline 3\nstep \"s\"\n",
      "DIR/lab.mmrlab:1:1: the lab needs a 'concepts' line before its first "
      "step" },
    { "lab \"T\"\nconcepts a\nstep \"s\"\n",
      "DIR/lab.mmrlab:1:1: the lab needs an 'outline' line before its first "
      "step" },
    { "lab \"T\"\nconcepts a\noutline 3\n",
      "DIR/lab.mmrlab:4:1: the lab has no steps; add one with step \"Title\"" },
    { "lab \"T\"\nconcepts a,,b\n",
      "DIR/lab.mmrlab:2:10: an empty concept in the list" },
    { "lab \"T\"\nconcepts a\noutline §3 §26\n",
      "DIR/lab.mmrlab:3:12: expected an outline section from §1 to §25, got "
      "'§26'" },
    { "lab \"T\"\nconcepts a\noutline\n",
      "DIR/lab.mmrlab:3:9: 'outline' needs sections of the topic outline, "
      "e.g. outline §8 §9" },
    { H + "A put cart milk\n",
      "DIR/lab.mmrlab:5:1: unknown directive 'A'; expected one of: ask, "
      "choices, concepts, guide, implement, lab, outline, section, step, "
      "world (scenario lines belong inside a step)" },
    { H + "stpe \"s\"\n",
      "DIR/lab.mmrlab:5:1: unknown directive 'stpe'; did you mean 'step'?" },
    { H + "step \"s\"\naks \"?\" converged\n",
      "DIR/lab.mmrlab:6:1: unknown directive 'aks'; did you mean 'ask'?" },
    { H + "step \"s\"\n  run 10xs\n",
      "DIR/lab.mmrlab:6:7: expected a duration like 250us, 10ms or 2s, got "
      "'10xs'" },
    { H + "step \"s\"\nexpect D cart = x\n",
      "DIR/lab.mmrlab:6:8: unknown replica 'D'; this scenario has replicas "
      "A, B" },
    { H + "step \"s\"\nseed 4\n",
      "DIR/lab.mmrlab:6:1: 'seed' belongs in the world's scenario (two.mmr), "
      "not in a step" },
    { "lab \"T\"\nconcepts a\noutline 3\nstep \"s\"\nA put k v\n",
      "DIR/lab.mmrlab:5:1: a scenario line needs a world; add 'world "
      "FILE.mmr' before it" },
    { "lab \"T\"\nconcepts a\noutline 3\nstep \"s\"\nask \"?\" converged\n",
      "DIR/lab.mmrlab:5:1: a question needs a world; add 'world FILE.mmr' "
      "before it" },
    { H + "world nope.mmr\n",
      "DIR/lab.mmrlab:5:7: no file 'nope.mmr' in DIR" },
    { H + "world ../two.mmr\n",
      "DIR/lab.mmrlab:5:7: '../two.mmr' must be a path inside the lab "
      "folder" },
    { H + "step \"s\"\nA put k v\nworld two.mmr\n",
      "DIR/lab.mmrlab:7:1: 'world' must come before the step's scenario "
      "lines and questions, once per step" },
    { H + "concepts b\n",
      "DIR/lab.mmrlab:5:1: the concepts are already listed" },
    { H + "step \"s\"\nimplement two.mmr\n",
      "DIR/lab.mmrlab:6:1: 'implement' belongs before the first step" },
    { H + "section \"Step 1: writes\"\n",
      "DIR/lab.mmrlab:5:1: 'section' belongs inside a step; start one with "
      "step \"Title\"" },
    { H + "step \"s\"\nsection \"Step 9\"\n",
      "DIR/lab.mmrlab:6:9: guide.md has no heading \"Step 9\"" },
    { H + "step \"s\"\nsection \"not a heading\"\n",
      "DIR/lab.mmrlab:6:9: guide.md has no heading \"not a heading\"" },
    { H + "step \"s\"\nchoices a | b\n",
      "DIR/lab.mmrlab:6:1: 'choices' must follow its 'ask' line" },
    { H + "step \"s\"\nask \"?\" converged\nA put k v\nchoices yes | no\n",
      "DIR/lab.mmrlab:8:1: 'choices' must follow its 'ask' line" },
    { H + "step \"s\"\nask converged\n",
      "DIR/lab.mmrlab:6:5: 'ask' needs a question in quotes, e.g. ask "
      "\"What does B read?\" value B cart" },
    { H + "step \"s\"\nask \"?\" valu B cart\n",
      "DIR/lab.mmrlab:6:9: unknown question kind 'valu'; did you mean "
      "'value'?" },
    { H + "step \"s\"\nask \"?\" value C cart\n",
      "DIR/lab.mmrlab:6:15: unknown replica 'C'; this world has replicas "
      "A, B" },
    { H + "step \"s\"\nask \"?\" relation A cart\n",
      "DIR/lab.mmrlab:6:20: unknown replica 'cart'; this world has replicas "
      "A, B" },
    { H + "step \"s\"\nask \"?\" relation A\n",
      "DIR/lab.mmrlab:6:20: 'relation' needs two replicas and a key, e.g. "
      "relation A B cart" },
    { H + "step \"s\"\nask \"?\" value B\n",
      "DIR/lab.mmrlab:6:17: 'value' needs a key, e.g. value B cart" },
    { H + "step \"s\"\nask \"?\" value B a.b.c\n",
      "DIR/lab.mmrlab:6:17: expected a key like cart or user.name, got "
      "'a.b.c'" },
    { H + "step \"s\"\nask \"?\" converged now\n",
      "DIR/lab.mmrlab:6:19: unexpected 'now' after the end of the "
      "directive" },
    { H + "step \"s\"\nask \"?\" relation A B k\nchoices equal | newer\n",
      "DIR/lab.mmrlab:7:17: expected equal, dominates, dominated or "
      "concurrent, got 'newer'" },
    { H + "step \"s\"\nask \"?\" value A k\nchoices {b, a} | x | {a,b}\n",
      "DIR/lab.mmrlab:7:22: the choice '{a, b}' is listed twice" },
    { H + "step \"s\"\nask \"?\" value A k\nchoices {a, b | x\n",
      "DIR/lab.mmrlab:7:15: expected ',' or '}' in the set" },
    { H + "step \"s\"\nask \"?\" vv A k\nchoices {A:1} | {C:2}\n",
      "DIR/lab.mmrlab:7:18: unknown replica 'C' in the version vector" },
    { H + "step \"s\"\nask \"?\" value A k\nchoices x\n",
      "DIR/lab.mmrlab:7:1: a question needs at least two choices" },
    { H + "step \"s\"\n\"A\" put k v\n",
      "DIR/lab.mmrlab:6:1: a line cannot start with quoted text" },
    { H + "step \"s\"\n> a\x01 b\n",
      "DIR/lab.mmrlab:6:4: control character U+0001 is not allowed" },
  };

  for (const ErrorCase &c : cases)
    EXPECT_EQ (error_of (c.text), c.message) << "lab text:\n" << c.text;
}

TEST_F (LabParser, AnErrorInTheWorldFilePointsIntoIt)
{
  lab.write ("bad.mmr", "replicas A B\nlatency 10xs\n");
  EXPECT_EQ (error_of ("lab \"T\"\nconcepts a\noutline 3\nworld bad.mmr\n"),
             "DIR/bad.mmr:2:9: expected a duration like 250us, 10ms or 2s, "
             "got '10xs'");
}

TEST_F (LabParser, ReplicaNamedLikeALabWordIsRefused)
{
  lab.write ("odd.mmr", "replicas A step\n");
  EXPECT_EQ (error_of ("lab \"T\"\nconcepts a\noutline 3\nworld odd.mmr\n"),
             "DIR/lab.mmrlab:4:7: odd.mmr names a replica 'step', which is a "
             "word of the lab language");
}

TEST_F (LabParser, LoadReportsAMissingLabFile)
{
  GError *error = nullptr;

  EXPECT_EQ (mmr_lab_load (lab.dir.c_str (), &error), nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_EQ (error->code, MMR_LAB_ERROR_IO);
  EXPECT_EQ (std::string (error->message),
             lab.dir + "/lab.mmrlab: cannot read: No such file or directory");
  g_error_free (error);
}

TEST (MmrLabGuide, SectionsEndAtTheNextHeadingOfTheSameLevel)
{
  char *s = mmr_lab_guide_dup_section (GUIDE, "Step 1: writes");

  EXPECT_STREQ (s, "Write *twice*.\n\n```\n# not a heading\n```\n\n"
                   "### A detail\n\nStill step 1.");
  g_free (s);
  s = mmr_lab_guide_dup_section (GUIDE, "What to take away");
  EXPECT_STREQ (s, "Everything.");
  g_free (s);
  EXPECT_EQ (mmr_lab_guide_dup_section (GUIDE, "not a heading"), nullptr);

  GPtrArray *h = mmr_lab_guide_dup_headings (GUIDE);
  ASSERT_EQ (h->len, 4u);
  EXPECT_STREQ ((char *) h->pdata[0], "A lab");
  EXPECT_STREQ ((char *) h->pdata[3], "What to take away");
  g_ptr_array_unref (h);
}

// Answers go through the question's reader: same meaning, same key.
class LabAnswerSyntax : public ::testing::Test
{
protected:
  std::string
  key (MmrLabAskKind kind, const char *text)
  {
    MmrLabQuestion q = {};
    const char *names[] = { "A", "B", nullptr };
    char *problem = nullptr;
    gsize offset = 0;

    q.kind = kind;
    MmrLabChoice *c = mmr_lab_question_read_answer (&q, names, 2, text,
                                                    &problem, &offset);
    std::string out = c != nullptr
                      ? std::string (c->key) + " / " + c->label
                      : "error at " + std::to_string (offset) + ": " + problem;
    mmr_lab_choice_free (c);
    g_free (problem);
    // The key separator is U+001F: show it, and keep it out of gtest's XML.
    for (size_t at; (at = out.find ('\x1f')) != std::string::npos;)
      out.replace (at, 1, "<US>");
    return out;
  }
};

TEST_F (LabAnswerSyntax, ValuesAndSets)
{
  EXPECT_EQ (key (MMR_LAB_ASK_VALUE, "milk"), "=milk / milk");
  EXPECT_EQ (key (MMR_LAB_ASK_VALUE, "  milk  "), "=milk / milk");
  EXPECT_EQ (key (MMR_LAB_ASK_VALUE, "{milk}"), "=milk / milk");
  EXPECT_EQ (key (MMR_LAB_ASK_VALUE, "{milk, eggs}"),
             "=eggs<US>milk / {eggs, milk}");
  EXPECT_EQ (key (MMR_LAB_ASK_VALUE, "{ eggs,milk ,eggs}"),
             "=eggs<US>milk / {eggs, milk}");
  EXPECT_EQ (key (MMR_LAB_ASK_VALUE, "absent"), "!absent / absent");
  EXPECT_EQ (key (MMR_LAB_ASK_VALUE, "\"absent\""), "=absent / \"absent\"");
  EXPECT_EQ (key (MMR_LAB_ASK_VALUE, "\"New York\""),
             "=New York / \"New York\"");
  EXPECT_EQ (key (MMR_LAB_ASK_VALUE, "{\"a,b\", c}"), "=a,b<US>c / "
             "{\"a,b\", c}");
  EXPECT_EQ (key (MMR_LAB_ASK_VALUE, "milk,flour"),
             "=milk,flour / milk,flour");
  EXPECT_EQ (key (MMR_LAB_ASK_VALUE, "{milk,flour, eggs}"),
             "=eggs<US>flour<US>milk / {eggs, flour, milk}");
  EXPECT_EQ (key (MMR_LAB_ASK_VALUE, "New York"),
             "error at 4: unexpected 'York' after the answer");
  EXPECT_EQ (key (MMR_LAB_ASK_VALUE, "{}"),
             "error at 1: an empty set; write absent or none instead");
  /* Quotes as in a scenario (src/scenario/lexer.c). */
  EXPECT_EQ (key (MMR_LAB_ASK_VALUE, "\"a\\\"b\""), "=a\"b / \"a\\\"b\"");
  EXPECT_EQ (key (MMR_LAB_ASK_VALUE, "\"a\\nb\""),
             "error at 2: unknown escape '\\n' in a quoted value; only \\\" "
             "and \\\\ are allowed");
  EXPECT_EQ (key (MMR_LAB_ASK_VALUE, "\"milk"),
             "error at 0: this quoted value has no closing '\"'");
  EXPECT_EQ (key (MMR_LAB_ASK_VALUE, ""), "error at 0: expected an answer");
  EXPECT_EQ (key (MMR_LAB_ASK_WINNER, "none"), "!none / none");
  EXPECT_EQ (key (MMR_LAB_ASK_WINNER, "{a, b}"),
             "error at 0: expected one value, not a set");
  EXPECT_EQ (key (MMR_LAB_ASK_LOST_WRITES, "{(deleted), x}"),
             "=(deleted)<US>x / {(deleted), x}");
}

TEST_F (LabAnswerSyntax, WordsNumbersAndVectors)
{
  EXPECT_EQ (key (MMR_LAB_ASK_RELATION, " concurrent "),
             "concurrent / concurrent");
  EXPECT_EQ (key (MMR_LAB_ASK_CONVERGED, "maybe"),
             "error at 0: expected yes or no, got 'maybe'");
  EXPECT_EQ (key (MMR_LAB_ASK_LOST_COUNT, "007"), "7 / 7");
  EXPECT_EQ (key (MMR_LAB_ASK_LOST_COUNT, "-1"),
             "error at 0: expected a whole number, got '-1'");
  EXPECT_EQ (key (MMR_LAB_ASK_VV, "{B:1, A:2}"), "{A:2, B:1} / {A:2, B:1}");
  EXPECT_EQ (key (MMR_LAB_ASK_VV, "{ }"), "{} / {}");
  EXPECT_EQ (key (MMR_LAB_ASK_VV, "{A:0}"),
             "error at 3: expected a count from 1 up after 'A:'");
  EXPECT_EQ (key (MMR_LAB_ASK_VV, "{A:1, A:2}"),
             "error at 6: replica 'A' appears twice");
  EXPECT_EQ (key (MMR_LAB_ASK_VV, "A:1"),
             "error at 0: expected a version vector like {A:2, B:1} or {}");
}

// ---- issue 10, defect 6: hostile lab folders ----

// Every directive (and the two kinds of plain line) placed before what it
// needs: a title, a step, a world, an ask. Each is refused with its
// place; none may crash. "choices" before any world used to read world -1.
TEST_F (LabParser, EveryDirectiveBeforeWhatItNeedsIsRefused)
{
  const ErrorCase cases[] = {
    { "lab \"T\"\nchoices a | b\n",
      "DIR/lab.mmrlab:2:1: 'choices' must follow its 'ask' line" },
    { "lab \"T\"\nconcepts a\noutline 3\nstep \"s\"\nchoices a | b\n",
      "DIR/lab.mmrlab:5:1: 'choices' must follow its 'ask' line" },
    { "lab \"T\"\nworld two.mmr\nchoices yes | no\n",
      "DIR/lab.mmrlab:3:1: 'choices' must follow its 'ask' line" },
    { "choices a | b\n",
      "DIR/lab.mmrlab:1:1: a lab file starts with lab \"Title\"" },
    { "lab \"T\"\nask \"?\" converged\n",
      "DIR/lab.mmrlab:2:1: 'ask' belongs inside a step; start one with "
      "step \"Title\"" },
    { "lab \"T\"\nstep \"s\"\nask \"?\" value A k\n",
      "DIR/lab.mmrlab:3:1: a question needs a world; add 'world FILE.mmr' "
      "before it" },
    { "lab \"T\"\nsection \"Step 1: writes\"\n",
      "DIR/lab.mmrlab:2:1: 'section' belongs inside a step; start one with "
      "step \"Title\"" },
    { "lab \"T\"\n> text\n",
      "DIR/lab.mmrlab:2:1: '>' lines are a step's instructions; start a "
      "step first with step \"Title\"" },
    { "> text\n", "DIR/lab.mmrlab:1:1: a lab file starts with lab \"Title\"" },
    { "lab \"T\"\nA put k v\n",
      "DIR/lab.mmrlab:2:1: unknown directive 'A'; expected one of: ask, "
      "choices, concepts, guide, implement, lab, outline, section, step, "
      "world (scenario lines belong inside a step)" },
    { "lab \"T\"\nstep \"s\"\nA put k v\n",
      "DIR/lab.mmrlab:3:1: a scenario line needs a world; add 'world "
      "FILE.mmr' before it" },
    { "world two.mmr\n",
      "DIR/lab.mmrlab:1:1: a lab file starts with lab \"Title\"" },
    { "lab \"T\"\nstep \"s\"\nconcepts a\n",
      "DIR/lab.mmrlab:3:1: 'concepts' belongs before the first step" },
    { "lab \"T\"\nstep \"s\"\noutline 3\n",
      "DIR/lab.mmrlab:3:1: 'outline' belongs before the first step" },
    { "lab \"T\"\nstep \"s\"\nguide guide.md\n",
      "DIR/lab.mmrlab:3:1: 'guide' belongs before the first step" },
    { "lab \"T\"\nstep \"s\"\nworld two.mmr\nask \"?\" converged\n"
      "world two.mmr\n",
      "DIR/lab.mmrlab:5:1: 'world' must come before the step's scenario "
      "lines and questions, once per step" },
    { "lab \"T\"\nconcepts a\noutline 3\nworld two.mmr\nstep \"s\"\n"
      "ask \"?\" converged\nstep \"t\"\nchoices yes | no\n",
      "DIR/lab.mmrlab:8:1: 'choices' must follow its 'ask' line" },
  };

  for (const ErrorCase &c : cases)
    EXPECT_EQ (error_of (c.text), c.message) << "lab text:\n" << c.text;
}

TEST_F (LabParser, ASectionWithoutAGuideIsRefused)
{
  g_remove (lab.path ("guide.md").c_str ());
  EXPECT_EQ (error_of ("lab \"T\"\nstep \"s\"\nsection \"A\"\n"),
             "DIR/lab.mmrlab:3:9: cannot read the guide DIR/guide.md: "
             "No such file or directory");
}

// The bytes of @text, NUL bytes included, as a file of the lab.
static void
write_bytes (const TempLab &lab, const char *name, const std::string &text)
{
  ASSERT_TRUE (g_file_set_contents (lab.path (name).c_str (), text.data (),
                                    (gssize) text.size (), nullptr));
}

static std::string
load_error (const TempLab &lab)
{
  GError *error = nullptr;
  MmrLab *l = mmr_lab_load (lab.dir.c_str (), &error);
  std::string msg = error != nullptr ? error->message : "(no error)";

  mmr_lab_free (l);
  g_clear_error (&error);
  for (size_t at; (at = msg.find (lab.dir)) != std::string::npos;)
    msg.replace (at, lab.dir.size (), "DIR");
  return msg;
}

// A NUL byte used to end the text there: what followed it (here a step
// whose expect fails) silently vanished.
TEST_F (LabParser, ANulByteIsRefusedWhereItIs)
{
  std::string text = std::string (HEAD) + "step \"s\"\n> é";
  text += '\0';
  text += "x\nexpect A k = never\n";
  write_bytes (lab, "lab.mmrlab", text);
  EXPECT_EQ (load_error (lab), "DIR/lab.mmrlab:6:4: control character "
                               "U+0000 is not allowed");

  GError *error = nullptr;
  EXPECT_EQ (mmr_lab_parse_len (lab.dir.c_str (), text.data (), text.size (),
                                &error), nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_EQ (error->code, MMR_LAB_ERROR_SYNTAX);
  g_clear_error (&error);

  // In the guide, too: the sections after it would vanish.
  std::string guide = "# G\n\nab";
  guide += '\0';
  guide += "\n## Step 1: writes\nText.\n";
  write_bytes (lab, "guide.md", guide);
  lab.write ("lab.mmrlab", std::string (HEAD) + "step \"s\"\n"
                           "section \"Step 1: writes\"\n");
  EXPECT_EQ (load_error (lab), "DIR/guide.md:3:3: control character U+0000 "
                               "is not allowed");
}

// A message quotes whole characters: 'é', never its first byte alone.
TEST_F (LabParser, ErrorsQuoteWholeCharacters)
{
  std::string msg = error_of (std::string (HEAD) + "step \"s\"\nask \"?\" value A köln\n");
  EXPECT_EQ (msg, "DIR/lab.mmrlab:6:18: unexpected 'ö' in key 'köln'; a key "
                  "is made of letters, digits and _ : / -");
  EXPECT_TRUE (g_utf8_validate (msg.c_str (), -1, nullptr));
  msg = error_of (std::string (HEAD) + "step \"s\"\nask \"?\" value A ök€\n");
  EXPECT_EQ (msg, "DIR/lab.mmrlab:6:17: unexpected 'ö' in key 'ök€'; a key "
                  "is made of letters, digits and _ : / -");
}

// A file a lab names must resolve inside the lab folder, symlinks
// followed: a student's folder cannot read /etc/passwd into a report.
TEST_F (LabParser, SymlinksOutOfTheLabFolderAreRefused)
{
  TempLab outside;
  outside.write ("far.mmr", TWO_REPLICAS);
  outside.write ("guide.md", GUIDE);
  ASSERT_EQ (symlink (outside.path ("far.mmr").c_str (),
                      lab.path ("link.mmr").c_str ()), 0);
  ASSERT_EQ (symlink (outside.dir.c_str (), lab.path ("sub").c_str ()), 0);
  ASSERT_EQ (symlink ("two.mmr", lab.path ("alias.mmr").c_str ()), 0);

  EXPECT_EQ (error_of ("lab \"T\"\nworld link.mmr\n"),
             "DIR/lab.mmrlab:2:7: 'link.mmr' resolves outside the lab "
             "folder");
  EXPECT_EQ (error_of ("lab \"T\"\nworld sub/far.mmr\n"),
             "DIR/lab.mmrlab:2:7: 'sub/far.mmr' resolves outside the lab "
             "folder");
  EXPECT_EQ (error_of ("lab \"T\"\nimplement link.mmr\n"),
             "DIR/lab.mmrlab:2:11: 'link.mmr' resolves outside the lab "
             "folder");
  EXPECT_EQ (error_of ("lab \"T\"\nguide sub/guide.md\n"),
             "DIR/lab.mmrlab:2:7: 'sub/guide.md' resolves outside the lab "
             "folder");
  // The default guide, read by the first section.
  g_remove (lab.path ("guide.md").c_str ());
  ASSERT_EQ (symlink (outside.path ("guide.md").c_str (),
                      lab.path ("guide.md").c_str ()), 0);
  EXPECT_EQ (error_of (std::string (HEAD) + "step \"s\"\n"
                       "section \"Step 1: writes\"\n"),
             "DIR/lab.mmrlab:6:9: the guide 'guide.md' resolves outside the "
             "lab folder");
  // A link that stays inside is an ordinary file of the lab.
  MmrLab *l = parse ("lab \"T\"\nconcepts a\noutline 3\nworld alias.mmr\n"
                     "step \"s\"\nA put k v\n");
  ASSERT_NE (l, nullptr);
  mmr_lab_free (l);
  g_remove (lab.path ("link.mmr").c_str ());
  g_remove (lab.path ("sub").c_str ());
  g_remove (lab.path ("alias.mmr").c_str ());
}

// The lab file itself, linked from elsewhere, is refused as well.
TEST_F (LabParser, ALabFileLinkedFromOutsideIsRefused)
{
  TempLab outside;
  outside.write ("lab.mmrlab", std::string (HEAD) + "step \"s\"\n");
  ASSERT_EQ (symlink (outside.path ("lab.mmrlab").c_str (),
                      lab.path ("lab.mmrlab").c_str ()), 0);
  EXPECT_EQ (load_error (lab), "DIR/lab.mmrlab: resolves outside the lab "
                               "folder");
  g_remove (lab.path ("lab.mmrlab").c_str ());
}

// A section starting with a million blank lines: trimming them used to
// move the whole body once per line (quadratic: hours). The time is
// printed for the notes; meson's timeout is the bound.
TEST_F (LabParser, AGuideOfAMillionBlankLinesLoadsInLinearTime)
{
  std::string guide = "# G\n## Step 1: writes\n";
  guide.append (1000000, '\n');
  guide += "Text.\n";
  guide.append (1000000, '\n');
  guide += "## Next\n";
  lab.write ("guide.md", guide);
  gint64 t0 = g_get_monotonic_time ();
  std::clock_t c0 = std::clock ();
  MmrLab *l = parse (std::string (HEAD) + "step \"s\"\n"
                     "section \"Step 1: writes\"\nsection \"Next\"\n");
  std::clock_t c1 = std::clock ();
  gint64 t1 = g_get_monotonic_time ();
  ASSERT_NE (l, nullptr);
  EXPECT_STREQ (((MmrLabStep *) l->steps->pdata[0])->text, "Text.");
  mmr_lab_free (l);
  std::printf ("guide of 2,000,000 blank lines loaded in %.3f s "
               "(%.3f s of CPU)\n", (double) (t1 - t0) / 1e6,
               (double) (c1 - c0) / CLOCKS_PER_SEC);
}

// A step of 200,000 "> " lines: each line used to copy the whole text.
TEST_F (LabParser, AStepOfManyInstructionLinesLoadsInLinearTime)
{
  std::string text = std::string (HEAD) + "step \"s\"\n";
  for (int i = 0; i < 200000; i++)
    text += "> line\n";
  MmrLab *l = parse (text);
  ASSERT_NE (l, nullptr);
  EXPECT_EQ (strlen (((MmrLabStep *) l->steps->pdata[0])->text),
             200000u * 5 - 1);
  mmr_lab_free (l);
}

// As in a scenario (issue 10, defect 11a): an editor's byte order mark
// before line 1 is no part of the lab, its guide or its answers; columns
// of line 1 count from the first real character.
TEST_F (LabParser, AByteOrderMarkMayBeginALabFileAndItsGuide)
{
  lab.write ("guide.md", std::string ("\xEF\xBB\xBF") + GUIDE);
  MmrLab *l = parse (std::string ("\xEF\xBB\xBF") + HEAD
                     + "step \"s\"\nsection \"A lab\"\n");
  ASSERT_NE (l, nullptr);
  EXPECT_STREQ (l->title, "Two writes");
  // The first heading, found although the mark came before its '#'.
  char *want = mmr_lab_guide_dup_section (GUIDE, "A lab");
  EXPECT_STREQ (((MmrLabStep *) l->steps->pdata[0])->text, want);
  g_free (want);
  mmr_lab_free (l);
  EXPECT_EQ (error_of ("\xEF\xBB\xBFlab Two\n"),
             "DIR/lab.mmrlab:1:5: 'lab' needs a title in quotes, e.g. "
             "lab \"Version vectors\"");
}
