/* ams_engine_assess_stream against ams_engine_assess. A roster is built by hand as an Arrow C
 * stream (a struct of member_id and plan as utf8 and member_since, term_start and term_end as
 * date32, the lifetime member's term_end null) in two batches, with a member whose two terms are in
 * different batches and two bad rows, and assessed in one call (on the calling thread, every core,
 * and a pool of 2). Every row of the output stream must keep its input columns and carry the
 * answer ams_engine_assess gives for the facts of the member's current term: status,
 * counts_as_member, the renewal (kind, plan, term, member-since) or its refusal and refused-until
 * day, the quote's total and currency or its error, and with decide the route and reasons; a bad
 * row carries its roster error where the typed call fails. An empty stream gives the answer
 * columns and no batch. Then every failure (NULL arguments, a released stream, an impossible date,
 * a missing column, a producer whose get_schema or get_next fails, with and without a message, a
 * batch that is not the schema's, an array that is not valid Arrow, a column of a type amscore
 * does not read) must return its code, leave the output untouched and release the input stream.
 * Everything is released; valgrind and ASan check that nothing leaks or is read wrongly. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amscore.h"
#include "check.h"
#include "members.h"

/* ---- The roster ---------------------------------------------------------------------------- */

typedef struct {
    const char *member_id;
    const char *plan;
    ams_date member_since, term_start, term_end;
    bool lifetime;           /* term_end is null */
    size_t current;          /* the row of the member's current term */
    ams_result roster_error; /* the row's error in the roster, AMS_RESULT_OK for none */
} roster_row;

static const roster_row ROWS[] = {
    /* batch 0: in grace, M-2's earlier term, a lifetime member (term_end null), an unknown plan */
    {"M-1", "individual", {2025, 1, 15}, {2025, 1, 15}, {2026, 1, 14}, false, 0, AMS_RESULT_OK},
    {"M-2", "individual", {2022, 3, 1}, {2022, 3, 1}, {2023, 2, 28}, false, 4, AMS_RESULT_OK},
    {"M-3", "lifetime", {2020, 6, 1}, {2020, 6, 1}, {0, 0, 0}, true, 2, AMS_RESULT_OK},
    {"M-4", "platinum!", {2025, 1, 1}, {2025, 1, 1}, {2025, 12, 31}, false, 3, AMS_RESULT_PLAN_NOT_IN_POLICY},
    /* batch 1: M-2's current term, a window not yet open, a progression, a term ending too soon */
    {"M-2", "individual", {2022, 3, 1}, {2023, 3, 1}, {2024, 2, 29}, false, 4, AMS_RESULT_OK},
    {"M-5", "individual", {2025, 12, 1}, {2025, 12, 1}, {2026, 11, 30}, false, 5, AMS_RESULT_OK},
    {"M-6", "student-y1", {2025, 2, 1}, {2025, 2, 1}, {2026, 1, 31}, false, 6, AMS_RESULT_OK},
    {"M-7", "individual", {2025, 5, 1}, {2025, 6, 1}, {2025, 5, 31}, false, 7, AMS_RESULT_TERM_END_BEFORE_START},
};
#define ROW_COUNT (sizeof ROWS / sizeof ROWS[0])
static const size_t BATCH_ENDS[] = {4, ROW_COUNT};

/* The day every member is assessed on. */
static const ams_date ON = {2026, 1, 20};

#define COLUMNS 5
static const char *const COLUMN_NAMES[COLUMNS] = {"member_id", "plan", "member_since", "term_start", "term_end"};
static const char *const COLUMN_FORMATS[COLUMNS] = {"u", "u", "tdD", "tdD", "tdD"};

/* ---- A hand-written producer of the C stream interface ------------------------------------- */

/* What the producer gives: `batches` batches of ROWS (ending at BATCH_ENDS), the first `columns`
 * columns (`batch_columns` in each batch); `fail_schema`, or `fail_at` (a batch number, or -1),
 * make a callback fail with `error` and `message` (which may be NULL) as its last error;
 * `bad_offset` makes member_id's first offset point past its data (not valid Arrow),
 * `float_since` gives member_since as float64 day numbers (a type amscore does not read), and
 * `malformed` breaks the structs themselves as a faulty producer might (see MALFORMED_*). */
typedef struct {
    size_t batches;
    size_t next;
    int columns;
    int batch_columns;
    int fail_schema;
    long fail_at;
    int error;
    const char *message;
    int bad_offset;
    int float_since;
    int malformed;
} producer;

