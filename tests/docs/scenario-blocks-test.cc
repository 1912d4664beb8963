// scenario-blocks-test.cc - the docs' scenarios are claims, and a claim
// is only as good as the run that backs it. Citations keep the docs true
// to the code's names (docs-test.cc); this suite keeps them true to its
// behaviour.
//
// The convention (docs/scenario-language.md, "Scenarios in these docs"):
//
//   ```mmr [ARGS...]          a scenario; ARGS go to 'mmr run' (e.g.
//   ...                       --seed 1), and 'exit=N' sets the status the
//   ```                       run must end with (0, every expect holds, by
//                             default)
//   ```mmr-output             optional, right after it: every line must
//   ...                       appear in the program's output (stdout then
//   ```                       stderr), in this order; others may come
//                             between. Trailing blanks are ignored.
//
//   ```mmr-errors             files the parser refuses, each followed by
//   replicas A B              the message it gives: a line starting
//   A pt x 1                  "s.mmr:" ends a case, and the lines before
//   s.mmr:2:3: unknown ...    it (blank lines at its start dropped) are
//   ```                       the file; the run must exit 2 and print it
//
// Each block is written to s.mmr in a fresh folder and run there, so the
// report's first line and error messages read "s.mmr", as in the docs.
// An untagged ``` block that has a 'replicas' line and an 'expect' line
// is a scenario claiming an outcome that nobody runs: that fails too
// (tag it mmr, or text if it is deliberately not runnable).
#include "../mmr-command.h"

#include <algorithm>
#include <string>
#include <vector>

extern "C" {
#include <glib/gstdio.h>
}

struct Block
{
  std::string doc;
  int line = 0;      // of the opening fence, 1-based
  std::string info;  // the words after ```
  std::string body;
  bool has_output = false;
  std::string output; // the mmr-output block after it
};

static std::vector<std::string>
split_lines (const std::string &s)
{
  std::vector<std::string> out;
  size_t at = 0;
  while (at <= s.size ())
    {
      size_t nl = s.find ('\n', at);
      if (nl == std::string::npos)
        nl = s.size ();
      std::string l = s.substr (at, nl - at);
      while (!l.empty () && (l.back () == ' ' || l.back () == '\r'))
        l.pop_back ();
      out.push_back (l);
      at = nl + 1;
    }
  return out;
}

// Every fenced block of @text, in order.
static std::vector<Block>
fenced_blocks (const std::string &doc, const std::string &text)
{
  std::vector<Block> out;
  auto lines = split_lines (text);
  for (size_t i = 0; i < lines.size (); i++)
    {
      if (lines[i].rfind ("```", 0) != 0)
        continue;
      Block b;
      b.doc = doc;
      b.line = (int) i + 1;
      b.info = lines[i].substr (3);
      size_t j = i + 1;
      for (; j < lines.size () && lines[j].rfind ("```", 0) != 0; j++)
        b.body += lines[j] + "\n";
      out.push_back (b);
      i = j;
    }
  return out;
}

static std::string
first_word (const std::string &info)
{
  return info.substr (0, info.find (' '));
}

