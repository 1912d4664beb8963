/* lab-report.c - lab reports (see lab-report.h)
 *
 * Text and JSON read the same results: the runner's per-step checks and
 * computed answers, graded against the student's answers here and
 * nowhere else, so the two reports can never disagree.
 *
 * Interface: mmr_lab_report_tally(), mmr_lab_tally_passed(),
 * mmr_lab_report_text(), mmr_lab_report_line(), mmr_lab_report_json().
 * Taught in docs/labs.md ("Reports").
 */
#include "lab/lab-report.h"

#include <string.h>

#define GREEN "\033[32m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define RESET "\033[0m"

static MmrLabGrade
grade (const MmrLabOutcome *o, const MmrLabAnswers *answers)
{
  if (o->answer == NULL)
    return MMR_LAB_UNANSWERED;
  return mmr_lab_answers_grade (answers, o->question->id, o->answer->key);
}

void
mmr_lab_report_tally (const MmrLabRunner *runner, const MmrLabAnswers *answers,
                      MmrLabTally *t)
{
  const MmrLab *lab = mmr_lab_runner_get_lab (runner);

  memset (t, 0, sizeof *t);
  t->steps = lab->steps->len;
  for (guint s = 0; s < lab->steps->len; s++)
    {
      const MmrLabStepResult *res = mmr_lab_runner_get_result (runner, s);

      t->steps_done += res->is_done;
      for (guint i = 0; i < res->checks->len; i++)
        {
          t->checks++;
          t->checks_failed += !((MmrLabCheck *) res->checks->pdata[i])->ok;
        }
      for (guint i = 0; i < res->outcomes->len; i++)
        {
          const MmrLabOutcome *o = res->outcomes->pdata[i];

          t->questions++;
          if (o->answer != NULL && !o->is_offered)
            {
              t->checks++;
              t->checks_failed++;
            }
          switch (grade (o, answers))
            {
            case MMR_LAB_RIGHT: t->right++; break;
            case MMR_LAB_WRONG: t->wrong++; break;
            default: t->unanswered++; break;
            }
        }
    }
}

gboolean
mmr_lab_tally_passed (const MmrLabTally *t)
{
  return t->steps_done == t->steps && t->checks_failed == 0 && t->wrong == 0
         && t->unanswered == 0;
}

/* ------------------------------------------------------------------ text */

static const char *
paint (gboolean use_color, const char *color)
{
  return use_color ? color : "";
}

static char *
choice_list (const MmrLabQuestion *q)
{
  GString *s;

  if (q->choices->len == 0)
    return g_strdup_printf ("open: %s", q->kind == MMR_LAB_ASK_VV
                            ? "a version vector like {A:1, B:2}"
                            : "a whole number");
  s = g_string_new (NULL);
  for (guint i = 0; i < q->choices->len; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? " | " : "",
                            ((MmrLabChoice *) q->choices->pdata[i])->label);
  return g_string_free (s, FALSE);
}

static void
text_outcome (GString *out, const MmrLabOutcome *o,
              const MmrLabAnswers *answers, gboolean reveal, gboolean color)
{
  const MmrLabQuestion *q = o->question;
  MmrLabGrade g = grade (o, answers);
  const MmrLabChoice *given = answers != NULL
                              ? mmr_lab_answers_lookup (answers, q->id) : NULL;
  g_autofree char *choices = choice_list (q);

  if (o->answer != NULL && !o->is_offered)
    g_string_append_printf (out, "  %sLAB ERROR%s %s  %s\n"
                            "         the run's answer '%s' is not among the "
                            "choices (%s): fix the lab\n",
                            paint (color, RED), paint (color, RESET), q->id,
                            q->prompt, o->answer->label, choices);
  else if (g == MMR_LAB_RIGHT)
    g_string_append_printf (out, "  %sright%s  %s  %s  %s\n",
                            paint (color, GREEN), paint (color, RESET), q->id,
                            q->prompt, o->answer->label);
  else if (g == MMR_LAB_WRONG)
    {
      /* Not the right answer: the student runs the step and looks again
       * (mmr run, the inspector); --reveal is for instructors. */
      g_string_append_printf (out, "  %swrong%s  %s  %s\n"
                              "         you answered '%s'; that is not what "
                              "the run shows\n",
                              paint (color, RED), paint (color, RESET), q->id,
                              q->prompt, given->label);
      if (reveal)
        g_string_append_printf (out, "         the run says '%s' (%s)\n",
                                o->answer->label, o->evidence);
    }
  else
    {
      g_string_append_printf (out, "  %s?%s      %s  %s\n"
                              "         choices: %s\n",
                              paint (color, YELLOW), paint (color, RESET),
                              q->id, q->prompt, choices);
      if (reveal && o->answer != NULL)
        g_string_append_printf (out, "         the run says '%s' (%s)\n",
                                o->answer->label, o->evidence);
    }
}

