/* scheduler.c - binary heap of tasks (see scheduler.h)
 *
 * Invariant: heap[i] <= heap[2i+1] and heap[i] <= heap[2i+2] in
 * (time_us, seq) order.
 */
#include "sim/scheduler.h"

struct _MmrScheduler {
  GArray *heap;      /* MmrTask */
  guint64 next_seq;
};

MmrScheduler *
mmr_scheduler_new (void)
{
  MmrScheduler *s = g_new0 (MmrScheduler, 1);

  s->heap = g_array_new (FALSE, FALSE, sizeof (MmrTask));
  return s;
}

void
mmr_scheduler_free (MmrScheduler *s)
{
  if (s == NULL)
    return;
  g_array_unref (s->heap);
  g_free (s);
}

guint64
mmr_scheduler_next_seq (MmrScheduler *s)
{
  return s->next_seq++;
}

static gboolean
before (const MmrTask *a, const MmrTask *b)
{
  return a->time_us < b->time_us
         || (a->time_us == b->time_us && a->seq < b->seq);
}

void
mmr_scheduler_push (MmrScheduler *s, const MmrTask *task)
{
  MmrTask *h;
  guint i;

  g_array_append_val (s->heap, *task);
  h = (MmrTask *) (void *) s->heap->data;
  for (i = s->heap->len - 1; i > 0; i = (i - 1) / 2)
    {
      guint parent = (i - 1) / 2;
      MmrTask tmp;

      if (!before (&h[i], &h[parent]))
        break;
      tmp = h[i];
      h[i] = h[parent];
      h[parent] = tmp;
    }
}

gboolean
mmr_scheduler_pop (MmrScheduler *s, MmrTask *out)
{
  MmrTask *h = (MmrTask *) (void *) s->heap->data;
  guint n = s->heap->len, i = 0;

  if (n == 0)
    return FALSE;
  *out = h[0];
  h[0] = h[n - 1];
  g_array_set_size (s->heap, --n);
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m = i;
      MmrTask tmp;

      if (l < n && before (&h[l], &h[m]))
        m = l;
      if (r < n && before (&h[r], &h[m]))
        m = r;
      if (m == i)
        break;
      tmp = h[i];
      h[i] = h[m];
      h[m] = tmp;
      i = m;
    }
  return TRUE;
}

const MmrTask *
mmr_scheduler_peek (const MmrScheduler *s)
{
  return s->heap->len > 0 ? &g_array_index (s->heap, MmrTask, 0) : NULL;
}

guint
mmr_scheduler_size (const MmrScheduler *s)
{
  return s->heap->len;
}
