// lab-runner-test.cc - running labs: where questions are answered, what
// each kind of question computes, checks, worlds, grading and reports.
#include "lab-helpers.h"

extern "C" {
#include <json-glib/json-glib.h>

#include "lab/lab-answers.h"
#include "lab/lab-report.h"
#include "lab/lab-runner.h"
#include "lab/lab.h"
}

class LabRun : public ::testing::Test
{
protected:
  void
  SetUp () override
  {
    lab.write ("two.mmr", TWO_REPLICAS);
  }

  // Parses and runs a lab whose steps are @steps.
  void
  run (const std::string &steps, const char *world = "two.mmr")
  {
    GError *error = nullptr;
    std::string text = std::string ("lab \"T\"\nconcepts c\noutline 9\n")
                       + "world " + world + "\n" + steps;

    parsed = mmr_lab_parse (lab.dir.c_str (), text.c_str (), &error);
    ASSERT_NE (parsed, nullptr) << error->message;
    runner = mmr_lab_runner_new (parsed);
    mmr_lab_runner_run (runner);
  }

  // The run's answer to question @id, as shown.
  std::string
  answer (const char *id)
  {
    const MmrLabQuestion *q = mmr_lab_find_question (parsed, id);

    EXPECT_NE (q, nullptr) << id;
    const MmrLabStepResult *res = mmr_lab_runner_get_result (runner,
                                                             q->step - 1);
    const MmrLabOutcome *o
      = (const MmrLabOutcome *) res->outcomes->pdata[q->number - 1];
    return o->answer != nullptr ? o->answer->label : "(not reached)";
  }

  const MmrLabOutcome *
  outcome (const char *id)
  {
    const MmrLabQuestion *q = mmr_lab_find_question (parsed, id);
    const MmrLabStepResult *res = mmr_lab_runner_get_result (runner,
                                                             q->step - 1);
    return (const MmrLabOutcome *) res->outcomes->pdata[q->number - 1];
  }

  void
  TearDown () override
  {
    mmr_lab_runner_free (runner);
    mmr_lab_free (parsed);
  }

  TempLab lab;
  MmrLab *parsed = nullptr;
  MmrLabRunner *runner = nullptr;
};

TEST_F (LabRun, AQuestionSeesTheWorldAfterTheLinesAboveIt)
{
  run ("step \"s\"\n"
       "A put cart milk\n"
       "ask \"?\" value B cart\n"
       "run 5ms\n"
       "ask \"?\" value B cart\n"
       "run 6ms\n"
       "ask \"?\" value B cart\n"
       "step \"t\"\n"
       "ask \"?\" converged\n");
  EXPECT_EQ (answer ("1.1"), "absent");
  EXPECT_EQ (answer ("1.2"), "absent");
  EXPECT_EQ (answer ("1.3"), "milk");
  EXPECT_EQ (answer ("2.1"), "yes");
}