static void
text_header (GString *out, const MmrLab *lab)
{
  g_string_append_printf (out, "lab %s  %s\n  %s", lab->number, lab->title,
                          lab->dir);
  g_string_append (out, "  outline");
  for (guint i = 0; i < lab->outline->len; i++)
    g_string_append_printf (out, " §%u",
                            g_array_index (lab->outline, guint, i));
  g_string_append (out, "\n  concepts: ");
  for (guint i = 0; i < lab->concepts->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ", " : "",
                            (const char *) lab->concepts->pdata[i]);
  g_string_append_c (out, '\n');
  for (guint i = 0; i < lab->implement->len; i++)
    g_string_append_printf (out, "  implementation exercise: %s\n",
                            (const char *) lab->implement->pdata[i]);
}

static void
text_tally (GString *out, const MmrLabRunner *runner,
            const MmrLabAnswers *answers, const MmrLabTally *t)
{
  const MmrLab *lab = mmr_lab_runner_get_lab (runner);
  GString *wrong = g_string_new (NULL);

  for (guint s = 0; s < lab->steps->len; s++)
    {
      const MmrLabStepResult *res = mmr_lab_runner_get_result (runner, s);

      for (guint i = 0; i < res->outcomes->len; i++)
        {
          const MmrLabOutcome *o = res->outcomes->pdata[i];

          if (grade (o, answers) == MMR_LAB_WRONG)
            g_string_append_printf (wrong, "%s%s", wrong->len > 0 ? ", " : "",
                                    o->question->id);
        }
    }
  g_string_append_printf (out, "\n%u of %u checks hold; %u of %u answers "
                          "right", t->checks - t->checks_failed, t->checks,
                          t->right, t->questions);
  if (t->wrong > 0)
    g_string_append_printf (out, ", %u wrong (%s)", t->wrong, wrong->str);
  if (t->unanswered > 0)
    g_string_append_printf (out, ", %u unanswered", t->unanswered);
  g_string_append (out, mmr_lab_tally_passed (t) ? "\nlab passed\n"
                                                 : "\nlab not passed\n");
  g_string_free (wrong, TRUE);
}

static void
text_check (GString *out, const MmrLabCheck *c, gboolean color)
{
  g_string_append_printf (out, "  %s%s%s  %s:%u  %s  (%s)\n",
                          paint (color, c->ok ? GREEN : RED),
                          c->ok ? "ok   " : "FAIL ", paint (color, RESET),
                          c->file, c->line, c->text, c->found);
}

/* Checks and questions in file order: a world file's checks ran first,
 * then the lab file's lines top to bottom. */
static void
text_step_body (GString *out, const MmrLabStepResult *res,
                const MmrLabAnswers *answers, gboolean reveal, gboolean color)
{
  guint i = 0, k = 0;

  while (i < res->checks->len || k < res->outcomes->len)
    {
      const MmrLabCheck *c = i < res->checks->len ? res->checks->pdata[i]
                                                  : NULL;
      const MmrLabOutcome *o = k < res->outcomes->len
                               ? res->outcomes->pdata[k] : NULL;

      if (c != NULL && (o == NULL || strcmp (c->file, MMR_LAB_FILE) != 0
                        || c->line < o->question->line))
        text_check (out, res->checks->pdata[i++], color);
      else
        text_outcome (out, res->outcomes->pdata[k++], answers, reveal, color);
    }
}

