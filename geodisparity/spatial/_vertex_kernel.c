/*
 * Shared vertices of one band of ring coordinates: the compiled kernel of
 * queen contiguity (geodisparity/spatial/contiguity_weights.py).
 *
 * shared_vertices(points, owner, n_geoms, salt[, scratch])
 *     -> (pair_codes, single_points, single_owners)
 *
 *   points   C-contiguous float64 buffer of m (x, y) pairs
 *   owner    C-contiguous int32 buffer of m geometry positions
 *   n_geoms  number of geometries (pairs are coded smaller * n_geoms + larger)
 *   salt     64 random bits mixed into the hash, so that no file can be made whose
 *            points all fall in one slot (the results do not depend on it)
 *   scratch  optional writable, 8-byte aligned buffer of at least
 *            scratch_bytes(m) bytes for the table; memory the caller reuses
 *            from band to band and call to call is not faulted in afresh
 *            each time (on some machines that costs as much as the grouping).
 *            Without it, or when it is too small, the kernel allocates its own.
 *
 * Returns three bytes objects: the distinct codes of the pairs of different
 * geometries that share a coordinate (native int64), and the coordinates
 * that occur once (float64 x, y pairs) with their owners (int32), in the
 * order of the points.
 *
 * Coordinates are equal when both doubles compare equal (so -0.0 equals
 * 0.0, and NaN equals nothing), the definition the NumPy path uses. They are
 * grouped with an open-addressing hash table of positions, sized for the
 * band (the caller keeps bands small enough to stay in cache); each new
 * occurrence of a coordinate is paired with the earlier ones of other
 * geometries, and pair codes are made distinct with a second table.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EMPTY (-1)
#define AHEAD 16 /* points hashed ahead of the one placed */

static uint64_t
double_bits(double value)
{
    uint64_t bits;
    if (value == 0.0) {
        value = 0.0; /* -0.0 hashes as 0.0 */
    }
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

static uint64_t
point_hash(double x, double y, uint64_t salt)
{
    uint64_t h = (double_bits(x) ^ salt) * 0x9E3779B97F4A7C15ULL;
    h ^= double_bits(y);
    h *= 0xC2B2AE3D27D4EB4FULL;
    return h ^ (h >> 29);
}

static uint64_t
code_hash(int64_t code)
{
    uint64_t h = (uint64_t)code * 0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 31);
}

/* A set of distinct int64 codes, kept at most half full. */
typedef struct {
    int64_t *slots;
    size_t mask;
    size_t count;
} CodeSet;

static int
codeset_init(CodeSet *set, size_t capacity)
{
    set->slots = malloc(capacity * sizeof(int64_t));
    if (set->slots == NULL) {
        return -1;
    }
    memset(set->slots, 0xff, capacity * sizeof(int64_t)); /* -1: empty */
    set->mask = capacity - 1;
    set->count = 0;
    return 0;
}

static int
codeset_add(CodeSet *set, int64_t code)
{
    size_t i = code_hash(code) & set->mask;
    while (set->slots[i] != EMPTY) {
        if (set->slots[i] == code) {
            return 0;
        }
        i = (i + 1) & set->mask;
    }
    set->slots[i] = code;
    set->count++;
    if (2 * set->count > set->mask + 1) { /* grow: rehash into twice the slots */
        CodeSet bigger;
        if (codeset_init(&bigger, 2 * (set->mask + 1)) < 0) {
            return -1;
        }
        for (size_t k = 0; k <= set->mask; k++) {
            if (set->slots[k] != EMPTY) {
                size_t j = code_hash(set->slots[k]) & bigger.mask;
                while (bigger.slots[j] != EMPTY) {
                    j = (j + 1) & bigger.mask;
                }
                bigger.slots[j] = set->slots[k];
            }
        }
        bigger.count = set->count;
        free(set->slots);
        *set = bigger;
    }
    return 0;
}

/* Table slots for m points: a power of two, at least twice m (at most half full). */
static size_t
table_capacity(Py_ssize_t m)
{
    size_t capacity = 16;
    while (capacity < 2 * (size_t)m) {
        capacity <<= 1;
    }
    return capacity;
}

