// mmr-command.h - running the mmr command from a test, as a user would.
// $MMR is the built program and $MMR_SOURCE_ROOT the working directory
// (set by the meson test definitions).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

extern "C" {
#include <glib.h>
}

struct Result
{
  int status;
  std::string out;
  std::string err;
};

// Runs @args (the program first, found on PATH if not a path) and
// returns its exit status and whole output.
inline Result
spawn (std::vector<std::string> args)
{
  std::vector<char *> argv;
  gchar *out = nullptr, *err = nullptr;
  int wait_status = 0;
  GError *error = nullptr;

  for (auto &a : args)
    argv.push_back ((char *) a.c_str ());
  argv.push_back (nullptr);
  EXPECT_TRUE (g_spawn_sync (g_getenv ("MMR_SOURCE_ROOT"), argv.data (),
                             nullptr, G_SPAWN_SEARCH_PATH, nullptr, nullptr,
                             &out, &err, &wait_status, &error));
  Result r = { WEXITSTATUS (wait_status), out ? out : "", err ? err : "" };
  g_free (out);
  g_free (err);
  g_clear_error (&error);
  return r;
}

// Runs "mmr @args".
inline Result
mmr (std::vector<std::string> args)
{
  args.insert (args.begin (), g_getenv ("MMR"));
  return spawn (args);
}