/* What `malformed` breaks: member_id's array without buffers; the batch's children pointer NULL;
 * member_id's schema without a format; plan's array pointer NULL in the batch; member_since's
 * array with a child; member_id's array with a dictionary. */
enum {
    MALFORMED_NONE,
    MALFORMED_NO_BUFFERS,
    MALFORMED_NULL_CHILDREN,
    MALFORMED_NULL_FORMAT,
    MALFORMED_NULL_CHILD,
    MALFORMED_EXTRA_CHILD,
    MALFORMED_STRAY_DICTIONARY,
};

/* A schema's or an array's children, in one allocation with its private data. */
typedef struct {
    struct ArrowSchema *pointers[COLUMNS];
    struct ArrowSchema children[COLUMNS];
} schema_children;

typedef struct {
    const void *buffers[3];
    void *owned[3];
    struct ArrowArray *pointers[COLUMNS];
    struct ArrowArray children[COLUMNS];
} array_block;

static void release_child_schema(struct ArrowSchema *s) {
    s->release = NULL;
}

static void release_schema(struct ArrowSchema *s) {
    for (int64_t i = 0; i < s->n_children; i++) {
        if (s->children[i]->release != NULL) {
            s->children[i]->release(s->children[i]);
        }
    }
    free(s->private_data);
    s->release = NULL;
}

static void release_array(struct ArrowArray *a) {
    array_block *block = a->private_data;
    /* The block's own children, not a->children: a malformed batch may have broken those. */
    for (int i = 0; i < COLUMNS; i++) {
        if (block->children[i].release != NULL) {
            block->children[i].release(&block->children[i]);
        }
    }
    for (int i = 0; i < 3; i++) {
        free(block->owned[i]);
    }
    free(block);
    a->release = NULL;
}

static array_block *new_block(void) {
    array_block *block = calloc(1, sizeof *block);
    if (block == NULL) {
        abort();
    }
    return block;
}

static void *alloc(size_t n) {
    void *p = calloc(n == 0 ? 1 : n, 1);
    if (p == NULL) {
        abort();
    }
    return p;
}

/* Column `c` of rows [lo, hi) as an Arrow array. */
static void column_array(int c, size_t lo, size_t hi, const producer *p, struct ArrowArray *out) {
    size_t n = hi - lo;
    array_block *block = new_block();
    memset(out, 0, sizeof *out);
    out->length = (int64_t)n;
    out->private_data = block;
    out->release = release_array;
    out->buffers = block->buffers;
    if (c < 2) {
        int32_t *offsets = alloc((n + 1) * sizeof *offsets);
        size_t bytes = 0;
        for (size_t i = lo; i < hi; i++) {
            bytes += strlen(c == 0 ? ROWS[i].member_id : ROWS[i].plan);
        }
        char *data = alloc(bytes);
        offsets[0] = 0;
        for (size_t i = lo; i < hi; i++) {
            const char *text = c == 0 ? ROWS[i].member_id : ROWS[i].plan;
            size_t len = strlen(text);
            memcpy(data + offsets[i - lo], text, len);
            offsets[i - lo + 1] = offsets[i - lo] + (int32_t)len;
        }
        if (p->bad_offset && c == 0) {
            offsets[1] = 1000;
        }
        block->owned[1] = offsets;
        block->owned[2] = data;
        out->n_buffers = c == 0 && p->malformed == MALFORMED_NO_BUFFERS ? 0 : 3;
        if (c == 0 && p->malformed == MALFORMED_STRAY_DICTIONARY) {
            out->dictionary = out; /* never read: the import refuses it first */
        }
    } else {
        int32_t *days = alloc(n * sizeof *days);
        uint8_t *valid = alloc((n + 7) / 8);
        for (size_t i = lo; i < hi; i++) {
            const roster_row *r = &ROWS[i];
            int null = c == 4 && r->lifetime;
            ams_date day = c == 2 ? r->member_since : c == 3 ? r->term_start : r->term_end;
            days[i - lo] = null ? 0 : (int32_t)days_of(day);
            if (null) {
                out->null_count++;
            } else {
                valid[(i - lo) / 8] |= (uint8_t)(1u << ((i - lo) % 8));
            }
        }
        block->owned[1] = days;
        if (c == 2 && p->float_since) {
            double *values = alloc(n * sizeof *values);
            for (size_t i = 0; i < n; i++) {
                values[i] = days[i];
            }
            free(days);
            block->owned[1] = values;
        }
        if (out->null_count > 0) {
            block->owned[0] = valid;
        } else {
            free(valid);
        }
        out->n_buffers = 2;
        if (c == 2 && p->malformed == MALFORMED_EXTRA_CHILD) {
            out->n_children = 1;
            out->children = block->pointers; /* never read: the import refuses the count first */
        }
    }
    for (int i = 0; i < 3; i++) {
        block->buffers[i] = block->owned[i];
    }
}

