/* shrink.c - delta debugging over a scenario's lines
 *
 * The concept: a random world that breaks an invariant has dozens of
 * lines, most of them irrelevant. Shrinking removes what is not needed,
 * keeping a candidate only when the SAME invariant still fails with the
 * SAME seed (a different failure would be a different bug; the seed line
 * stays, so the result reproduces with a plain "mmr run FILE"):
 *
 *   1. comments, blank lines and expect lines go (they change no run);
 *   2. ddmin (Zeller and Hildebrandt, "Simplifying and Isolating
 *      Failure-Inducing Input", 2002) over every line except "replicas",
 *      "seed" and the final "heal" + "settle": remove chunks of n lines,
 *      halving n when no chunk can go, down to single lines;
 *   3. replicas: drop one replica (down to two) with every line naming it;
 *   4. durations: halve each run/settle/latency/skew/antientropy duration
 *      while the failure stays;
 *   5. step 2 once more on what is left.
 *
 * Removing a line shifts the random stream, so a candidate may fail by a
 * different route; that is fine, as long as it is the same invariant.
 *
 * Interface (shrink.h): mmr_shrink_scenario, mmr_shrink_text (the
 * algorithm with any predicate), mmr_shrink_set_seed.
 * Invariants: the result parses, keeps its final heal + settle, and fails
 * the invariant it was given; at most max_runs candidates are run.
 *
 * Taught in docs/checking.md ("Shrinking").
 */
#include "check/shrink.h"

#include <string.h>

#include "check/campaign.h"
#include "core/duration.h"

typedef struct {
  MmrShrinkFunc fails;
  gpointer user_data;
  guint runs;
  guint max_runs;
  GPtrArray *fixed_head;     /* replicas + seed lines */
  GPtrArray *fixed_tail;     /* heal + settle */
} Shrink;

static gboolean
first_token_is (const char *line, const char *word)
{
  gsize n = strlen (word);

  while (*line == ' ' || *line == '\t')
    line++;
  return strncmp (line, word, n) == 0
         && (line[n] == '\0' || line[n] == ' ' || line[n] == '\t');
}

char *
mmr_shrink_set_seed (const char *text, guint64 seed)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);
  gboolean done = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0' && lines[i + 1] == NULL)
        break;
      if (first_token_is (lines[i], "seed"))
        {
          if (!done)
            g_string_append_printf (out, "seed %" G_GUINT64_FORMAT "\n", seed);
          done = TRUE;
          continue;
        }
      g_string_append_printf (out, "%s\n", lines[i]);
      if (!done && first_token_is (lines[i], "replicas"))
        {
          g_string_append_printf (out, "seed %" G_GUINT64_FORMAT "\n", seed);
          done = TRUE;
        }
    }
  return g_string_free (out, FALSE);
}

static char *
join (Shrink *s, GPtrArray *body)
{
  GString *out = g_string_new (NULL);
  GPtrArray *parts[] = { s->fixed_head, body, s->fixed_tail };

  for (guint p = 0; p < G_N_ELEMENTS (parts); p++)
    for (guint i = 0; i < parts[p]->len; i++)
      g_string_append_printf (out, "%s\n", (const char *) parts[p]->pdata[i]);
  return g_string_free (out, FALSE);
}

/* Does @body still fail the invariant? */
static gboolean
still_fails (Shrink *s, GPtrArray *body)
{
  g_autofree char *text = NULL;

  if (s->runs >= s->max_runs)
    return FALSE;
  s->runs++;
  text = join (s, body);
  return s->fails (text, s->user_data);
}

typedef struct {
  guint64 seed;
  const char *invariant;
} SameFailure;

static gboolean
same_failure_cb (const char *text, gpointer user_data)
{
  SameFailure *f = user_data;
  g_autoptr (MmrCheckRun) run = mmr_check_run_text ("shrink.mmr", text,
                                                    f->seed, 0, NULL);

  return run != NULL && !run->hit_limit
         && mmr_check_run_find (run, f->invariant) != NULL;
}

static GPtrArray *
without_range (GPtrArray *body, guint from, guint n)
{
  GPtrArray *c = g_ptr_array_new ();

  for (guint i = 0; i < body->len; i++)
    if (i < from || i >= from + n)
      g_ptr_array_add (c, body->pdata[i]);
  return c;
}

/* ddmin's complement step: remove chunks of n lines while one can go. */
static void
ddmin (Shrink *s, GPtrArray **body)
{
  guint n = MAX ((*body)->len / 2, 1);

  while (n >= 1 && (*body)->len > 0 && s->runs < s->max_runs)
    {
      gboolean removed = FALSE;

      for (guint from = 0; from < (*body)->len;)
        {
          GPtrArray *c = without_range (*body, from, n);

          if (still_fails (s, c))
            {
              g_ptr_array_unref (*body);
              *body = c;
              removed = TRUE;
            }
          else
            {
              g_ptr_array_unref (c);
              from += n;
            }
        }
      if (!removed)
        {
          if (n == 1)
            break;
          n /= 2;
        }
    }
}

/* Does @line name replica @name (as a word, or one end of A->B)? */
static gboolean
names_replica (const char *line, const char *name)
{
  g_autofree char *copy = g_strdup (line);

  for (char *p = copy; *p != '\0'; p++)
    if (strchr ("-<>|\t", *p) != NULL)
      *p = ' ';
  {
    g_auto (GStrv) words = g_strsplit (copy, " ", -1);

    for (guint i = 0; words[i] != NULL; i++)
      if (strcmp (words[i], name) == 0)
        return TRUE;
  }
  return FALSE;
}