/* Bytes of scratch memory that group_points needs for m points. */
static size_t
scratch_size(Py_ssize_t m)
{
    size_t n = m ? (size_t)m : 1;
    return table_capacity(m) * sizeof(uint64_t) + n * sizeof(int32_t) + n;
}

/* Group the m points; fill the pair set and compact the positions of single
   occurrences into the start of `earlier` (part of `scratch`, see
   scratch_size). The table holds, per slot, a position and 32 bits of its
   hash, so that most slots of other points are passed over without reading
   their coordinates. Returns the number of singles, or -1 when memory ran out. */
static Py_ssize_t
group_points(const double *points, const int32_t *owner, Py_ssize_t m, int64_t n_geoms,
             uint64_t salt, CodeSet *pairs, char *scratch, int32_t **singles)
{
    size_t capacity = table_capacity(m);
    size_t mask = capacity - 1;
    uint64_t *table = (uint64_t *)scratch; /* fingerprint << 32 | position */
    int32_t *earlier = (int32_t *)(table + capacity); /* previous occurrence */
    uint8_t *again = (uint8_t *)(earlier + (m ? m : 1)); /* occurs again later */
    uint64_t ahead[AHEAD]; /* hashes of the next points, computed once */
    memset(table, 0xff, capacity * sizeof(uint64_t));
    memset(again, 0, m ? (size_t)m : 1);
    for (Py_ssize_t i = 0; i < m && i < AHEAD; i++) {
        ahead[i] = point_hash(points[2 * i], points[2 * i + 1], salt);
    }
    int64_t last_code = -1;
    for (Py_ssize_t i = 0; i < m; i++) {
        uint64_t h = ahead[i % AHEAD];
        if (i + AHEAD < m) { /* the table is larger than the cache: ask for slots early */
            uint64_t later = point_hash(points[2 * (i + AHEAD)], points[2 * (i + AHEAD) + 1],
                                        salt);
            ahead[i % AHEAD] = later;
            __builtin_prefetch(&table[later & mask]);
        }
        double x = points[2 * i], y = points[2 * i + 1];
        if (x != x || y != y) { /* NaN equals nothing: a single, kept out of the table */
            earlier[i] = EMPTY;
            continue;
        }
        uint32_t fingerprint = (uint32_t)(h >> 32);
        size_t slot = h & mask;
        int32_t seen = EMPTY;
        for (;; slot = (slot + 1) & mask) {
            uint64_t held = table[slot];
            if (held == (uint64_t)-1) {
                break;
            }
            if ((uint32_t)(held >> 32) == fingerprint) {
                int32_t k = (int32_t)(uint32_t)held;
                if (points[2 * k] == x && points[2 * k + 1] == y) {
                    seen = k;
                    break;
                }
            }
        }
        earlier[i] = seen;
        if (seen != EMPTY && owner[seen] == owner[i]) {
            /* The same geometry as the latest occurrence: its pairs are that one's.
               Left out of the chain, so that a point repeated any number of times in
               one geometry costs no more than once (hostile files do this). */
            again[seen] = 1;
            continue;
        }
        table[slot] = (uint64_t)fingerprint << 32 | (uint32_t)i;
        if (seen != EMPTY) {
            again[seen] = 1;
            for (int32_t j = seen; j != EMPTY; j = earlier[j]) {
                int64_t a = owner[j], b = owner[i];
                int64_t code = a < b ? a * n_geoms + b : b * n_geoms + a;
                /* Along a shared boundary the same pair comes again and again. */
                if (a != b && code != last_code) {
                    if (codeset_add(pairs, code) < 0) {
                        return -1;
                    }
                    last_code = code;
                }
            }
        }
    }
    Py_ssize_t n_singles = 0;
    for (Py_ssize_t i = 0; i < m; i++) { /* branch-free: singles are unpredictable */
        int alone = (earlier[i] == EMPTY) & !again[i]; /* read before the slot is reused */
        earlier[n_singles] = (int32_t)i;
        n_singles += alone;
    }
    *singles = earlier;
    return n_singles;
}

