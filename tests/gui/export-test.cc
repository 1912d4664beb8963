/* export-test.cc - tests for gui/mmr-export.c and the headless command line
 *
 * A PNG export of the demo's space-time diagram shows every replica's lane
 * in that replica's palette colour at the lane's height; the topology shows
 * each node in its colour; SVG exports are SVG; a wrong extension and a
 * broken scenario are refused with exact messages (exit status 2 from the
 * command line, FILE:LINE:COL for the scenario). No display is needed.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <cairo.h>
#include <unistd.h>

extern "C" {
#include "mmr-diagram-view.h"
#include "mmr-export.h"
#include "mmr-palette.h"
#include "mmr-session.h"
#include "mmr-topology-view.h"
}

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "gui-test-util.h"

namespace {

class MmrExport : public ::testing::Test {
protected:
  MmrSession *session = nullptr;
  char *dir = nullptr;

  void SetUp () override
  {
    GError *error = nullptr;
    std::string demo = source_path ("docs/examples/demo.mmr");

    session = mmr_session_new ();
    ASSERT_TRUE (mmr_session_load_file (session, demo.c_str (), &error));
    mmr_session_run_to_end (session);
    dir = g_dir_make_tmp ("mmr-export-XXXXXX", nullptr);
  }

  void TearDown () override
  {
    GDir *d = g_dir_open (dir, 0, nullptr);
    const char *name;

    while ((name = g_dir_read_name (d)) != nullptr)
      {
        g_autofree char *path = g_build_filename (dir, name, nullptr);
        g_remove (path);
      }
    g_dir_close (d);
    g_rmdir (dir);
    g_free (dir);
    g_object_unref (session);
  }

  std::string path (const char *name)
  {
    g_autofree char *p = g_build_filename (dir, name, nullptr);
    return p;
  }
};

bool
pixel_is (cairo_surface_t *s, int x, int y, const GdkRGBA &c)
{
  const unsigned char *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  guint32 px = *(const guint32 *) (data + y * stride + x * 4);
  int r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;

  return std::abs (r - (int) std::lround (c.red * 255)) <= 2
         && std::abs (g - (int) std::lround (c.green * 255)) <= 2
         && std::abs (b - (int) std::lround (c.blue * 255)) <= 2;
}

/* Fraction of the plot's pixels on row @y that have colour @c. */
double
row_share (cairo_surface_t *s, int y, const GdkRGBA &c, int x0, int x1)
{
  int hits = 0;

  for (int x = x0; x < x1; x++)
    hits += pixel_is (s, x, y, c);
  return (double) hits / (x1 - x0);
}

}  // namespace

TEST_F (MmrExport, DiagramPngShowsEveryLaneInItsColour)
{
  GError *error = nullptr;
  std::string out = path ("run.png");
  int width, height;
  cairo_surface_t *png;

  mmr_export_diagram_size (session, &width, &height);
  ASSERT_TRUE (mmr_export_diagram (session, nullptr, out.c_str (), width,
                                   height, &error));
  png = cairo_image_surface_create_from_png (out.c_str ());
  ASSERT_EQ (cairo_surface_status (png), CAIRO_STATUS_SUCCESS);
  ASSERT_EQ (cairo_image_surface_get_width (png), width);
  ASSERT_EQ (cairo_image_surface_get_height (png), height);

  int x0 = (int) mmr_diagram_plot_left () + 2;
  int x1 = (int) mmr_diagram_plot_right (width) - 60;
  for (guint lane = 0; lane < 3; lane++)
    {
      GdkRGBA own;
      int y = (int) mmr_diagram_lane_y (lane, 3, height);

      mmr_palette_replica (lane, &own);
      /* The lane line: its replica's colour along most of the row ... */
      EXPECT_GT (row_share (png, y, own, x0, x1), 0.6) << "lane " << lane;
      /* ... and no other lane's colour along it. */
      for (guint other = 0; other < 3; other++)
        if (other != lane)
          {
            GdkRGBA c;

            mmr_palette_replica (other, &c);
            EXPECT_LT (row_share (png, y, c, x0, x1), 0.05)
                << "lane " << lane << " shows replica " << other;
          }
    }
  cairo_surface_destroy (png);
}

TEST_F (MmrExport, TopologyPngShowsEachNodeInItsColour)
{
  GError *error = nullptr;
  std::string out = path ("topology.png");
  cairo_surface_t *png;

  ASSERT_TRUE (mmr_export_topology (session, FALSE, -1, out.c_str (), 900, 700,
                                    &error));
  png = cairo_image_surface_create_from_png (out.c_str ());
  ASSERT_EQ (cairo_surface_status (png), CAIRO_STATUS_SUCCESS);
  for (guint i = 0; i < 3; i++)
    {
      GdkRGBA c;
      double x, y;

      mmr_palette_replica (i, &c);
      mmr_topology_node_position (i, 3, 900, 700, &x, &y);
      /* Just left of the name, inside the disc. */
      EXPECT_TRUE (pixel_is (png, (int) x - 14, (int) y, c)) << "node " << i;
    }
  cairo_surface_destroy (png);
}