static int producer_get_schema(struct ArrowArrayStream *stream, struct ArrowSchema *out) {
    producer *p = stream->private_data;
    if (p->fail_schema) {
        return p->error;
    }
    schema_children *kids = calloc(1, sizeof *kids);
    if (kids == NULL) {
        return ENOMEM;
    }
    memset(out, 0, sizeof *out);
    out->format = "+s";
    out->name = "";
    out->n_children = p->columns;
    out->children = kids->pointers;
    out->private_data = kids;
    out->release = release_schema;
    for (int c = 0; c < p->columns; c++) {
        struct ArrowSchema *child = &kids->children[c];
        child->format = c == 2 && p->float_since ? "g" : COLUMN_FORMATS[c];
        if (c == 0 && p->malformed == MALFORMED_NULL_FORMAT) {
            child->format = NULL;
        }
        child->name = COLUMN_NAMES[c];
        child->flags = ARROW_FLAG_NULLABLE;
        child->release = release_child_schema;
        kids->pointers[c] = child;
    }
    return 0;
}

static int producer_get_next(struct ArrowArrayStream *stream, struct ArrowArray *out) {
    producer *p = stream->private_data;
    if (p->fail_at >= 0 && p->next == (size_t)p->fail_at) {
        return p->error;
    }
    memset(out, 0, sizeof *out);
    if (p->next == p->batches) {
        return 0; /* released: the end of the stream */
    }
    size_t lo = p->next == 0 ? 0 : BATCH_ENDS[p->next - 1];
    size_t hi = BATCH_ENDS[p->next];
    p->next++;
    array_block *block = new_block();
    out->length = (int64_t)(hi - lo);
    out->n_buffers = 1;
    out->buffers = block->buffers;
    out->n_children = p->batch_columns;
    out->children = block->pointers;
    out->private_data = block;
    out->release = release_array;
    for (int c = 0; c < p->batch_columns; c++) {
        column_array(c, lo, hi, p, &block->children[c]);
        block->pointers[c] = &block->children[c];
    }
    if (p->malformed == MALFORMED_NULL_CHILDREN) {
        out->children = NULL;
    }
    if (p->malformed == MALFORMED_NULL_CHILD) {
        block->children[1].release(&block->children[1]);
        block->pointers[1] = NULL;
    }
    return 0;
}

static const char *producer_get_last_error(struct ArrowArrayStream *stream) {
    producer *p = stream->private_data;
    return p->message;
}

static void producer_release(struct ArrowArrayStream *stream) {
    free(stream->private_data);
    stream->release = NULL;
}

/* A stream of the roster as `spec` says. */
static struct ArrowArrayStream roster_stream(producer spec) {
    producer *p = malloc(sizeof *p);
    if (p == NULL) {
        abort();
    }
    *p = spec;
    struct ArrowArrayStream s;
    s.get_schema = producer_get_schema;
    s.get_next = producer_get_next;
    s.get_last_error = producer_get_last_error;
    s.release = producer_release;
    s.private_data = p;
    return s;
}

static producer whole_roster(void) {
    producer p = {2, 0, COLUMNS, COLUMNS, 0, -1, 0, NULL, 0, 0, MALFORMED_NONE};
    return p;
}

/* ---- Reading the output -------------------------------------------------------------------- */

/* One column of a batch: its schema and its array. */
typedef struct {
    const struct ArrowSchema *schema;
    const struct ArrowArray *array;
} column;

static int bit(const void *bits, int64_t i) {
    return (((const uint8_t *)bits)[i / 8] >> (i % 8)) & 1;
}

static column column_named(const struct ArrowSchema *schema, const struct ArrowArray *batch, const char *name) {
    column c = {NULL, NULL};
    for (int64_t i = 0; i < schema->n_children; i++) {
        if (strcmp(schema->children[i]->name, name) == 0) {
            c.schema = schema->children[i];
            c.array = batch->children[i];
        }
    }
    return c;
}

/* Whether row `row` holds a value; 0 too for a column the output does not have. */
static int is_valid(column c, int64_t row) {
    if (c.schema == NULL) {
        return 0;
    }
    const void *validity = c.array->n_buffers > 0 ? c.array->buffers[0] : NULL;
    return validity == NULL || bit(validity, c.array->offset + row);
}