TEST_F (LabRun, EveryKindOfQuestionIsComputedFromTheRun)
{
  run ("step \"concurrent\"\n"
       "A put cart milk\n"
       "B put cart eggs\n"
       "ask \"?\" vv A cart\n"                 // 1.1
       "choices {A:1} | {B:1}\n"
       "ask \"?\" relation A B cart\n"         // 1.2
       "ask \"?\" winner cart\n"               // 1.3
       "settle\n"
       "ask \"?\" value A cart\n"              // 1.4
       "choices milk | eggs | {eggs, milk}\n"
       "ask \"?\" sibling-count B cart\n"      // 1.5
       "ask \"?\" conflict-count\n"            // 1.6
       "ask \"?\" winner cart\n"               // 1.7
       "ask \"?\" vv B cart\n"                 // 1.8
       "step \"merged\"\n"
       "A put cart both\n"
       "ask \"?\" relation A B cart\n"         // 2.1
       "ask \"?\" relation B A cart\n"         // 2.2
       "settle\n"
       "ask \"?\" winner cart\n"               // 2.3
       "ask \"?\" relation A B cart\n"         // 2.4
       "ask \"?\" lost-count\n"                // 2.5
       "ask \"?\" lost-writes cart\n"          // 2.6
       "ask \"?\" value B nothing\n"           // 2.7
       "ask \"?\" sibling-count B nothing\n"   // 2.8
       "ask \"?\" vv B nothing\n"              // 2.9
       "step \"deleted\"\n"
       "antientropy 50ms\n"
       "partition A | B\n"
       "A del cart\n"
       "B put cart more\n"
       "heal\n"
       "settle\n"
       "ask \"?\" sibling-count A cart\n"     // 3.1
       "ask \"?\" version-count A cart\n"     // 3.2
       "ask \"?\" value A cart\n");           // 3.3
  EXPECT_EQ (answer ("1.1"), "{A:1}");
  EXPECT_EQ (answer ("1.2"), "concurrent");
  EXPECT_EQ (answer ("1.3"), "none");
  EXPECT_EQ (answer ("1.4"), "{eggs, milk}");
  EXPECT_EQ (answer ("1.5"), "2");
  EXPECT_EQ (answer ("1.6"), "1");
  EXPECT_EQ (answer ("1.7"), "none");   // siblings everywhere: no winner
  EXPECT_EQ (answer ("1.8"), "{A:1, B:1}");
  EXPECT_EQ (answer ("2.1"), "dominates");
  EXPECT_EQ (answer ("2.2"), "dominated");
  EXPECT_EQ (answer ("2.3"), "both");
  EXPECT_EQ (answer ("2.4"), "equal");
  EXPECT_EQ (answer ("2.5"), "0");
  EXPECT_EQ (answer ("2.6"), "none");
  EXPECT_EQ (answer ("2.7"), "absent");
  EXPECT_EQ (answer ("2.8"), "0");
  EXPECT_EQ (answer ("2.9"), "{}");
  EXPECT_EQ (answer ("3.1"), "1");   // the tombstone is not a sibling ...
  EXPECT_EQ (answer ("3.2"), "2");   // ... but it is a version kept
  EXPECT_EQ (answer ("3.3"), "more");
  EXPECT_EQ (std::string (outcome ("3.2")->evidence),
             "A cart is more, vv {A:3, B:2}, 2 versions kept (1 tombstone)");
  EXPECT_EQ (std::string (outcome ("1.2")->evidence),
             "A cart vv {A:1}, B cart vv {B:1}");
  EXPECT_EQ (mmr_lab_runner_n_failed (runner), 0u);
}

TEST_F (LabRun, LostWritesNameTheValueLwwDiscarded)
{
  lab.write ("skew.mmr", "replicas A B\nstrategy lww\nclock physical\n"
                         "latency 10ms\n");
  run ("step \"s\"\n"
       "skew A +5s\n"
       "A put price 10\n"
       "run 50ms\n"
       "B put price 12\n"
       "settle\n"
       "ask \"?\" winner price\n"
       "ask \"?\" lost-writes price\n"
       "ask \"?\" lost-count\n"
       "ask \"?\" lost-writes other\n",
       "skew.mmr");
  EXPECT_EQ (answer ("1.1"), "10");
  EXPECT_EQ (answer ("1.2"), "12");
  EXPECT_EQ (answer ("1.3"), "1");
  EXPECT_EQ (answer ("1.4"), "none");
  EXPECT_EQ (std::string (outcome ("1.2")->evidence), "B put price 12");
}

