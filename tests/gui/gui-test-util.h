/* gui-test-util.h - small helpers shared by the inspector's tests */
#pragma once

#include <glib.h>

#include <string>

extern "C" {
#include "mmr-session.h"
#include "sim/view.h"
}

static inline std::string
source_path (const char *relative)
{
  const char *root = g_getenv ("MMR_SOURCE_ROOT");
  g_autofree char *path = g_build_filename (root != nullptr ? root : ".",
                                            relative, nullptr);
  return path;
}

/* Everything a reader could see at every replica, and the time. */
static inline std::string
world_snapshot (MmrWorld *world)
{
  std::string out = "t=" + std::to_string (mmr_world_now (world));

  for (guint r = 0; r < mmr_world_n_replicas (world); r++)
    {
      GPtrArray *entries = mmr_view_dup (world, r, TRUE);

      out += "\n";
      out += mmr_world_replica_name (world, r);
      for (guint k = 0; k < entries->len; k++)
        {
          MmrViewEntry *e = (MmrViewEntry *) entries->pdata[k];
          g_autofree char *shown = mmr_view_entry_format (e);
          g_autofree char *vv = mmr_version_vector_to_string (
              &e->vv, mmr_world_replica_names (world));

          out += std::string (" ") + e->name + "=" + shown + vv;
        }
      g_ptr_array_unref (entries);
    }
  return out;
}
