#include "tui/answer.h"

#include <stdlib.h>
#include <string.h>

void answers_init(struct answers *a)
{
	memset(a, 0, sizeof *a);
}

void answers_fini(struct answers *a)
{
	for (size_t i = 0; i < a->n; i++) {
		wrap_fini(&a->v[i].wrap);
		doc_free(a->v[i].doc);
	}
	free(a->v);
	answers_init(a);
}

long answers_add(struct answers *a, struct doc *d)
{
	struct answer *an;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 8;
		struct answer *v = realloc(a->v, cap * sizeof *v);

		if (!v)
			return -1;
		a->v = v;
		a->cap = cap;
	}
	an = &a->v[a->n];
	memset(an, 0, sizeof *an);
	an->doc = d;
	an->goal_col = -1;
	wrap_init(&an->wrap);
	return (long)a->n++;
}

long answers_find(const struct answers *a, const struct doc *d)
{
	for (size_t i = 0; d && i < a->n; i++)
		if (a->v[i].doc == d)
			return (long)i;
	return -1;
}

struct answer *answers_current(struct answers *a)
{
	return a->cur < a->n ? &a->v[a->cur] : NULL;
}

void answer_sync(struct answer *an, int width)
{
	if (an->wrap.width != width)
		wrap_reset(&an->wrap, width);
	wrap_sync(&an->wrap, an->doc, !an->live);
}

void answer_select(struct answer *an, size_t tok)
{
	size_t n = doc_count(an->doc);

	an->sel = n == 0 ? 0 : tok < n ? tok : n - 1;
	an->follow = false;
}

void answer_reveal(struct answer *an, int h)
{
	size_t line = wrap_line_of(&an->wrap, an->doc, an->sel);

	if (h < 1)
		h = 1;
	if (line < an->top)
		an->top = line;
	else if (line >= an->top + (size_t)h)
		an->top = line - (size_t)h + 1;
}
