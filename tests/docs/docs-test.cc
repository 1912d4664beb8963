// docs-test.cc - the docs cite code by pattern ("src/sim/world.c:/DOC:
// settle/"), as the xv6 book does; this suite fails when a cited file or
// pattern disappears, so renaming code breaks the build, not the reader.
#include <gtest/gtest.h>

#include <string>
#include <vector>

extern "C" {
#include <glib.h>
}

struct Citation
{
  std::string doc, file, pattern;
};

static std::vector<Citation>
citations ()
{
  std::vector<Citation> out;
  g_autofree char *dir = g_build_filename (MMR_SOURCE_ROOT, "docs", nullptr);
  GDir *d = g_dir_open (dir, 0, nullptr);
  const char *name;
  GRegex *re = g_regex_new ("((?:src|gui|bench|labs)/[A-Za-z0-9_/.-]+\\.(?:c|h|cc))"
                            "(?::/([^/`]+)/)?", G_REGEX_DEFAULT,
                            G_REGEX_MATCH_DEFAULT, nullptr);

  while (d && (name = g_dir_read_name (d)) != nullptr)
    {
      if (!g_str_has_suffix (name, ".md"))
        continue;
      g_autofree char *path = g_build_filename (dir, name, nullptr);
      g_autofree char *text = nullptr;
      GMatchInfo *m = nullptr;

      g_file_get_contents (path, &text, nullptr, nullptr);
      // A bare ":/pattern/" continues the last file named (the docs write
      // "src/x.c:/DOC: a/, /DOC: b/").
      g_regex_match (re, text, G_REGEX_MATCH_DEFAULT, &m);
      while (g_match_info_matches (m))
        {
          g_autofree char *file = g_match_info_fetch (m, 1);
          g_autofree char *pat = g_match_info_fetch (m, 2);
          out.push_back ({ name, file, pat ? pat : "" });
          g_match_info_next (m, nullptr);
        }
      g_match_info_free (m);
    }
  if (d)
    g_dir_close (d);
  g_regex_unref (re);
  return out;
}

TEST (MmrDocs, EveryCitedFileAndPatternExists)
{
  auto cites = citations ();
  EXPECT_GT (cites.size (), 40u);
  for (const auto &c : cites)
    {
      g_autofree char *path = g_build_filename (MMR_SOURCE_ROOT,
                                                c.file.c_str (), nullptr);
      g_autofree char *text = nullptr;

      if (!g_file_get_contents (path, &text, nullptr, nullptr))
        {
          ADD_FAILURE () << c.doc << " cites " << c.file
                         << ", which does not exist";
          continue;
        }
      if (!c.pattern.empty ())
        {
          EXPECT_NE (strstr (text, c.pattern.c_str ()), nullptr)
              << c.doc << " cites " << c.file << ":/" << c.pattern
              << "/, which is not in the file";
        }
    }
}

static void
collect_sources (const char *dir, std::string &all)
{
  GDir *d = g_dir_open (dir, 0, nullptr);
  const char *name;

  while (d && (name = g_dir_read_name (d)) != nullptr)
    {
      g_autofree char *path = g_build_filename (dir, name, nullptr);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_sources (path, all);
      else if (g_str_has_suffix (name, ".c") || g_str_has_suffix (name, ".h"))
        {
          g_autofree char *text = nullptr;
          if (g_file_get_contents (path, &text, nullptr, nullptr))
            all += text;
        }
    }
  if (d)
    g_dir_close (d);
}

