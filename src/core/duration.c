/* duration.c - "250us" <-> 250 (see duration.h) */
#include "core/duration.h"

#include <string.h>

gboolean
mmr_duration_parse (const char *text, gboolean allow_sign, gint64 *out_us)
{
  const char *p = text;
  int sign = 1;
  guint64 whole = 0, frac = 0, frac_scale = 1;
  gint64 unit;
  gboolean digits = FALSE;

  if (*p == '+' || *p == '-')
    {
      if (!allow_sign)
        return FALSE;
      sign = *p == '-' ? -1 : 1;
      p++;
    }
  for (; g_ascii_isdigit (*p); p++, digits = TRUE)
    {
      if (whole > G_MAXINT64 / 100)
        return FALSE;
      whole = whole * 10 + (guint64) (*p - '0');
    }
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++, digits = TRUE)
      if (frac_scale < 1000000)
        {
          frac = frac * 10 + (guint64) (*p - '0');
          frac_scale *= 10;
        }
  if (!digits)
    return FALSE;
  if (strcmp (p, "us") == 0)
    unit = 1;
  else if (strcmp (p, "ms") == 0)
    unit = 1000;
  else if (strcmp (p, "s") == 0)
    unit = 1000000;
  else if (strcmp (p, "m") == 0 || strcmp (p, "min") == 0)
    unit = 60000000;
  else
    return FALSE;
  if (whole > (guint64) (G_MAXINT64 / 4) / (guint64) unit)
    return FALSE;
  *out_us = sign * (gint64) (whole * (guint64) unit
                             + frac * (guint64) unit / frac_scale);
  return TRUE;
}

/* Prints @us / @unit with up to @digits decimals, trailing zeros trimmed. */
static char *
format_unit (const char *sign, guint64 a, guint64 unit, int digits,
             const char *suffix)
{
  char *t = g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%0*" G_GUINT64_FORMAT,
                             sign, a / unit, digits, a % unit);
  char *end = t + strlen (t) - 1;
  char *r;

  while (*end == '0')
    *end-- = '\0';
  if (*end == '.')
    *end = '\0';
  r = g_strconcat (t, suffix, NULL);
  g_free (t);
  return r;
}

/* The most readable exact spelling: seconds from 1s up, milliseconds from
 * 1ms up, else microseconds ("421.224ms", "1.5s", "250us"). */
char *
mmr_duration_format (gint64 us)
{
  const char *sign = us < 0 ? "-" : "";
  guint64 a = us < 0 ? 0 - (guint64) us : (guint64) us;

  if (a == 0)
    return g_strdup ("0s");
  if (a >= 1000000)
    return format_unit (sign, a, 1000000, 6, "s");
  if (a >= 1000)
    return format_unit (sign, a, 1000, 3, "ms");
  return g_strdup_printf ("%s%" G_GUINT64_FORMAT "us", sign, a);
}
