/* nkwatch._statsums: the freshness check's inner loop (nkwatch.freshness), in C.
 *
 * bucket_sums(folder, groups, share, shares) stats every shares-th name of each bucket from share on, relative to
 * the open folder, and returns each bucket's [count, sum of sizes, sum of st_mtime_ns]: exactly what the Python
 * loop in nkwatch.freshness returns, and it raises the same OSError (FileNotFoundError when a file vanished).
 *
 * Why C: at a hundred thousand files the Python loop spends as long building stat_result objects as the kernel
 * spends in fstatat, and the check is most of a warm query's time. Building the extension is optional; without
 * it the Python loop runs.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#if defined(__APPLE__)
#define MTIME_SECONDS(st) ((st).st_mtimespec.tv_sec)
#define MTIME_NANOS(st) ((st).st_mtimespec.tv_nsec)
#else
#define MTIME_SECONDS(st) ((st).st_mtim.tv_sec)
#define MTIME_NANOS(st) ((st).st_mtim.tv_nsec)
#endif

/* Stat one name relative to folder, adding to the sums; 0 on success, -1 with a Python exception set. */
static int add_file(int folder, PyObject *name, long long *size, long long *seconds, long long *nanos) {
    PyObject *encoded = NULL;
    const char *path;
    struct stat st;
    int failed;

    if (!PyUnicode_Check(name)) {
        PyErr_Format(PyExc_TypeError, "file names must be str, not %.100s", Py_TYPE(name)->tp_name);
        return -1;
    }
    if (PyUnicode_IS_ASCII(name)) {
        /* ASCII is its own UTF-8 and file system encoding: no copy, but refuse what os.stat refuses. */
        path = (const char *)PyUnicode_DATA(name);
        if ((Py_ssize_t)strlen(path) != PyUnicode_GET_LENGTH(name)) {
            PyErr_SetString(PyExc_ValueError, "embedded null byte");
            return -1;
        }
    } else {
        if (!PyUnicode_FSConverter(name, &encoded)) return -1;
        path = PyBytes_AS_STRING(encoded);
    }
    failed = fstatat(folder, path, &st, 0);
    Py_XDECREF(encoded);
    if (failed) {
        PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, name);
        return -1;
    }
    *size += (long long)st.st_size;
    *seconds += (long long)MTIME_SECONDS(st);
    *nanos += (long long)MTIME_NANOS(st);
    return 0;
}

/* [count, size, seconds * 10**9 + nanos] as Python ints: the nanosecond sum outgrows 64 bits. */
static PyObject *bucket_result(Py_ssize_t count, long long size, long long seconds, long long nanos) {
    PyObject *result = NULL, *billion = PyLong_FromLong(1000000000L), *secs = PyLong_FromLongLong(seconds);
    PyObject *ns = PyLong_FromLongLong(nanos), *scaled = NULL, *mtime = NULL;

    if (billion && secs && ns && (scaled = PyNumber_Multiply(secs, billion)) && (mtime = PyNumber_Add(scaled, ns)))
        result = Py_BuildValue("[nLO]", count, size, mtime);
    Py_XDECREF(billion);
    Py_XDECREF(secs);
    Py_XDECREF(ns);
    Py_XDECREF(scaled);
    Py_XDECREF(mtime);
    return result;
}

/* One bucket's sums over names[share], names[share + shares], ... */
static PyObject *one_bucket(int folder, PyObject *names, Py_ssize_t share, Py_ssize_t shares) {
    long long size = 0, seconds = 0, nanos = 0;
    Py_ssize_t count = 0;

    if (!PyList_Check(names)) {
        PyErr_Format(PyExc_TypeError, "each bucket must be a list, not %.100s", Py_TYPE(names)->tp_name);
        return NULL;
    }
    for (Py_ssize_t at = share; at < PyList_GET_SIZE(names); at += shares) {
        PyObject *name = PyList_GET_ITEM(names, at);
        int failed;

        Py_INCREF(name); /* an encoder may run Python code that changes the list */
        failed = add_file(folder, name, &size, &seconds, &nanos);
        Py_DECREF(name);
        if (failed) return NULL;
        count++;
    }
    return bucket_result(count, size, seconds, nanos);
}

static PyObject *bucket_sums(PyObject *module, PyObject *args) {
    int folder;
    PyObject *groups, *result;
    Py_ssize_t share, shares, count;

    (void)module;
    if (!PyArg_ParseTuple(args, "iO!nn:bucket_sums", &folder, &PyList_Type, &groups, &share, &shares)) return NULL;
    if (share < 0 || shares < 1) {
        PyErr_SetString(PyExc_ValueError, "share must be at least 0 and shares at least 1");
        return NULL;
    }
    count = PyList_GET_SIZE(groups);
    if (!(result = PyList_New(count))) return NULL;
    for (Py_ssize_t at = 0; at < count; at++) {
        PyObject *names, *sums;

        if (at >= PyList_GET_SIZE(groups)) {
            Py_DECREF(result);
            PyErr_SetString(PyExc_RuntimeError, "the list of buckets changed size");
            return NULL;
        }
        names = PyList_GET_ITEM(groups, at);
        Py_INCREF(names);
        sums = one_bucket(folder, names, share, shares);
        Py_DECREF(names);
        if (!sums) {
            Py_DECREF(result);
            return NULL;
        }
        PyList_SET_ITEM(result, at, sums);
    }
    return result;
}

static PyMethodDef methods[] = {
    {"bucket_sums", bucket_sums, METH_VARARGS,
     "bucket_sums(folder, groups, share, shares) -> each bucket's [count, size, mtime_ns] sums."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef definition = {
    PyModuleDef_HEAD_INIT, "nkwatch._statsums", "The freshness check's stat loop, in C.", -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__statsums(void) { return PyModule_Create(&definition); }