// "/DOC: settle/" written after a file was named: the marker must exist
// somewhere in the sources.
TEST (MmrDocs, EveryDocMarkerExistsInTheSources)
{
  std::string all;
  g_autofree char *src = g_build_filename (MMR_SOURCE_ROOT, "src", nullptr);
  g_autofree char *dir = g_build_filename (MMR_SOURCE_ROOT, "docs", nullptr);
  GRegex *re = g_regex_new ("/(DOC: [a-z0-9-]+)/", G_REGEX_DEFAULT,
                            G_REGEX_MATCH_DEFAULT, nullptr);
  GDir *d = g_dir_open (dir, 0, nullptr);
  const char *name;
  guint n = 0;

  g_autofree char *gui = g_build_filename (MMR_SOURCE_ROOT, "gui", nullptr);

  collect_sources (src, all);
  collect_sources (gui, all);
  while (d && (name = g_dir_read_name (d)) != nullptr)
    {
      if (!g_str_has_suffix (name, ".md"))
        continue;
      g_autofree char *path = g_build_filename (dir, name, nullptr);
      g_autofree char *text = nullptr;
      GMatchInfo *m = nullptr;

      g_file_get_contents (path, &text, nullptr, nullptr);
      g_regex_match (re, text, G_REGEX_MATCH_DEFAULT, &m);
      for (; g_match_info_matches (m); g_match_info_next (m, nullptr), n++)
        {
          g_autofree char *marker = g_match_info_fetch (m, 1);
          EXPECT_NE (all.find (marker), std::string::npos)
              << name << " cites the marker '" << marker
              << "', which no source file has";
        }
      g_match_info_free (m);
    }
  if (d)
    g_dir_close (d);
  g_regex_unref (re);
  EXPECT_GT (n, 20u);
}

// Every "§N" a reader meets (in docs/, the lab guides and lab files, the
// README) names one of the outline's 25 sections, and the course map in
// docs/labs.md has one row per section, so a reader of the repository
// can resolve each reference without the outline itself (issue 15).
static std::string
read_rel (const char *rel)
{
  g_autofree char *path = g_build_filename (MMR_SOURCE_ROOT, rel, nullptr);
  g_autofree char *text = nullptr;
  if (!g_file_get_contents (path, &text, nullptr, nullptr))
    return "";
  return text;
}

TEST (Docs, EverySectionReferenceResolvesInTheCourseMap)
{
  std::string map = read_rel ("docs/labs.md");
  for (int n = 1; n <= 25; n++)
    EXPECT_NE (map.find ("\n| " + std::to_string (n) + " | "),
               std::string::npos)
        << "docs/labs.md's course map has no row for §" << n;

  std::vector<std::string> files = { "README.md" };
  for (const char *top : { "docs", "labs" })
    {
      g_autofree char *dir = g_build_filename (MMR_SOURCE_ROOT, top, nullptr);
      g_autoptr (GDir) d = g_dir_open (dir, 0, nullptr);
      const char *name;
      while (d && (name = g_dir_read_name (d)) != nullptr)
        {
          std::string rel = std::string (top) + "/" + name;
          if (g_str_has_suffix (name, ".md"))
            files.push_back (rel);
          else if (std::string (top) == "labs")
            for (const char *f : { "/guide.md", "/lab.mmrlab" })
              files.push_back (rel + f);
        }
    }
  GRegex *re = g_regex_new ("§([0-9]+)", G_REGEX_DEFAULT,
                            G_REGEX_MATCH_DEFAULT, nullptr);
  guint seen = 0;
  for (const std::string &rel : files)
    {
      std::string text = read_rel (rel.c_str ());
      GMatchInfo *m = nullptr;
      g_regex_match (re, text.c_str (), G_REGEX_MATCH_DEFAULT, &m);
      for (; g_match_info_matches (m); g_match_info_next (m, nullptr), seen++)
        {
          g_autofree char *num = g_match_info_fetch (m, 1);
          int n = atoi (num);
          EXPECT_TRUE (n >= 1 && n <= 25)
              << rel << " cites §" << num << ", which the outline does not have";
        }
      g_match_info_free (m);
    }
  g_regex_unref (re);
  EXPECT_GT (seen, 50u);
}

