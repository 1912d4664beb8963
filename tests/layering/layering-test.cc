// layering-test.cc - the engine's layers are enforced, not only drawn.
//
// src/meson.build draws the layers:
//   core <- crdt, store <- net <- sync <- sim <- record <- scenario
//        <- lab, check <- explore <- cli, gui
// A file may include a header from its own folder or from a folder in a
// strictly lower layer, never from a layer above it or beside it (crdt
// and store do not know each other; lab and check do not). Private
// headers (*-private.h) are for their own folder only. src/ never
// includes GTK. The test reads every #include "..." in src/ and gui/ and
// fails naming the file, the line and the rule, so a layering mistake
// is a red test rather than a comment that drifted (issue 11).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

extern "C" {
#include <glib.h>
}

// The rank of each folder: lower ranks are lower layers. Equal ranks
// are siblings that must not include each other.
static const std::map<std::string, int> &
ranks ()
{
  static const std::map<std::string, int> r = {
    { "core", 0 },     { "crdt", 10 },  { "store", 10 }, { "net", 20 },
    { "sync", 30 },    { "sim", 40 },   { "record", 45 }, { "scenario", 50 },
    { "lab", 60 },     { "check", 60 }, { "explore", 70 }, { "cli", 80 },
    { "gui", 80 },
  };
  return r;
}

struct Include
{
  std::string file;  // e.g. src/sim/world.c
  int line;
  std::string folder;  // the including file's folder: sim, gui, ...
  std::string target;  // what is included, as written
  bool system;         // <...>
};

static void
scan_file (const std::string &rel, const std::string &folder,
           std::vector<Include> &out)
{
  g_autofree char *path = g_build_filename (MMR_SOURCE_ROOT, rel.c_str (),
                                            nullptr);
  g_autofree char *text = nullptr;
  ASSERT_TRUE (g_file_get_contents (path, &text, nullptr, nullptr)) << rel;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (int i = 0; lines[i]; i++)
    {
      const char *s = lines[i];
      while (*s == ' ' || *s == '\t')
        s++;
      if (!g_str_has_prefix (s, "#include"))
        continue;
      s += strlen ("#include");
      while (*s == ' ')
        s++;
      char close = *s == '<' ? '>' : *s == '"' ? '"' : 0;
      if (!close)
        continue;
      const char *end = strchr (s + 1, close);
      if (!end)
        continue;
      out.push_back ({ rel, i + 1, folder, std::string (s + 1, end),
                       close == '>' });
    }
}

static std::vector<Include>
all_includes ()
{
  std::vector<Include> out;
  for (const char *top : { "src", "gui" })
    {
      g_autofree char *dir = g_build_filename (MMR_SOURCE_ROOT, top, nullptr);
      g_autoptr (GDir) d = g_dir_open (dir, 0, nullptr);
      const char *name;
      while (d && (name = g_dir_read_name (d)) != nullptr)
        {
          std::string sub = std::string (top) + "/" + name;
          g_autofree char *sub_path = g_build_filename (dir, name, nullptr);
          if (std::string (top) == "gui")
            {
              if (g_str_has_suffix (name, ".c") || g_str_has_suffix (name, ".h"))
                scan_file (sub, "gui", out);
              continue;
            }
          if (!g_file_test (sub_path, G_FILE_TEST_IS_DIR))
            continue;
          g_autoptr (GDir) inner = g_dir_open (sub_path, 0, nullptr);
          const char *file;
          while (inner && (file = g_dir_read_name (inner)) != nullptr)
            if (g_str_has_suffix (file, ".c") || g_str_has_suffix (file, ".h"))
              scan_file (sub + "/" + file, name, out);
        }
    }
  return out;
}

// The problems with one include, or "" when it keeps the rules.
static std::string
judge (const Include &inc)
{
  bool in_src = g_str_has_prefix (inc.file.c_str (), "src/");
  if (inc.system)
    {
      if (in_src && (g_str_has_prefix (inc.target.c_str (), "gtk/")
                     || g_str_has_prefix (inc.target.c_str (), "gdk/")))
        return "src/ never includes GTK";
      return "";
    }
  std::string::size_type slash = inc.target.find ('/');
  std::string folder = slash == std::string::npos
                         ? inc.folder
                         : inc.target.substr (0, slash);
  if (g_str_has_suffix (inc.target.c_str (), "-private.h")
      && folder != inc.folder)
    return "a private header of " + folder + "/ is for that folder only";
  if (folder == inc.folder)
    return "";
  auto from = ranks ().find (inc.folder);
  auto to = ranks ().find (folder);
  if (from == ranks ().end ())
    return "folder " + inc.folder + " has no layer: add it to ranks() and "
           "to src/meson.build's drawing";
  if (to == ranks ().end ())
    return "included folder " + folder + " has no layer";
  if (to->second >= from->second)
    return inc.folder + " (layer " + std::to_string (from->second)
           + ") must not include " + folder + " (layer "
           + std::to_string (to->second) + ")";
  return "";
}

TEST (Layering, EveryIncludeGoesDown)
{
  std::vector<Include> incs = all_includes ();
  // The tree really was read: hundreds of includes, from every layer.
  ASSERT_GT (incs.size (), 300u);
  int bad = 0;
  for (const Include &inc : incs)
    {
      std::string why = judge (inc);
      if (!why.empty ())
        {
          ADD_FAILURE () << inc.file << ":" << inc.line << ": #include \""
                         << inc.target << "\": " << why;
          bad++;
        }
    }
  EXPECT_EQ (bad, 0);
}

// The judge itself must be able to say no: these made-up includes break
// each rule once.
TEST (Layering, JudgeRefusesEachKindOfMistake)
{
  EXPECT_EQ (judge ({ "src/core/clock.c", 1, "core", "sim/world.h", false }),
             "core (layer 0) must not include sim (layer 40)");
  EXPECT_EQ (judge ({ "src/crdt/or-set.c", 1, "crdt", "store/store.h", false }),
             "crdt (layer 10) must not include store (layer 10)");
  EXPECT_EQ (judge ({ "src/sim/world.c", 1, "sim", "sync/replica-private.h",
                      false }),
             "a private header of sync/ is for that folder only");
  EXPECT_EQ (judge ({ "src/sim/view.c", 1, "sim", "gtk/gtk.h", true }),
             "src/ never includes GTK");
  EXPECT_EQ (judge ({ "gui/mmr-window.c", 1, "gui", "gtk/gtk.h", true }), "");
  EXPECT_EQ (judge ({ "src/cli/main.c", 1, "cli", "lab/lab.h", false }), "");
  EXPECT_EQ (judge ({ "src/lab/lab.h", 1, "lab", "check/campaign.h", false }),
             "lab (layer 60) must not include check (layer 60)");
}