char *
mmr_lab_report_text (const MmrLabRunner *runner, const MmrLabAnswers *answers,
                     gboolean reveal, gboolean use_color)
{
  const MmrLab *lab = mmr_lab_runner_get_lab (runner);
  GString *out = g_string_new (NULL);
  MmrLabTally t;

  text_header (out, lab);
  for (guint s = 0; s < lab->steps->len; s++)
    {
      const MmrLabStepResult *res = mmr_lab_runner_get_result (runner, s);

      g_string_append_printf (out, "\nstep %u  %s%s\n", res->step->number,
                              res->step->title,
                              res->is_done ? "" : "  (not run)");
      text_step_body (out, res, answers, reveal, use_color);
    }
  mmr_lab_report_tally (runner, answers, &t);
  text_tally (out, runner, answers, &t);
  return g_string_free (out, FALSE);
}

char *
mmr_lab_report_line (const MmrLabRunner *runner, const MmrLabAnswers *answers,
                     gboolean use_color)
{
  const MmrLab *lab = mmr_lab_runner_get_lab (runner);
  MmrLabTally t;
  gboolean passed;

  mmr_lab_report_tally (runner, answers, &t);
  passed = mmr_lab_tally_passed (&t);
  return g_strdup_printf ("%s%s%s  %s  %s  (%u of %u checks, %u of %u "
                          "answers right)",
                          paint (use_color, passed ? GREEN : RED),
                          passed ? "ok  " : "FAIL", paint (use_color, RESET),
                          lab->number, lab->title,
                          t.checks - t.checks_failed, t.checks, t.right,
                          t.questions);
}

/* ------------------------------------------------------------------ json */