TEST_F (LabRun, ChecksKeepTheirFileAndLine)
{
  lab.write ("setup.mmr", "replicas A B\nlatency 10ms\n"
                          "A put k v\nexpect A k = v\n");
  run ("step \"s\"\n"                  // 5
       "expect B k = v\n"              // 6: fails, nothing delivered yet
       "settle\n"
       "expect B k = v\n"              // 8
       "step \"t\"\n"
       "settle 1ms\n"                  // 10: nothing to do, settles at once
       "A put k w\n"
       "settle 1ms\n",                 // 12: the push takes 10ms
       "setup.mmr");
  const MmrLabStepResult *r1 = mmr_lab_runner_get_result (runner, 0);
  ASSERT_EQ (r1->checks->len, 3u);
  const MmrLabCheck *c = (const MmrLabCheck *) r1->checks->pdata[0];
  EXPECT_STREQ (c->file, "setup.mmr");
  EXPECT_EQ (c->line, 4u);
  EXPECT_TRUE (c->ok);
  c = (const MmrLabCheck *) r1->checks->pdata[1];
  EXPECT_STREQ (c->file, "lab.mmrlab");
  EXPECT_EQ (c->line, 6u);
  EXPECT_FALSE (c->ok);
  EXPECT_STREQ (c->found, "B k is absent");
  c = (const MmrLabCheck *) r1->checks->pdata[2];
  EXPECT_EQ (c->line, 8u);
  EXPECT_TRUE (c->ok);

  const MmrLabStepResult *r2 = mmr_lab_runner_get_result (runner, 1);
  ASSERT_EQ (r2->checks->len, 1u);
  c = (const MmrLabCheck *) r2->checks->pdata[0];
  EXPECT_EQ (c->line, 12u);
  EXPECT_FALSE (c->ok);
  EXPECT_STREQ (c->text, "settle 1ms");
  EXPECT_STREQ (c->found, "gave up before the world was quiescent");
  EXPECT_EQ (mmr_lab_runner_n_failed (runner), 2u);
}

TEST_F (LabRun, ANewWorldStartsFromItsOwnScenario)
{
  lab.write ("other.mmr", "replicas A B\nlatency 10ms\nB put k fresh\n");
  run ("step \"one\"\n"
       "A put k old\n"
       "settle\n"
       "ask \"?\" value B k\n"
       "step \"two\"\n"
       "world other.mmr\n"
       "settle\n"
       "ask \"?\" value A k\n"
       "ask \"?\" conflict-count\n");
  EXPECT_EQ (answer ("1.1"), "old");
  EXPECT_EQ (answer ("2.1"), "fresh");
  EXPECT_EQ (answer ("2.2"), "0");
}

TEST_F (LabRun, AnAnswerThatIsNotAmongTheChoicesIsALabError)
{
  run ("step \"s\"\n"
       "A put cart milk\n"
       "ask \"?\" value B cart\n"
       "choices milk | eggs\n");
  EXPECT_FALSE (outcome ("1.1")->is_offered);
  EXPECT_EQ (mmr_lab_runner_n_failed (runner), 1u);
  MmrLabTally t;
  mmr_lab_report_tally (runner, nullptr, &t);
  EXPECT_EQ (t.checks_failed, 1u);
  EXPECT_FALSE (mmr_lab_tally_passed (&t));
}

TEST_F (LabRun, StepsRunOneAtATime)
{
  GError *error = nullptr;
  std::string text = "lab \"T\"\nconcepts c\noutline 9\nworld two.mmr\n"
                     "step \"a\"\nA put k v\nrun 20ms\n"
                     "step \"b\"\nB put k w\nask \"?\" value A k\n";

  parsed = mmr_lab_parse (lab.dir.c_str (), text.c_str (), &error);
  ASSERT_NE (parsed, nullptr);
  runner = mmr_lab_runner_new (parsed);
  EXPECT_EQ (mmr_lab_runner_get_world (runner), nullptr);
  EXPECT_TRUE (mmr_lab_runner_run_step (runner));
  EXPECT_EQ (mmr_lab_runner_get_step_index (runner), 1u);
  EXPECT_TRUE (mmr_lab_runner_get_result (runner, 0)->is_done);
  EXPECT_FALSE (mmr_lab_runner_get_result (runner, 1)->is_done);
  EXPECT_EQ (mmr_world_now (mmr_lab_runner_get_world (runner)), 20000);
  EXPECT_EQ (answer ("2.1"), "(not reached)");
  EXPECT_TRUE (mmr_lab_runner_run_step (runner));
  EXPECT_EQ (answer ("2.1"), "v");   // B's write has not reached A yet
  EXPECT_FALSE (mmr_lab_runner_run_step (runner));
  EXPECT_FALSE (mmr_lab_runner_step (runner));
}