/* An integer (int8 to int64, or date32) of row `row`. */
static int64_t integer_at(column c, int64_t row) {
    const void *values = c.array->buffers[1];
    int64_t i = c.array->offset + row;
    const char *f = c.schema->format;
    if (strcmp(f, "c") == 0) {
        return ((const int8_t *)values)[i];
    }
    if (strcmp(f, "s") == 0) {
        return ((const int16_t *)values)[i];
    }
    if (strcmp(f, "i") == 0 || strcmp(f, "tdD") == 0) {
        return ((const int32_t *)values)[i];
    }
    if (strcmp(f, "l") == 0) {
        return ((const int64_t *)values)[i];
    }
    fprintf(stderr, "column %s: format %s is not an integer\n", c.schema->name, f);
    CHECK(0);
    return 0;
}

/* The text of row `row` (utf8, large utf8, or a dictionary of either); 0 for null. */
static int text_at(column c, int64_t row, const char **text, size_t *len) {
    if (!is_valid(c, row)) {
        return 0;
    }
    if (c.schema->dictionary != NULL) {
        column values = {c.schema->dictionary, c.array->dictionary};
        return text_at(values, integer_at(c, row), text, len);
    }
    int64_t i = c.array->offset + row;
    int64_t start, end;
    if (strcmp(c.schema->format, "u") == 0) {
        start = ((const int32_t *)c.array->buffers[1])[i];
        end = ((const int32_t *)c.array->buffers[1])[i + 1];
    } else if (strcmp(c.schema->format, "U") == 0) {
        start = ((const int64_t *)c.array->buffers[1])[i];
        end = ((const int64_t *)c.array->buffers[1])[i + 1];
    } else {
        fprintf(stderr, "column %s: format %s is not text\n", c.schema->name, c.schema->format);
        CHECK(0);
        return 0;
    }
    *text = (const char *)c.array->buffers[2] + start;
    *len = (size_t)(end - start);
    return 1;
}

static int text_is(column c, int64_t row, const char *want, size_t want_len) {
    const char *text;
    size_t len;
    return text_at(c, row, &text, &len) && len == want_len && memcmp(text, want, len) == 0;
}

static int name_is(column c, int64_t row, const char *want) {
    return text_is(c, row, want, strlen(want));
}

static int bool_is(column c, int64_t row, bool want) {
    return is_valid(c, row) && strcmp(c.schema->format, "b") == 0 &&
           bit(c.array->buffers[1], c.array->offset + row) == (int)want;
}

static int date_is(column c, int64_t row, ams_date want) {
    return is_valid(c, row) && strcmp(c.schema->format, "tdD") == 0 && integer_at(c, row) == days_of(want);
}

/* Whether a decimal128 of row `row` is `minor_units` hundredths (the amscore preset's plans are
 * priced in USD, two minor digits), at whatever scale the column has. */
static int hundredths_are(column c, int64_t row, int64_t minor_units) {
    int precision, scale;
    if (!is_valid(c, row) || sscanf(c.schema->format, "d:%d,%d", &precision, &scale) != 2) {
        return 0;
    }
    const unsigned char *at = (const unsigned char *)c.array->buffers[1] + 16 * (c.array->offset + row);
    int64_t low, high;
    memcpy(&low, at, 8); /* little-endian: the low half first */
    memcpy(&high, at + 8, 8);
    if (high != (low < 0 ? -1 : 0)) {
        return 0;
    }
    int64_t value = minor_units;
    for (; scale > 2; scale--) {
        value *= 10;
    }
    for (; scale < 2; scale++) {
        low *= 10;
    }
    return low == value;
}

/* ---- The checks ---------------------------------------------------------------------------- */

static const char *const STATUS_NAMES[] = {"none",   "pending", "new",       "active",    "grace",
                                           "lapsed", "expired", "cancelled", "suspended", "deceased"};
static const char *const KIND_NAMES[] = {"none", "extend", "reinstate", "rejoin"};
static const char *const ROUTE_NAMES[] = {"none", "self_service", "staff", "refused"};

static const char *const ANSWER_COLUMNS[] = {
    "status",       "counts_as_member", "renewal_kind",          "renewal_plan", "renewal_start",
    "renewal_end",  "renewal_member_since", "renewal_refusal",   "renewal_refused_until",
    "quote_total",  "quote_currency",   "quote_error",           "error_code",   "error_name",
    "error_message", "current_term"};
