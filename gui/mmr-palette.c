/* mmr-palette.c - replica colours and role colours (see mmr-palette.h)
 *
 * The sixteen replica colours are mid-luminance hues chosen to read on a
 * white and on a near-black background alike, ordered so that the first
 * few (most scenarios have three to seven replicas) are far apart in hue
 * and stay distinct for the common forms of colour blindness (blue,
 * orange, green, purple, teal, pink, olive come first). Pure red and amber
 * are reserved for faults and conflicts.
 *
 * Interface: mmr_palette_replica, mmr_palette_role,
 * mmr_palette_n_replica_colours.
 */
#include "mmr-palette.h"

static const guint32 replica_rgb[] = {
  0x2f6fdb, /* blue */
  0xe07b10, /* orange */
  0x1f9e6e, /* green */
  0x9d4ed6, /* purple */
  0x1598b0, /* teal */
  0xd0508e, /* pink */
  0x8c7a12, /* olive */
  0x5c6bc0, /* indigo */
  0x6a9a1f, /* lime */
  0xa8652a, /* brown */
  0x3b8ea5, /* steel */
  0xb04fb8, /* orchid */
  0x7d7064, /* taupe */
  0x00897b, /* sea green */
  0x6d5fd5, /* violet */
  0x5f7d8c, /* slate */
};

static void
from_rgb (guint32 rgb, GdkRGBA *out)
{
  out->red = ((rgb >> 16) & 0xff) / 255.0f;
  out->green = ((rgb >> 8) & 0xff) / 255.0f;
  out->blue = (rgb & 0xff) / 255.0f;
  out->alpha = 1.0f;
}

guint
mmr_palette_n_replica_colours (void)
{
  return G_N_ELEMENTS (replica_rgb);
}

void
mmr_palette_replica (guint index, GdkRGBA *out)
{
  g_return_if_fail (out != NULL);
  from_rgb (replica_rgb[index % G_N_ELEMENTS (replica_rgb)], out);
}

void
mmr_palette_role (MmrPaletteRole role, gboolean is_dark, GdkRGBA *out)
{
  g_return_if_fail (out != NULL);
  switch (role)
    {
    case MMR_PALETTE_CUT:
      from_rgb (is_dark ? 0xff5c5c : 0xd01b24, out);
      break;
    case MMR_PALETTE_CONFLICT:
      from_rgb (is_dark ? 0xf8c537 : 0xc88800, out);
      break;
    case MMR_PALETTE_OK:
      from_rgb (is_dark ? 0x57e389 : 0x1b8a4a, out);
      break;
    case MMR_PALETTE_PARTITION:
      from_rgb (is_dark ? 0xff5c5c : 0xd01b24, out);
      out->alpha = is_dark ? 0.16f : 0.10f;
      break;
    default:
      g_return_if_reached ();
    }
}