// The ```mmr blocks of every chapter, each with its ```mmr-output if one
// follows it directly.
static std::vector<Block>
scenario_blocks (std::vector<Block> *untagged_claims)
{
  std::vector<Block> out;
  g_autofree char *dir = g_build_filename (MMR_SOURCE_ROOT, "docs", nullptr);
  GDir *d = g_dir_open (dir, 0, nullptr);
  const char *name;
  std::vector<std::string> names;

  while (d && (name = g_dir_read_name (d)) != nullptr)
    if (g_str_has_suffix (name, ".md"))
      names.push_back (name);
  if (d)
    g_dir_close (d);
  std::sort (names.begin (), names.end ());
  for (const auto &n : names)
    {
      g_autofree char *path = g_build_filename (dir, n.c_str (), nullptr);
      g_autofree char *text = nullptr;
      if (!g_file_get_contents (path, &text, nullptr, nullptr))
        continue;
      auto blocks = fenced_blocks (n, text);
      for (size_t k = 0; k < blocks.size (); k++)
        {
          std::string tag = first_word (blocks[k].info);
          if (tag == "mmr-errors")
            {
              // One Block per case, as if each were "```mmr exit=2" with
              // its message as the output.
              std::string input;
              int at = blocks[k].line + 1;
              for (const auto &l : split_lines (blocks[k].body))
                {
                  at++;
                  if (l.rfind ("s.mmr:", 0) == 0)
                    {
                      Block c = blocks[k];
                      c.line = at - 1;
                      c.info = "mmr exit=2";
                      c.body = input;
                      c.has_output = true;
                      c.output = l + "\n";
                      out.push_back (c);
                      input.clear ();
                    }
                  else if (!(input.empty () && l.empty ()))
                    input += l + "\n";
                }
            }
          else if (tag == "mmr")
            {
              out.push_back (blocks[k]);
              if (k + 1 < blocks.size ()
                  && first_word (blocks[k + 1].info) == "mmr-output")
                {
                  out.back ().has_output = true;
                  out.back ().output = blocks[k + 1].body;
                }
            }
          else if (tag.empty () && untagged_claims
                   && (blocks[k].body.rfind ("replicas ", 0) == 0
                       || blocks[k].body.find ("\nreplicas ")
                              != std::string::npos)
                   && blocks[k].body.find ("\nexpect ") != std::string::npos)
            untagged_claims->push_back (blocks[k]);
        }
    }
  return out;
}

// Runs 'mmr run s.mmr ARGS' in a fresh folder.
static Result
run_block (const Block &b, int *want_status)
{
  g_autofree char *tmp = g_dir_make_tmp ("docs-scenario-XXXXXX", nullptr);
  g_autofree char *file = g_build_filename (tmp, "s.mmr", nullptr);
  std::vector<std::string> args = { g_getenv ("MMR"), "run", "s.mmr" };
  g_auto (GStrv) words = g_strsplit (b.info.c_str (), " ", -1);

  *want_status = 0;
  for (int i = 1; words[i]; i++)
    {
      if (!*words[i])
        continue;
      if (g_str_has_prefix (words[i], "exit="))
        *want_status = atoi (words[i] + 5);
      else
        args.push_back (words[i]);
    }
  g_file_set_contents (file, b.body.c_str (), -1, nullptr);

  std::vector<char *> argv;
  for (auto &a : args)
    argv.push_back ((char *) a.c_str ());
  argv.push_back (nullptr);
  gchar *out = nullptr, *err = nullptr;
  int wait_status = 0;
  Result r = { -1, "", "" };
  if (g_spawn_sync (tmp, argv.data (), nullptr, G_SPAWN_DEFAULT, nullptr,
                    nullptr, &out, &err, &wait_status, nullptr))
    r = { WEXITSTATUS (wait_status), out ? out : "", err ? err : "" };
  g_free (out);
  g_free (err);
  g_unlink (file);
  g_rmdir (tmp);
  return r;
}

// Every non-empty line of @want appears as a whole line of @got, in
// order. Returns "" or what is missing.
static std::string
missing_lines (const std::string &want, const std::string &got)
{
  auto w = split_lines (want);
  auto g = split_lines (got);
  size_t at = 0;
  for (const auto &line : w)
    {
      if (line.empty ())
        continue;
      while (at < g.size () && g[at] != line)
        at++;
      if (at == g.size ())
        return "'" + line + "' (or it is out of order)";
      at++;
    }
  return "";
}

// "" when @b holds as written, or why not.
static std::string
check_block (const Block &b)
{
  int want_status = 0;
  Result r = run_block (b, &want_status);
  std::string where = b.doc + ":" + std::to_string (b.line) + ": ";
  if (r.status != want_status)
    return where + "'mmr run s.mmr" + b.info.substr (3) + "' exited "
           + std::to_string (r.status) + ", the doc says "
           + std::to_string (want_status) + "\n" + r.out + r.err;
  if (b.has_output)
    {
      std::string miss = missing_lines (b.output, r.out + r.err);
      if (!miss.empty ())
        return where + "the program does not print " + miss
               + "; it printed:\n" + r.out + r.err;
    }
  return "";
}