#define ANSWER_COLUMN_COUNT (sizeof ANSWER_COLUMNS / sizeof ANSWER_COLUMNS[0])

/* What was reached. */
static int statuses_seen[10];
static int kinds_seen[4];
static int refusals_seen, refused_until_seen, bad_rows_seen, history_rows_seen, routes_seen;

/* The typed call's membership: the facts of row `i`. */
static ams_membership membership_of(size_t i) {
    const roster_row *r = &ROWS[i];
    ams_membership m;
    memset(&m, 0, sizeof m);
    m.plan = r->plan;
    m.plan_len = strlen(r->plan);
    m.member_since = r->member_since;
    m.term_start = r->term_start;
    m.term_end = r->term_end;
    m.lifetime = r->lifetime;
    return m;
}

#define AGREE(cond, what)                                                                             \
    do {                                                                                              \
        check_count++;                                                                                \
        if (!(cond)) {                                                                                \
            check_failures++;                                                                         \
            fprintf(stderr, "%s:%d: row %zu (%s), decide %d: %s disagrees\n", __FILE__, __LINE__, i,  \
                    r->member_id, (int)decide, what);                                                 \
        }                                                                                             \
    } while (0)

/* Row `row` of an output batch, roster row `i`, against ams_engine_assess. */
static void check_row(const ams_engine *e, const struct ArrowSchema *schema, const struct ArrowArray *batch,
                      int64_t row, size_t i, bool decide) {
    const roster_row *r = &ROWS[i];
    column c_member_id = column_named(schema, batch, "member_id");
    column c_term_end = column_named(schema, batch, "term_end");
    column c_status = column_named(schema, batch, "status");
    column c_counts = column_named(schema, batch, "counts_as_member");
    column c_kind = column_named(schema, batch, "renewal_kind");
    column c_plan = column_named(schema, batch, "renewal_plan");
    column c_start = column_named(schema, batch, "renewal_start");
    column c_end = column_named(schema, batch, "renewal_end");
    column c_since = column_named(schema, batch, "renewal_member_since");
    column c_refusal = column_named(schema, batch, "renewal_refusal");
    column c_until = column_named(schema, batch, "renewal_refused_until");
    column c_total = column_named(schema, batch, "quote_total");
    column c_currency = column_named(schema, batch, "quote_currency");
    column c_quote_error = column_named(schema, batch, "quote_error");
    column c_code = column_named(schema, batch, "error_code");
    column c_name = column_named(schema, batch, "error_name");
    column c_message = column_named(schema, batch, "error_message");
    column c_current = column_named(schema, batch, "current_term");

    /* The input columns, unchanged. */
    AGREE(name_is(c_member_id, row, r->member_id), "member_id");
    AGREE(r->lifetime ? !is_valid(c_term_end, row) : date_is(c_term_end, row, r->term_end), "term_end");

    ams_membership m = membership_of(r->current);
    ams_assessment a;
    ams_result typed = ams_engine_assess(e, &m, ON, 1, decide, &a);
    if (r->roster_error != AMS_RESULT_OK) {
        /* A bad row: the typed call refuses the facts too; the row carries the roster's error. */
        bad_rows_seen++;
        const char *text;
        size_t len;
        AGREE(typed != AMS_RESULT_OK, "the typed call's failure");
        AGREE(!is_valid(c_status, row) && !is_valid(c_counts, row), "the status of a bad row");
        AGREE(!is_valid(c_kind, row) && !is_valid(c_total, row) && !is_valid(c_refusal, row), "a bad row's renewal");
        AGREE(is_valid(c_code, row) && integer_at(c_code, row) == (int64_t)r->roster_error, "error_code");
        AGREE(name_is(c_name, row, ams_result_name(r->roster_error)), "error_name");
        AGREE(text_at(c_message, row, &text, &len) && len > 0, "error_message");
        return;
    }
    AGREE(typed == AMS_RESULT_OK, "the typed call's success");
    if (typed != AMS_RESULT_OK) {
        return;
    }
    statuses_seen[a.status.status]++;
    AGREE(!is_valid(c_code, row) && !is_valid(c_name, row) && !is_valid(c_message, row), "no error");
    AGREE(name_is(c_status, row, STATUS_NAMES[a.status.status]), "status");
    AGREE(bool_is(c_counts, row, a.status.counts_as_member), "counts_as_member");
    AGREE(bool_is(c_current, row, r->current == i), "current_term");
    history_rows_seen += r->current != i;

    /* The renewal, or its refusal. */
    if (a.renewal_result == AMS_RESULT_OK) {
        kinds_seen[a.renewal.kind]++;
        AGREE(name_is(c_kind, row, KIND_NAMES[a.renewal.kind]), "renewal_kind");
        AGREE(text_is(c_plan, row, a.renewal.plan, a.renewal.plan_len), "renewal_plan");
        AGREE(date_is(c_start, row, a.renewal.term_start), "renewal_start");
        AGREE(a.renewal.lifetime ? !is_valid(c_end, row) : date_is(c_end, row, a.renewal.term_end), "renewal_end");
        AGREE(date_is(c_since, row, a.renewal.member_since), "renewal_member_since");
        AGREE(!is_valid(c_refusal, row) && !is_valid(c_until, row), "no refusal");
    } else {
        refusals_seen++;
        AGREE(!is_valid(c_kind, row) && !is_valid(c_plan, row) && !is_valid(c_start, row) && !is_valid(c_end, row) &&
                  !is_valid(c_since, row),
              "no renewal");
        AGREE(name_is(c_refusal, row, ams_result_name(a.renewal_result)), "renewal_refusal");
        AGREE(a.has_refused_until ? date_is(c_until, row, a.refused_until) : !is_valid(c_until, row),
              "renewal_refused_until");
        refused_until_seen += a.has_refused_until;
    }

    /* The quote's total, or why a renewal that is not refused has none. */
    if (a.quote_result == AMS_RESULT_OK) {
        AGREE(hundredths_are(c_total, row, a.quote_total.minor_units), "quote_total");
        AGREE(strcmp(a.quote_total.currency, "USD") == 0 && name_is(c_currency, row, a.quote_total.currency),
              "quote_currency");
        AGREE(!is_valid(c_quote_error, row), "no quote_error");
    } else {
        AGREE(!is_valid(c_total, row) && !is_valid(c_currency, row), "no quote");
        AGREE(a.renewal_result != AMS_RESULT_OK ? !is_valid(c_quote_error, row)
                                                : name_is(c_quote_error, row, ams_result_name(a.quote_result)),
              "quote_error");
    }

    /* The online decision, asked for or not. */
    column c_route = column_named(schema, batch, "route");
    column c_reasons = column_named(schema, batch, "reasons");
    if (!decide) {
        AGREE(c_route.schema == NULL && c_reasons.schema == NULL, "no decision columns");
        return;
    }
    AGREE(c_route.schema != NULL && c_reasons.schema != NULL, "the decision columns");
    if (c_route.schema == NULL || c_reasons.schema == NULL) {
        return;
    }
    AGREE(a.has_decision, "the typed decision");
    if (!a.has_decision) {
        AGREE(!is_valid(c_route, row), "no route");
        return;
    }
    routes_seen++;
    AGREE(name_is(c_route, row, ROUTE_NAMES[a.decision.route]), "route");
    const char *reasons = "";
    size_t len = 0;
    if (text_at(c_reasons, row, &reasons, &len)) {
        uint32_t count = len > 0;
        for (size_t k = 0; k < len; k++) {
            count += reasons[k] == ';';
        }
        const char *semi = memchr(reasons, ';', len);
        size_t first_len = semi == NULL ? len : (size_t)(semi - reasons);
        AGREE(count == a.decision.reason_count, "the number of reasons");
        AGREE(a.decision.reason_count == 0 || (first_len == a.decision.first_reason_len &&
                                                memcmp(reasons, a.decision.first_reason, first_len) == 0),
              "the first reason");
    } else {
        AGREE(a.decision.reason_count == 0, "reasons");
    }
}

