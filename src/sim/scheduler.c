/* scheduler.c - binary heap of tasks (see scheduler.h)
 *
 * Invariant: heap[i] <= heap[2i+1] and heap[i] <= heap[2i+2] in
 * (time_us, seq) order.
 */
#include "sim/scheduler.h"

struct _MmrScheduler {
  MmrTask *heap;     /* n tasks in heap order */
  guint n;
  guint cap;
  guint64 next_seq;
};

MmrScheduler *
mmr_scheduler_new (void)
{
  return g_new0 (MmrScheduler, 1);
}

void
mmr_scheduler_free (MmrScheduler *s)
{
  if (s == NULL)
    return;
  g_free (s->heap);
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

static void
swap (MmrTask *h, guint i, guint j)
{
  MmrTask tmp = h[i];

  h[i] = h[j];
  h[j] = tmp;
}

static void
sift_up (MmrTask *h, guint i)
{
  while (i > 0 && before (&h[i], &h[(i - 1) / 2]))
    {
      swap (h, i, (i - 1) / 2);
      i = (i - 1) / 2;
    }
}

static void
sift_down (MmrTask *h, guint n, guint i)
{
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m = i;

      if (l < n && before (&h[l], &h[m]))
        m = l;
      if (r < n && before (&h[r], &h[m]))
        m = r;
      if (m == i)
        return;
      swap (h, i, m);
      i = m;
    }
}

void
mmr_scheduler_push (MmrScheduler *s, const MmrTask *task)
{
  if (s->n == s->cap)
    {
      s->cap = MAX (16, 2 * s->cap);
      s->heap = g_renew (MmrTask, s->heap, s->cap);
    }
  s->heap[s->n++] = *task;
  sift_up (s->heap, s->n - 1);
}

/* The last task takes slot @i and moves down or up to its place. */
static void
remove_at (MmrScheduler *s, guint i)
{
  MmrTask *h = s->heap;
  guint n = --s->n;

  h[i] = h[n];
  if (i < n)
    {
      sift_down (h, n, i);
      sift_up (h, i);
    }
}

gboolean
mmr_scheduler_pop (MmrScheduler *s, MmrTask *out)
{
  if (s->n == 0)
    return FALSE;
  *out = s->heap[0];
  remove_at (s, 0);
  return TRUE;
}

void
mmr_scheduler_pop_push (MmrScheduler *s, MmrTask *out, const MmrTask *next)
{
  g_return_if_fail (s->n > 0);
  *out = s->heap[0];
  s->heap[0] = *next;
  sift_down (s->heap, s->n, 0);
}

/* A linear search: the heap holds one task per link and per timer, a few
 * dozen, and a task is withdrawn only when a reordered message overtakes
 * the head of its link. */
gboolean
mmr_scheduler_remove (MmrScheduler *s, guint64 seq)
{
  for (guint i = 0; i < s->n; i++)
    if (s->heap[i].seq == seq)
      {
        remove_at (s, i);
        return TRUE;
      }
  return FALSE;
}

const MmrTask *
mmr_scheduler_peek (const MmrScheduler *s)
{
  return s->n > 0 ? &s->heap[0] : NULL;
}

guint
mmr_scheduler_size (const MmrScheduler *s)
{
  return s->n;
}

MmrScheduler *
mmr_scheduler_copy (const MmrScheduler *s)
{
  MmrScheduler *copy = g_new0 (MmrScheduler, 1);

  *copy = *s;
  copy->heap = s->cap > 0 ? g_memdup2 (s->heap, s->cap * sizeof (MmrTask))
                          : NULL;
  return copy;
}