static void
drop_replicas (Shrink *s, GPtrArray **body)
{
  const char *replicas_line = s->fixed_head->pdata[0];
  g_auto (GStrv) words = g_strsplit_set (replicas_line, " \t", -1);
  GPtrArray *names = g_ptr_array_new ();

  for (guint i = 1; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_ptr_array_add (names, words[i]);
  for (guint k = names->len; k-- > 0 && names->len > 2;)
    {
      GString *rl = g_string_new ("replicas");
      GPtrArray *c = g_ptr_array_new ();
      char *old_head = s->fixed_head->pdata[0];

      for (guint i = 0; i < names->len; i++)
        if (i != k)
          g_string_append_printf (rl, " %s", (const char *) names->pdata[i]);
      for (guint i = 0; i < (*body)->len; i++)
        if (!names_replica ((*body)->pdata[i], names->pdata[k]))
          g_ptr_array_add (c, (*body)->pdata[i]);
      s->fixed_head->pdata[0] = rl->str;
      if (still_fails (s, c))
        {
          g_free (old_head);
          g_string_free (rl, FALSE);
          g_ptr_array_unref (*body);
          *body = c;
          g_ptr_array_remove_index (names, k);
        }
      else
        {
          s->fixed_head->pdata[0] = old_head;
          g_string_free (rl, TRUE);
          g_ptr_array_unref (c);
        }
    }
  g_ptr_array_unref (names);
}

/* Halves the first duration of a line ("run 300ms" -> "run 150ms"), or
 * NULL when it has none worth halving. */
static char *
halve_duration (const char *line)
{
  g_auto (GStrv) words = g_strsplit (line, " ", -1);
  static const char *const verbs[] = { "run", "settle", "latency", "skew",
                                       "antientropy" };
  gboolean timed = FALSE;

  for (guint v = 0; v < G_N_ELEMENTS (verbs); v++)
    timed |= first_token_is (line, verbs[v]);
  if (!timed)
    return NULL;
  for (guint i = 1; words[i] != NULL; i++)
    {
      gint64 us;

      if (strstr (words[i], "..") == NULL
          && mmr_duration_parse (words[i], TRUE, &us) && (us > 1 || us < -1))
        {
          g_free (words[i]);
          words[i] = g_strdup_printf ("%s%" G_GINT64_FORMAT "us",
                                      us > 0 && words[i - 1] != NULL
                                      && first_token_is (line, "skew")
                                      ? "+" : "", us / 2);
          return g_strjoinv (" ", words);
        }
    }
  return NULL;
}

static void
shorten (Shrink *s, GPtrArray *body, GPtrArray *owned)
{
  for (guint round = 0; round < 4; round++)
    for (guint i = 0; i < body->len; i++)
      {
        char *half = halve_duration (body->pdata[i]);
        gpointer old;

        if (half == NULL)
          continue;
        old = body->pdata[i];
        body->pdata[i] = half;
        if (still_fails (s, body))
          g_ptr_array_add (owned, half);
        else
          {
            body->pdata[i] = old;
            g_free (half);
          }
      }
}

/* Splits @text into head (replicas, seed), body and tail (heal, settle),
 * dropping comments, blank lines and expectations. */
static GPtrArray *
split (Shrink *s, const char *text, GPtrArray *owned)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *body = g_ptr_array_new ();

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *hash = strstr (lines[i], " #");
      char *line;

      if (hash != NULL && strchr (lines[i], '"') == NULL)
        *hash = '\0';
      line = g_strstrip (g_strdup (lines[i]));
      if (line[0] == '\0' || line[0] == '#' || first_token_is (line, "expect"))
        {
          g_free (line);
          continue;
        }
      if (first_token_is (line, "replicas") || first_token_is (line, "seed"))
        g_ptr_array_add (s->fixed_head, line);
      else
        {
          g_ptr_array_add (owned, line);
          g_ptr_array_add (body, line);
        }
    }
  /* The final heal + settle are kept: convergence is owed only there. */
  for (guint k = 0; k < 2 && body->len > 0; k++)
    g_ptr_array_insert (s->fixed_tail, 0,
                        g_ptr_array_steal_index (body, body->len - 1));
  return body;
}

char *
mmr_shrink_text (const char *text, MmrShrinkFunc fails, gpointer user_data,
                 guint max_runs, guint *out_runs)
{
  g_autoptr (GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  Shrink s = { fails, user_data, 0, max_runs,
               g_ptr_array_new_with_free_func (g_free),
               g_ptr_array_new () };
  GPtrArray *body = split (&s, text, owned);
  char *result;

  if (s.fixed_head->len == 0 || !still_fails (&s, body))
    result = g_strdup (text);
  else
    {
      ddmin (&s, &body);
      drop_replicas (&s, &body);
      shorten (&s, body, owned);
      ddmin (&s, &body);
      result = join (&s, body);
    }
  if (out_runs != NULL)
    *out_runs = s.runs;
  g_ptr_array_unref (body);
  g_ptr_array_unref (s.fixed_head);
  g_ptr_array_unref (s.fixed_tail);
  return result;
}

char *
mmr_shrink_scenario (const char *text, guint64 seed, const char *invariant,
                     guint max_runs, guint *out_runs)
{
  g_autofree char *seeded = mmr_shrink_set_seed (text, seed);
  SameFailure f = { seed, invariant };

  return mmr_shrink_text (seeded, same_failure_cb, &f, max_runs, out_runs);
}