/* Assesses the whole roster in one call and checks every row of the output. */
static void assess_roster(const ams_engine *e, bool decide, uint32_t threads) {
    struct ArrowArrayStream in = roster_stream(whole_roster());
    struct ArrowArrayStream out;
    CHECK_RESULT(ams_engine_assess_stream(e, &in, ON, 1, decide, threads, &out), AMS_RESULT_OK);
    CHECK(in.release == NULL);
    if (out.release == NULL) {
        CHECK(0);
        return;
    }
    struct ArrowSchema schema;
    CHECK(out.get_schema(&out, &schema) == 0);
    CHECK(strcmp(schema.format, "+s") == 0 && schema.n_children == COLUMNS + (int64_t)ANSWER_COLUMN_COUNT + 2 * decide);
    for (int c = 0; c < COLUMNS; c++) {
        CHECK(strcmp(schema.children[c]->name, COLUMN_NAMES[c]) == 0 &&
              strcmp(schema.children[c]->format, COLUMN_FORMATS[c]) == 0);
    }
    for (size_t k = 0; k < ANSWER_COLUMN_COUNT; k++) {
        int found = 0;
        for (int64_t c = 0; c < schema.n_children; c++) {
            found += strcmp(schema.children[c]->name, ANSWER_COLUMNS[k]) == 0;
        }
        if (found != 1) {
            fprintf(stderr, "the output has %d columns named %s\n", found, ANSWER_COLUMNS[k]);
        }
        CHECK(found == 1);
    }
    size_t batches = 0, rows = 0;
    for (;;) {
        struct ArrowArray batch;
        CHECK(out.get_next(&out, &batch) == 0);
        if (batch.release == NULL) {
            break;
        }
        CHECK(batches < 2 && batch.offset == 0 && batch.n_children == schema.n_children);
        if (batches < 2 && batch.length == (int64_t)(BATCH_ENDS[batches] - rows)) {
            for (int64_t row = 0; row < batch.length; row++) {
                check_row(e, &schema, &batch, row, rows + (size_t)row, decide);
            }
            rows += (size_t)batch.length;
        } else {
            CHECK(0);
        }
        batches++;
        batch.release(&batch);
    }
    CHECK(batches == 2 && rows == ROW_COUNT);
    schema.release(&schema);
    out.release(&out);
    CHECK(out.release == NULL);
}