TEST_F (LabRun, AnswersAreGradedByMeaning)
{
  run ("step \"s\"\n"
       "A put cart milk\n"
       "B put cart eggs\n"
       "settle\n"
       "ask \"?\" value A cart\n"
       "choices milk | eggs | {eggs, milk}\n"
       "ask \"?\" converged\n"
       "ask \"?\" lost-count\n");
  GError *error = nullptr;
  MmrLabAnswers *a = mmr_lab_answers_parse (
      parsed, "my.txt", "# mine\n1.1 = { milk ,eggs}  # both\n\n1.2 = no\n",
      &error);
  ASSERT_NE (a, nullptr) << error->message;
  MmrLabTally t;
  mmr_lab_report_tally (runner, a, &t);
  EXPECT_EQ (t.right, 1u);
  EXPECT_EQ (t.wrong, 1u);
  EXPECT_EQ (t.unanswered, 1u);
  EXPECT_FALSE (mmr_lab_tally_passed (&t));
  EXPECT_EQ (mmr_lab_answers_grade (a, "1.2", "yes"), MMR_LAB_WRONG);

  char *text = mmr_lab_report_text (runner, a, FALSE, FALSE);
  // Marked wrong without the right answer (issue 15); --reveal shows it.
  EXPECT_NE (strstr (text, "  wrong  1.2  ?\n         you answered 'no'; "
                           "that is not what the run shows\n  "), nullptr)
      << text;
  EXPECT_EQ (strstr (text, "the run says"), nullptr) << text;
  EXPECT_NE (strstr (text, "  ?      1.3  ?\n         choices: open: a whole "
                           "number\n"), nullptr) << text;
  EXPECT_EQ (strstr (text, "the run says '0'"), nullptr) << text;
  EXPECT_NE (strstr (text, "1 of 3 answers right, 1 wrong (1.2), 1 "
                           "unanswered\nlab not passed\n"), nullptr) << text;
  g_free (text);
  text = mmr_lab_report_text (runner, a, TRUE, FALSE);
  EXPECT_NE (strstr (text, "that is not what the run shows\n         the "
                           "run says 'yes' (every replica shows the same "
                           "state)\n"), nullptr) << text;
  g_free (text);

  EXPECT_TRUE (mmr_lab_answers_set (a, "1.2", "yes", nullptr));
  EXPECT_TRUE (mmr_lab_answers_set (a, "1.3", "0", nullptr));
  mmr_lab_report_tally (runner, a, &t);
  EXPECT_TRUE (mmr_lab_tally_passed (&t));
  EXPECT_FALSE (mmr_lab_answers_set (a, "1.1", "bread", &error));
  EXPECT_STREQ (error->message, "1.1: 'bread' is not one of the choices for "
                                "1.1: milk | eggs | {eggs, milk}");
  g_clear_error (&error);
  mmr_lab_answers_free (a);
}

TEST_F (LabRun, AnswersFilesAreCheckedBeforeGrading)
{
  run ("step \"s\"\nask \"?\" converged\nask \"?\" lost-count\n");
  struct
  {
    const char *text, *message;
  } cases[] = {
    { "1.1 = maybe\n", "a.txt:1:7: expected yes or no, got 'maybe'" },
    { "1.1 yes\n", "a.txt:1:5: expected '=' after 1.1, e.g. '1.1 = yes'" },
    { "x = yes\n", "a.txt:1:1: expected a question like 2.1 (step 2, "
                   "question 1) at the start of the line" },
    { "\n  3.1 = yes\n", "a.txt:2:3: this lab has no question 3.1" },
    { "1.1 = yes\n1.1 = no\n", "a.txt:2:1: question 1.1 is already answered "
                               "on line 1" },
    { "1.2 =\n", "a.txt:1:6: expected an answer" },
    { "1.2 = 1.5\n", "a.txt:1:7: expected a whole number, got '1.5'" },
    // A byte order mark is no part of line 1 (issue 10, defect 11a).
    { "\xEF\xBB\xBF" "1.1 = maybe\n", "a.txt:1:7: expected yes or no, got "
                                 "'maybe'" },
  };
  for (auto &c : cases)
    {
      GError *error = nullptr;

      EXPECT_EQ (mmr_lab_answers_parse (parsed, "a.txt", c.text, &error),
                 nullptr);
      ASSERT_NE (error, nullptr) << c.text;
      EXPECT_STREQ (error->message, c.message);
      g_error_free (error);
    }
}