TEST_F (MmrExport, SvgExportsAreSvg)
{
  GError *error = nullptr;
  std::string diagram = path ("run.svg"), topology = path ("topology.SVG");
  g_autofree char *text = nullptr;

  ASSERT_TRUE (mmr_export_diagram (session, nullptr, diagram.c_str (), 1600,
                                   330, &error));
  ASSERT_TRUE (mmr_export_topology (session, TRUE, -1, topology.c_str (), 900,
                                    700, &error));
  ASSERT_TRUE (g_file_get_contents (diagram.c_str (), &text, nullptr, nullptr));
  EXPECT_TRUE (g_str_has_prefix (text, "<?xml"));
  EXPECT_NE (strstr (text, "<svg"), nullptr);
  EXPECT_TRUE (g_file_test (topology.c_str (), G_FILE_TEST_EXISTS));
}

TEST_F (MmrExport, RefusesAnUnknownExtension)
{
  GError *error = nullptr;
  std::string out = path ("run.gif");

  EXPECT_FALSE (mmr_export_diagram (session, nullptr, out.c_str (), 100, 100,
                                    &error));
  ASSERT_NE (error, nullptr);
  EXPECT_TRUE (g_error_matches (error, MMR_EXPORT_ERROR, MMR_EXPORT_ERROR_FORMAT));
  EXPECT_EQ (std::string (error->message),
             out + ": the file name must end in .png or .svg");
  g_clear_error (&error);
  EXPECT_FALSE (g_file_test (out.c_str (), G_FILE_TEST_EXISTS));
}