static void
member_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
member_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
member_bool (JsonBuilder *b, const char *name, gboolean value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

static void
json_lab (JsonBuilder *b, const MmrLab *lab)
{
  json_builder_set_member_name (b, "lab");
  json_builder_begin_object (b);
  member_string (b, "number", lab->number);
  member_string (b, "title", lab->title);
  member_string (b, "dir", lab->dir);
  json_builder_set_member_name (b, "concepts");
  json_builder_begin_array (b);
  for (guint i = 0; i < lab->concepts->len; i++)
    json_builder_add_string_value (b, lab->concepts->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "outline");
  json_builder_begin_array (b);
  for (guint i = 0; i < lab->outline->len; i++)
    json_builder_add_int_value (b, g_array_index (lab->outline, guint, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "implement");
  json_builder_begin_array (b);
  for (guint i = 0; i < lab->implement->len; i++)
    json_builder_add_string_value (b, lab->implement->pdata[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
json_check (JsonBuilder *b, const MmrLabCheck *c)
{
  json_builder_begin_object (b);
  member_string (b, "file", c->file);
  member_int (b, "line", c->line);
  member_bool (b, "ok", c->ok);
  member_string (b, "text", c->text);
  member_string (b, "found", c->found);
  json_builder_end_object (b);
}

static void
json_outcome (JsonBuilder *b, const MmrLabOutcome *o,
              const MmrLabAnswers *answers, gboolean reveal,
              const MmrLabAttempts *attempts)
{
  const MmrLabQuestion *q = o->question;
  const MmrLabChoice *given = answers != NULL
                              ? mmr_lab_answers_lookup (answers, q->id) : NULL;
  MmrLabGrade g = grade (o, answers);
  /* A wrong answer does not show the right one either. */
  gboolean show = o->answer != NULL && (reveal || g == MMR_LAB_RIGHT
                                        || !o->is_offered);

  json_builder_begin_object (b);
  member_string (b, "id", q->id);
  member_int (b, "line", q->line);
  member_string (b, "prompt", q->prompt);
  member_string (b, "kind", mmr_lab_ask_kind_to_string (q->kind));
  json_builder_set_member_name (b, "choices");
  json_builder_begin_array (b);
  for (guint i = 0; i < q->choices->len; i++)
    {
      const MmrLabChoice *c = q->choices->pdata[i];

      json_builder_add_string_value (b, c->label);
    }
  json_builder_end_array (b);
  member_bool (b, "generated", q->is_generated);
  member_string (b, "answered", given != NULL ? given->label : NULL);
  member_string (b, "grade", mmr_lab_grade_to_string (g));
  member_string (b, "answer", show ? o->answer->label : NULL);
  member_string (b, "evidence", show ? o->evidence : NULL);
  member_bool (b, "offered", o->answer == NULL || o->is_offered);
  json_builder_set_member_name (b, "attempts");
  if (attempts != NULL)
    json_builder_add_int_value (b, mmr_lab_attempts_get (attempts, q->id));
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

static void
json_step (JsonBuilder *b, const MmrLabStepResult *res,
           const MmrLabAnswers *answers, gboolean reveal,
           const MmrLabAttempts *attempts)
{
  json_builder_begin_object (b);
  member_int (b, "number", res->step->number);
  member_string (b, "title", res->step->title);
  member_string (b, "text", res->step->text);
  member_bool (b, "done", res->is_done);
  json_builder_set_member_name (b, "checks");
  json_builder_begin_array (b);
  for (guint i = 0; i < res->checks->len; i++)
    json_check (b, res->checks->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "questions");
  json_builder_begin_array (b);
  for (guint i = 0; i < res->outcomes->len; i++)
    json_outcome (b, res->outcomes->pdata[i], answers, reveal, attempts);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
json_tally (JsonBuilder *b, const MmrLabTally *t, const MmrLab *lab,
            const MmrLabAttempts *attempts)
{
  json_builder_set_member_name (b, "summary");
  json_builder_begin_object (b);
  member_int (b, "steps", t->steps);
  member_int (b, "checks", t->checks);
  member_int (b, "checks_failed", t->checks_failed);
  member_int (b, "questions", t->questions);
  member_int (b, "right", t->right);
  member_int (b, "wrong", t->wrong);
  member_int (b, "unanswered", t->unanswered);
  member_bool (b, "passed", mmr_lab_tally_passed (t));
  json_builder_set_member_name (b, "attempts");
  if (attempts != NULL)
    {
      gint64 total = 0;

      for (guint s = 0; s < lab->steps->len; s++)
        {
          const MmrLabStep *step = lab->steps->pdata[s];

          for (guint i = 0; i < step->questions->len; i++)
            total += mmr_lab_attempts_get (
                attempts, ((const MmrLabQuestion *)
                           step->questions->pdata[i])->id);
        }
      json_builder_add_int_value (b, total);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

JsonNode *
mmr_lab_report_json (const MmrLabRunner *runner, const MmrLabAnswers *answers,
                     gboolean reveal)
{
  return mmr_lab_report_json_attempts (runner, answers, reveal, NULL);
}

JsonNode *
mmr_lab_report_json_attempts (const MmrLabRunner *runner,
                              const MmrLabAnswers *answers, gboolean reveal,
                              const MmrLabAttempts *attempts)
{
  const MmrLab *lab = mmr_lab_runner_get_lab (runner);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  MmrLabTally t;

  json_builder_begin_object (b);
  json_lab (b, lab);
  json_builder_set_member_name (b, "steps");
  json_builder_begin_array (b);
  for (guint s = 0; s < lab->steps->len; s++)
    json_step (b, mmr_lab_runner_get_result (runner, s), answers, reveal,
               attempts);
  json_builder_end_array (b);
  mmr_lab_report_tally (runner, answers, &t);
  json_tally (b, &t, lab, attempts);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