// A Markdown table renders only with a separator row under its header
// and the same number of cells in every row ("\|" is a pipe inside a
// cell). A row with a cell too many or too few is silently dropped or
// shifted by most renderers, so the chapters' tables are checked.
TEST (MmrDocs, EveryTableHasASeparatorRowAndEqualRows)
{
  g_autofree char *dir = g_build_filename (MMR_SOURCE_ROOT, "docs", nullptr);
  GDir *d = g_dir_open (dir, 0, nullptr);
  const char *name;
  guint n_tables = 0;

  while (d && (name = g_dir_read_name (d)) != nullptr)
    {
      if (!g_str_has_suffix (name, ".md"))
        continue;
      g_autofree char *path = g_build_filename (dir, name, nullptr);
      g_autofree char *text = nullptr;
      g_file_get_contents (path, &text, nullptr, nullptr);
      g_auto (GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
      gboolean in_fence = FALSE;
      int cells = -1;

      for (int i = 0; lines[i]; i++)
        {
          const char *l = lines[i];
          if (g_str_has_prefix (l, "```"))
            in_fence = !in_fence;
          if (in_fence || l[0] != '|')
            {
              cells = -1;
              continue;
            }
          int n = 0;
          for (const char *p = l; *p; p++)
            if (*p == '|' && (p == l || p[-1] != '\\'))
              n++;
          if (cells < 0)
            {
              n_tables++;
              cells = n;
              EXPECT_TRUE (lines[i + 1]
                           && g_regex_match_simple ("^\\|[-:| ]+\\|$",
                                                    lines[i + 1],
                                                    G_REGEX_DEFAULT,
                                                    G_REGEX_MATCH_DEFAULT))
                  << name << ":" << i + 1
                  << ": a table without a separator row under its header";
            }
          else
            EXPECT_EQ (n, cells) << name << ":" << i + 1
                                 << ": a row with a different number of cells";
        }
    }
  if (d)
    g_dir_close (d);
  EXPECT_GT (n_tables, 20u);
}

// Code points at the docs too ("Taught in docs/clocks.md"): every
// docs/NAME.md named in a source file, a lab or the README exists, so a
// header comment never sends a reader to a chapter that is not there.
static void
collect_doc_mentions (const std::string &rel, GRegex *re,
                      std::vector<std::string> &missing, guint &seen)
{
  g_autofree char *path = g_build_filename (MMR_SOURCE_ROOT, rel.c_str (),
                                            nullptr);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GDir) d = g_dir_open (path, 0, nullptr);
      const char *name;
      while (d && (name = g_dir_read_name (d)) != nullptr)
        collect_doc_mentions (rel + "/" + name, re, missing, seen);
      return;
    }
  if (!g_str_has_suffix (path, ".c") && !g_str_has_suffix (path, ".h")
      && !g_str_has_suffix (path, ".cc") && !g_str_has_suffix (path, ".md")
      && !g_str_has_suffix (path, ".mmrlab") && !g_str_has_suffix (path, ".ui"))
    return;
  g_autofree char *text = nullptr;
  if (!g_file_get_contents (path, &text, nullptr, nullptr))
    return;
  GMatchInfo *m = nullptr;
  g_regex_match (re, text, G_REGEX_MATCH_DEFAULT, &m);
  for (; g_match_info_matches (m); g_match_info_next (m, nullptr), seen++)
    {
      g_autofree char *doc = g_match_info_fetch (m, 1);
      g_autofree char *doc_path = g_build_filename (MMR_SOURCE_ROOT, doc,
                                                    nullptr);
      if (!g_file_test (doc_path, G_FILE_TEST_EXISTS))
        missing.push_back (rel + " names " + doc);
    }
  g_match_info_free (m);
}

TEST (Docs, EveryChapterTheCodeNamesExists)
{
  GRegex *re = g_regex_new ("\\b(docs/[a-z0-9-]+\\.md)", G_REGEX_DEFAULT,
                            G_REGEX_MATCH_DEFAULT, nullptr);
  std::vector<std::string> missing;
  guint seen = 0;
  for (const char *top : { "src", "gui", "labs", "tests", "bench", "fuzz",
                           "README.md" })
    collect_doc_mentions (top, re, missing, seen);
  g_regex_unref (re);
  for (const std::string &m : missing)
    ADD_FAILURE () << m << ", which does not exist";
  EXPECT_GT (seen, 30u);
}