namespace {

int
run_inspector (const std::vector<std::string> &args, std::string *out,
               std::string *err)
{
  std::vector<char *> argv;
  g_autofree char *o = nullptr;
  g_autofree char *e = nullptr;
  int status = -1;

  argv.push_back ((char *) g_getenv ("MMR_INSPECTOR"));
  for (const auto &a : args)
    argv.push_back ((char *) a.c_str ());
  argv.push_back (nullptr);
  EXPECT_TRUE (g_spawn_sync (nullptr, argv.data (), nullptr,
                             G_SPAWN_DEFAULT, nullptr, nullptr, &o, &e,
                             &status, nullptr));
  *out = o != nullptr ? o : "";
  *err = e != nullptr ? e : "";
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

}  // namespace

TEST_F (MmrExport, CommandLineRendersWithoutADisplay)
{
  std::string out, err, png = path ("cli.png"), svg = path ("cli.svg");
  std::string demo = source_path ("docs/examples/demo.mmr");

  ASSERT_NE (g_getenv ("MMR_INSPECTOR"), nullptr);
  g_unsetenv ("DISPLAY");
  g_unsetenv ("WAYLAND_DISPLAY");
  EXPECT_EQ (run_inspector ({ "--export-diagram", png, demo }, &out, &err), 0)
      << err;
  EXPECT_EQ (out, "wrote " + png + " (1600x330, 97 events)\n");
  EXPECT_EQ (err, "");
  EXPECT_EQ (run_inspector ({ "--export-topology", svg, "--events", "20",
                              demo },
                            &out, &err),
             0)
      << err;
  EXPECT_EQ (out, "wrote " + svg + " (900x700)\n");
  EXPECT_TRUE (g_file_test (png.c_str (), G_FILE_TEST_EXISTS));
  EXPECT_TRUE (g_file_test (svg.c_str (), G_FILE_TEST_EXISTS));
}

TEST_F (MmrExport, CommandLineRefusesBadInputWithStatus2)
{
  std::string out, err, bad = path ("bad.mmr"), png = path ("x.png");

  ASSERT_TRUE (g_file_set_contents (bad.c_str (), "replicas A B\nA put x\n", -1,
                                    nullptr));
  EXPECT_EQ (run_inspector ({ "--export-diagram", png, bad }, &out, &err), 2);
  EXPECT_EQ (err, "mmr-inspector: " + bad
                      + ":2:9: 'put' needs a key and a value, e.g. 'A put "
                        "cart milk'\n");
  EXPECT_EQ (run_inspector ({ "--export-diagram", png }, &out, &err), 2);
  EXPECT_EQ (err, "mmr-inspector: give exactly one scenario FILE to export\n");
  EXPECT_EQ (run_inspector ({ "--export-diagram", png, path ("missing.mmr") },
                            &out, &err),
             2);
  EXPECT_TRUE (g_str_has_prefix (err.c_str (), ("mmr-inspector: " + path ("missing.mmr")).c_str ()))
      << err;
  EXPECT_FALSE (g_file_test (png.c_str (), G_FILE_TEST_EXISTS));
}

TEST_F (MmrExport, CommandLineStopsAtARunLimitAndWritesNothing)
{
  std::string out, err, s = path ("runaway.mmr"), png = path ("r.png");

  ASSERT_TRUE (g_file_set_contents (s.c_str (), "replicas A B\n"
                                    "antientropy 10ms\nA put k v\n"
                                    "run 1000000000s\n", -1, nullptr));
  EXPECT_EQ (run_inspector ({ "--export-diagram", png, "--max-events", "500",
                              s }, &out, &err), 2);
  EXPECT_EQ (err, "mmr-inspector: " + s + ":4: stopped at the limit of 500 "
                  "events; raise it with --max-events N (0 for no limit)\n");
  EXPECT_EQ (out, "");
  EXPECT_FALSE (g_file_test (png.c_str (), G_FILE_TEST_EXISTS));
  EXPECT_FALSE (g_file_test ((png + ".part").c_str (), G_FILE_TEST_EXISTS));
  EXPECT_EQ (run_inspector ({ "--export-diagram", png, "--max-time", "x",
                              s }, &out, &err), 2);
  EXPECT_EQ (err, "mmr-inspector: --max-time expects a duration like 10s or "
                  "90m (0 for no limit), got 'x'\n");
}

namespace {

std::string
file_sha256 (const std::string &path)
{
  g_autofree char *data = nullptr;
  gsize len = 0;

  if (!g_file_get_contents (path.c_str (), &data, &len, nullptr))
    return "<missing>";
  g_autofree char *sum = g_compute_checksum_for_data (
      G_CHECKSUM_SHA256, (const guchar *) data, len);
  return sum;
}

}  // namespace

/* store/output-guard.h's rules for the command line: an export of ours
 * is replaced, anything else only with --force, the scenario never. */
TEST_F (MmrExport, CommandLineReplacesOnlyItsOwnExports)
{
  std::string out, err, png = path ("d.png"), svg = path ("t.svg");
  std::string scenario = path ("s.mmr");
  std::string demo = source_path ("docs/examples/demo.mmr");
  g_autofree char *text = nullptr;
  const std::string hint = " that mmr wrote; move it away, give another "
                           "file name, or pass --force to replace it\n";

  ASSERT_TRUE (g_file_get_contents (demo.c_str (), &text, nullptr, nullptr));
  ASSERT_TRUE (g_file_set_contents (scenario.c_str (), text, -1, nullptr));
  for (int i = 0; i < 2; i++)
    {
      EXPECT_EQ (run_inspector ({ "--export-diagram", png, scenario }, &out,
                                &err), 0) << err;
      EXPECT_EQ (run_inspector ({ "--export-topology", svg, scenario }, &out,
                                &err), 0) << err;
    }
  cairo_surface_t *s = cairo_image_surface_create_from_png (png.c_str ());
  EXPECT_EQ (cairo_surface_status (s), CAIRO_STATUS_SUCCESS)
      << "the marked PNG still reads";
  cairo_surface_destroy (s);

  // Someone's pictures: refused untouched, replaced with --force.
  std::string photo = path ("photo.png"), notes = path ("notes.svg");
  ASSERT_TRUE (g_file_set_contents (photo.c_str (), "\x89PNG\r\n\x1a\n"
                                    "not ours", -1, nullptr));
  ASSERT_TRUE (g_file_set_contents (notes.c_str (), "<?xml version=\"1.0\"?>"
                                    "\n<svg/>\n", -1, nullptr));
  std::string before = file_sha256 (photo);
  EXPECT_EQ (run_inspector ({ "--export-diagram", photo, scenario }, &out,
                            &err), 2);
  EXPECT_EQ (err, "mmr-inspector: " + photo + ": will not replace it: it is"
                  " not a drawing (PNG)" + hint);
  EXPECT_EQ (file_sha256 (photo), before);
  before = file_sha256 (notes);
  EXPECT_EQ (run_inspector ({ "--export-topology", notes, scenario }, &out,
                            &err), 2);
  EXPECT_EQ (err, "mmr-inspector: " + notes + ": will not replace it: it is"
                  " not a drawing (SVG)" + hint);
  EXPECT_EQ (file_sha256 (notes), before);
  EXPECT_EQ (run_inspector ({ "--export-diagram", photo, "--force",
                              scenario }, &out, &err), 0) << err;
  EXPECT_NE (file_sha256 (photo), before);

  // The scenario itself, under another name: never, even with --force.
  std::string link = path ("link.png");
  ASSERT_EQ (symlink (scenario.c_str (), link.c_str ()), 0);
  before = file_sha256 (scenario);
  EXPECT_EQ (run_inspector ({ "--export-diagram", link, "--force",
                              scenario }, &out, &err), 2);
  EXPECT_EQ (err, "mmr-inspector: " + link + ": will not write the drawing"
                  " (PNG) there: it is the scenario this command reads; give"
                  " another file name\n");
  EXPECT_EQ (file_sha256 (scenario), before);
  EXPECT_FALSE (g_file_test ((png + ".part").c_str (), G_FILE_TEST_EXISTS));
}
