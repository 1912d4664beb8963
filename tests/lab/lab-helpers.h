// lab-helpers.h - temporary lab folders for the lab tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

extern "C" {
#include <glib.h>
#include <glib/gstdio.h>
}

// A fresh folder under the temp dir, removed (one level deep, plus
// subfolders' files) when the object dies.
class TempLab
{
public:
  TempLab ()
  {
    GError *error = nullptr;
    char *d = g_dir_make_tmp ("mmr-lab-test-XXXXXX", &error);

    EXPECT_NE (d, nullptr) << (error ? error->message : "");
    dir = d;
    g_free (d);
    g_clear_error (&error);
  }

  ~TempLab () { remove_tree (dir); }

  void
  write (const std::string &name, const std::string &text) const
  {
    std::string path = dir + "/" + name;
    char *parent = g_path_get_dirname (path.c_str ());

    g_mkdir_with_parents (parent, 0700);
    g_free (parent);
    ASSERT_TRUE (g_file_set_contents (path.c_str (), text.c_str (), -1,
                                      nullptr));
  }

  std::string path (const std::string &name) const { return dir + "/" + name; }

  std::string dir;

private:
  static void
  remove_tree (const std::string &path)
  {
    GDir *d = g_dir_open (path.c_str (), 0, nullptr);
    const char *name;

    if (d == nullptr)
      {
        g_remove (path.c_str ());
        return;
      }
    while ((name = g_dir_read_name (d)) != nullptr)
      remove_tree (path + "/" + name);
    g_dir_close (d);
    g_rmdir (path.c_str ());
  }
};

// The world most tests use: two replicas, 10ms links, siblings.
static const char *const TWO_REPLICAS =
  "replicas A B\n"
  "seed 1\n"
  "strategy siblings\n"
  "latency 10ms\n"
  "antientropy off\n";

static const char *const GUIDE =
  "# A lab\n"
  "\n"
  "Intro.\n"
  "\n"
  "## Step 1: writes\n"
  "\n"
  "Write *twice*.\n"
  "\n"
  "```\n"
  "# not a heading\n"
  "```\n"
  "\n"
  "### A detail\n"
  "\n"
  "Still step 1.\n"
  "\n"
  "## What to take away ##\n"
  "\n"
  "Everything.\n";