TEST (MmrDocsScenarios, EveryScenarioBlockHoldsAsWritten)
{
  auto blocks = scenario_blocks (nullptr);
  EXPECT_GE (blocks.size (), 27u);  // 12 scenarios and 15 refused files today
  for (const auto &b : blocks)
    {
      std::string why = check_block (b);
      EXPECT_EQ (why, "");
    }
}

TEST (MmrDocsScenarios, EveryScenarioThatClaimsAnOutcomeIsRun)
{
  std::vector<Block> untagged;
  scenario_blocks (&untagged);
  for (const auto &b : untagged)
    ADD_FAILURE () << b.doc << ":" << b.line
                   << ": a scenario with expect lines in an untagged block;"
                      " tag it ```mmr so the docs suite runs it";
}

// The checker must be able to say no: a wrong expectation, a wrong
// output line and a wrong exit status each fail.
TEST (MmrDocsScenarios, AWrongClaimFails)
{
  Block b;
  b.doc = "self";
  b.line = 1;
  b.info = "mmr";
  b.body = "replicas A B\nstrategy lww\nA put x 1\nB put x 2\nsettle\n"
           "expect lost 0\n";
  EXPECT_NE (check_block (b).find ("exited 1, the doc says 0"),
             std::string::npos)
      << check_block (b);

  b.body = "replicas A B\nA put x 1\nsettle\nexpect converged\n";
  EXPECT_EQ (check_block (b), "");
  b.has_output = true;
  b.output = "lost writes: 0\nconverged: every replica shows the same state\n";
  EXPECT_NE (check_block (b).find ("does not print 'converged: every "
                                   "replica shows the same state' (or it is "
                                   "out of order)"),
             std::string::npos)
      << check_block (b);
  b.output = "converged: every replica shows the same state\nlost writes: 0\n";
  EXPECT_EQ (check_block (b), "");

  b.info = "mmr exit=2";
  b.body = "replicas A B\nA pt x 1\n";
  b.output = "s.mmr:2:3: unknown action 'pt' for replica A; expected put, "
             "del, or an operation on a CRDT key (incr, decr, add, rem, set)\n";
  EXPECT_EQ (check_block (b), "");
  b.info = "mmr";
  std::string why = check_block (b);
  EXPECT_NE (why.find ("exited 2, the doc says 0"), std::string::npos) << why;
}

// The reference in docs/scenario-language.md lists every command word the
// parser accepts. The parser's own list is the one its "unknown command"
// message prints, so a word added to the parser and not to the reference
// fails here.
TEST (MmrDocsScenarios, TheReferenceNamesEveryCommandTheParserAccepts)
{
  Block b;
  b.doc = "self";
  b.info = "mmr exit=2";
  b.body = "replicas A B\nnosuchcommand\n";
  int status = 0;
  Result r = run_block (b, &status);
  const std::string key = "expected a replica name or one of: ";
  size_t at = r.err.find (key);
  ASSERT_NE (at, std::string::npos) << r.err;
  std::string list = r.err.substr (at + key.size ());
  list = list.substr (0, list.find ('\n'));

  g_autofree char *path = g_build_filename (MMR_SOURCE_ROOT, "docs",
                                            "scenario-language.md", nullptr);
  g_autofree char *text = nullptr;
  ASSERT_TRUE (g_file_get_contents (path, &text, nullptr, nullptr));
  g_auto (GStrv) words = g_strsplit (list.c_str (), ", ", -1);
  guint n = 0;
  for (int i = 0; words[i]; i++, n++)
    {
      std::string word = g_strstrip (words[i]);
      EXPECT_TRUE (strstr (text, ("| `" + word + " ").c_str ())
                   || strstr (text, ("| `" + word + "`").c_str ()))
          << "docs/scenario-language.md has no table row for '" << word
          << "', which the parser accepts";
    }
  EXPECT_GE (n, 27u) << list;
}