/* (pair codes, single points, single owners) as bytes, from the filled set. */
static PyObject *
results(const CodeSet *pairs, const double *points, const int32_t *owner,
        const int32_t *singles, Py_ssize_t n_singles)
{
    PyObject *codes = PyBytes_FromStringAndSize(NULL, pairs->count * sizeof(int64_t));
    PyObject *where = PyBytes_FromStringAndSize(NULL, n_singles * 2 * sizeof(double));
    PyObject *whose = PyBytes_FromStringAndSize(NULL, n_singles * sizeof(int32_t));
    if (codes == NULL || where == NULL || whose == NULL) {
        Py_XDECREF(codes);
        Py_XDECREF(where);
        Py_XDECREF(whose);
        return NULL;
    }
    int64_t *code_out = (int64_t *)PyBytes_AS_STRING(codes);
    for (size_t k = 0; k <= pairs->mask; k++) {
        if (pairs->slots[k] != EMPTY) {
            *code_out++ = pairs->slots[k];
        }
    }
    double *point_out = (double *)PyBytes_AS_STRING(where);
    int32_t *owner_out = (int32_t *)PyBytes_AS_STRING(whose);
    for (Py_ssize_t k = 0; k < n_singles; k++) {
        int32_t i = singles[k];
        point_out[2 * k] = points[2 * i];
        point_out[2 * k + 1] = points[2 * i + 1];
        owner_out[k] = owner[i];
    }
    return Py_BuildValue("(NNN)", codes, where, whose);
}

static PyObject *
shared_vertices(PyObject *Py_UNUSED(self), PyObject *args)
{
    Py_buffer points, owner, scratch = {.buf = NULL};
    long long n_geoms;
    unsigned long long salt;
    if (!PyArg_ParseTuple(args, "y*y*LK|w*", &points, &owner, &n_geoms, &salt, &scratch)) {
        return NULL;
    }
    PyObject *result = NULL;
    char *own_scratch = NULL;
    CodeSet pairs = {.slots = NULL};
    Py_ssize_t m = owner.len / (Py_ssize_t)sizeof(int32_t);
    if (points.len != 2 * m * (Py_ssize_t)sizeof(double) || m >= INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "points must hold two float64 per int32 owner");
        goto done;
    }
    char *work = scratch.buf;
    if (work == NULL || (size_t)scratch.len < scratch_size(m)
            || (uintptr_t)work % sizeof(uint64_t)) {
        work = own_scratch = malloc(scratch_size(m));
    }
    if (work == NULL || codeset_init(&pairs, 1024) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t n_singles;
    int32_t *singles = NULL;
    Py_BEGIN_ALLOW_THREADS
    n_singles = group_points(points.buf, owner.buf, m, n_geoms, salt, &pairs, work, &singles);
    Py_END_ALLOW_THREADS
    if (n_singles < 0) {
        PyErr_NoMemory();
    }
    else {
        result = results(&pairs, points.buf, owner.buf, singles, n_singles);
    }
done:
    free(pairs.slots);
    free(own_scratch);
    PyBuffer_Release(&points);
    PyBuffer_Release(&owner);
    if (scratch.buf != NULL) {
        PyBuffer_Release(&scratch);
    }
    return result;
}

static PyObject *
scratch_bytes(PyObject *Py_UNUSED(self), PyObject *arg)
{
    Py_ssize_t m = PyLong_AsSsize_t(arg);
    if (m < 0) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_ValueError, "the number of points must be >= 0");
        }
        return NULL;
    }
    return PyLong_FromSize_t(scratch_size(m));
}

static PyMethodDef methods[] = {
    {"shared_vertices", shared_vertices, METH_VARARGS,
     "shared_vertices(points, owner, n_geoms, salt[, scratch])"
     " -> (pair_codes, single_points, single_owners) as bytes"},
    {"scratch_bytes", scratch_bytes, METH_O,
     "scratch_bytes(m) -> bytes of scratch memory shared_vertices needs for m points"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = "_vertex_kernel",
    .m_doc = "Compiled kernel of queen contiguity: shared vertices of one band.",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__vertex_kernel(void)
{
    return PyModule_Create(&module);
}