// A NUL byte used to end the answers there: a wrong answer after it went
// unread (issue 10, defect 6).
TEST_F (LabRun, ANulByteInAnAnswersFileIsRefused)
{
  run ("step \"s\"\nask \"?\" converged\nask \"?\" lost-count\n");
  std::string text = "1.1 = yes ";
  text += '\0';
  text += "\n1.2 = 7\n";
  std::string path = lab.path ("a.txt");
  ASSERT_TRUE (g_file_set_contents (path.c_str (), text.data (),
                                    (gssize) text.size (), nullptr));
  GError *error = nullptr;
  EXPECT_EQ (mmr_lab_answers_load (parsed, path.c_str (), &error), nullptr);
  ASSERT_NE (error, nullptr);
  EXPECT_EQ (error->code, MMR_LAB_ERROR_SYNTAX);
  EXPECT_EQ (std::string (error->message),
             path + ":1:11: control character U+0000 is not allowed");
  g_error_free (error);
}

TEST_F (LabRun, JsonHidesTheRunsAnswerUntilAnswered)
{
  run ("step \"s\"\n> Read *this*.\nA put k v\nexpect A k = v\n"
       "ask \"P?\" value A k\nask \"Q?\" converged\n");
  MmrLabAnswers *a = mmr_lab_answers_parse (parsed, "a.txt", "1.2 = yes\n",
                                            nullptr);
  JsonNode *root = mmr_lab_report_json (runner, a, FALSE);
  JsonObject *o = json_node_get_object (root);
  JsonObject *lab_o = json_object_get_object_member (o, "lab");
  EXPECT_STREQ (json_object_get_string_member (lab_o, "title"), "T");
  JsonObject *step = json_array_get_object_element (
      json_object_get_array_member (o, "steps"), 0);
  EXPECT_STREQ (json_object_get_string_member (step, "text"), "Read *this*.");
  JsonArray *checks = json_object_get_array_member (step, "checks");
  ASSERT_EQ (json_array_get_length (checks), 1u);
  JsonObject *check = json_array_get_object_element (checks, 0);
  EXPECT_EQ (json_object_get_int_member (check, "line"), 8);
  EXPECT_TRUE (json_object_get_boolean_member (check, "ok"));
  JsonArray *qs = json_object_get_array_member (step, "questions");
  JsonObject *q1 = json_array_get_object_element (qs, 0);
  JsonObject *q2 = json_array_get_object_element (qs, 1);
  EXPECT_STREQ (json_object_get_string_member (q1, "id"), "1.1");
  EXPECT_STREQ (json_object_get_string_member (q1, "grade"), "unanswered");
  EXPECT_TRUE (json_node_is_null (json_object_get_member (q1, "answer")));
  EXPECT_EQ (json_array_get_length (json_object_get_array_member (q1,
                                                                  "choices")),
             2u);
  EXPECT_STREQ (json_object_get_string_member (q2, "grade"), "wrong");
  // A wrong answer does not get the right one.
  EXPECT_TRUE (json_node_is_null (json_object_get_member (q2, "answer")));
  EXPECT_TRUE (json_node_is_null (json_object_get_member (q2, "evidence")));
  EXPECT_TRUE (json_node_is_null (json_object_get_member (q2, "attempts")));
  EXPECT_STREQ (json_object_get_string_member (q2, "answered"), "yes");
  JsonObject *sum = json_object_get_object_member (o, "summary");
  EXPECT_EQ (json_object_get_int_member (sum, "wrong"), 1);
  EXPECT_FALSE (json_object_get_boolean_member (sum, "passed"));
  json_node_unref (root);

  root = mmr_lab_report_json (runner, nullptr, TRUE);
  step = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (root), "steps"), 0);
  q1 = json_array_get_object_element (
      json_object_get_array_member (step, "questions"), 0);
  EXPECT_STREQ (json_object_get_string_member (q1, "answer"), "v");
  json_node_unref (root);
  mmr_lab_answers_free (a);
}