/* An empty stream: the answer columns in the schema, no batch. */
static void assess_empty_roster(const ams_engine *e) {
    producer spec = whole_roster();
    spec.batches = 0;
    struct ArrowArrayStream in = roster_stream(spec);
    struct ArrowArrayStream out;
    CHECK_RESULT(ams_engine_assess_stream(e, &in, ON, 1, false, 1, &out), AMS_RESULT_OK);
    if (out.release == NULL) {
        CHECK(0);
        return;
    }
    struct ArrowSchema schema;
    CHECK(out.get_schema(&out, &schema) == 0);
    CHECK(schema.n_children == COLUMNS + (int64_t)ANSWER_COLUMN_COUNT);
    schema.release(&schema);
    struct ArrowArray batch;
    CHECK(out.get_next(&out, &batch) == 0 && batch.release == NULL);
    out.release(&out);
}

/* The last error's message, NUL-terminated, in a static buffer. */
static const char *last_message(void) {
    static char buf[1024];
    size_t n = 0;
    if (ams_last_error_message(buf, sizeof buf - 1, &n) != AMS_RESULT_OK) {
        n = 0;
    }
    buf[n] = '\0';
    return buf;
}

/* One failing call: its code `want`, the last error agreeing with a message containing `says`,
 * the output untouched, the input released. */
static void fails(const char *what, const ams_engine *e, struct ArrowArrayStream *in, ams_date on,
                  struct ArrowArrayStream *out, ams_result want, const char *says) {
    struct ArrowArrayStream poisoned;
    if (out != NULL) {
        memset(out, 0xA5, sizeof *out);
        memcpy(&poisoned, out, sizeof poisoned);
    }
    ams_result r = ams_engine_assess_stream(e, in, on, 1, false, 1, out);
    int ok = r == want && ams_last_error_code() == r && strstr(last_message(), says) != NULL;
    ok = ok && (out == NULL || memcmp(out, &poisoned, sizeof poisoned) == 0);
    ok = ok && (in == NULL || in->release == NULL);
    check_count++;
    if (!ok) {
        check_failures++;
        fprintf(stderr, "%s: returned %s (%u), last error \"%s\"\n", what, ams_result_name(r), (unsigned)r,
                last_message());
    }
}

static void failures(const ams_engine *e) {
    struct ArrowArrayStream in, out;

    in = roster_stream(whole_roster());
    fails("a NULL engine", NULL, &in, ON, &out, AMS_RESULT_NULL_PARAMETER, "engine");
    fails("a NULL roster", e, NULL, ON, &out, AMS_RESULT_NULL_PARAMETER, "roster");
    in = roster_stream(whole_roster());
    fails("a NULL stream_out", e, &in, ON, NULL, AMS_RESULT_NULL_PARAMETER, "stream_out");

    in = roster_stream(whole_roster());
    in.release(&in);
    fails("a released roster", e, &in, ON, &out, AMS_RESULT_INVALID_PARAMETER, "released");

    in = roster_stream(whole_roster());
    fails("an impossible date", e, &in, d(2025, 2, 30), &out, AMS_RESULT_INVALID_DATE, "2025-02-30");

    producer spec = whole_roster();
    spec.columns = 4;
    spec.batch_columns = 4;
    in = roster_stream(spec);
    fails("a roster without term_end", e, &in, ON, &out, AMS_RESULT_MISSING_COLUMN, "term_end");

    spec = whole_roster();
    spec.fail_schema = 1;
    spec.error = EIO;
    spec.message = "the roster file is gone";
    in = roster_stream(spec);
    fails("a failing get_schema", e, &in, ON, &out, AMS_RESULT_INVALID_ARROW, "the roster file is gone");

    spec = whole_roster();
    spec.fail_at = 1;
    spec.error = EIO;
    spec.message = "the second batch is gone";
    in = roster_stream(spec);
    fails("a get_next failing after a batch", e, &in, ON, &out, AMS_RESULT_INVALID_ARROW, "the second batch is gone");

    spec.fail_at = 0;
    spec.message = NULL;
    in = roster_stream(spec);
    fails("a get_next failing without a message", e, &in, ON, &out, AMS_RESULT_INVALID_ARROW, "get_next");

    spec = whole_roster();
    spec.batch_columns = 4;
    in = roster_stream(spec);
    fails("a batch with fewer columns than the schema", e, &in, ON, &out, AMS_RESULT_INVALID_ARROW, "4 columns");

    spec = whole_roster();
    spec.bad_offset = 1;
    in = roster_stream(spec);
    fails("an offset past the data", e, &in, ON, &out, AMS_RESULT_INVALID_ARROW, "offset");

    spec = whole_roster();
    spec.float_since = 1;
    in = roster_stream(spec);
    fails("member_since as float64", e, &in, ON, &out, AMS_RESULT_INVALID_ARROW, "member_since");

    /* A faulty producer's structs: each an INVALID_ARROW naming what is wrong, never a panic (or
     * a read through a NULL pointer) inside the import. */
    static const struct {
        int malformed;
        const char *what;
        const char *says;
    } MALFORMED[] = {
        {MALFORMED_NO_BUFFERS, "member_id's array without buffers", "batch 1.member_id (Utf8) has 0 buffers, not 3"},
        {MALFORMED_NULL_CHILDREN, "a batch with a NULL children pointer", "NULL children pointer"},
        {MALFORMED_NULL_FORMAT, "member_id's schema without a format", "the schema's child 0 has a NULL format"},
        {MALFORMED_NULL_CHILD, "a batch with a NULL column", "batch 1: child 1 is NULL"},
        {MALFORMED_EXTRA_CHILD, "member_since's array with a child", "batch 1.member_since (Date32) has 1 children, not 0"},
        {MALFORMED_STRAY_DICTIONARY, "member_id's array with a dictionary", "batch 1.member_id (Utf8) has a dictionary"},
    };
    for (size_t i = 0; i < sizeof MALFORMED / sizeof MALFORMED[0]; i++) {
        spec = whole_roster();
        spec.malformed = MALFORMED[i].malformed;
        in = roster_stream(spec);
        fails(MALFORMED[i].what, e, &in, ON, &out, AMS_RESULT_INVALID_ARROW, MALFORMED[i].says);
    }
}

int main(void) {
    ams_engine *e = NULL;
    CHECK_RESULT(ams_engine_new_from_preset(S("amscore"), &e), AMS_RESULT_OK);
    if (e == NULL) {
        return check_summary("test_assess_stream");
    }
    assess_roster(e, false, 1);
    assess_roster(e, true, 0);
    assess_roster(e, true, 2);
    assess_empty_roster(e);
    failures(e);
    ams_engine_free(e);

    printf("assess_stream: %zu rows in 2 batches, 3 calls; bad rows %d, history rows %d, refusals %d, "
           "refused until a day %d, routes %d; statuses",
           ROW_COUNT, bad_rows_seen, history_rows_seen, refusals_seen, refused_until_seen, routes_seen);
    for (int s = 1; s < 10; s++) {
        if (statuses_seen[s] > 0) {
            printf(" %s %d", STATUS_NAMES[s], statuses_seen[s]);
        }
    }
    printf("; kinds");
    for (int k = 1; k < 4; k++) {
        printf(" %s %d", KIND_NAMES[k], kinds_seen[k]);
    }
    printf("\n");
    CHECK(bad_rows_seen == 6 && history_rows_seen == 3 && refusals_seen > 0 && refused_until_seen > 0 &&
          routes_seen > 0 && kinds_seen[1] > 0);
    return check_summary("test_assess_stream");
}
