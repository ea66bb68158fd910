/* nkwatch._csvline: one CSV record from a row of cells, in C (nkwatch.export.csv.python_csv_line is the reference).

An export of 10,000 events makes 190,000 cells; in Python each one costs a loop turn, a prefix test and four
substring scans. Here each cell is measured once and copied once into a string of the right size.

csv_line(formula_starts, cells) -> str
    (formula_starts first, so that functools.partial can fix it for a whole export)
    cells: a list or tuple; None is an empty cell, other non-str values are written as str() gives them.
    formula_starts: a str of the characters that make a spreadsheet read a text cell as a formula (such a cell
    gets a leading apostrophe), or None to write every cell as it is.
    A cell holding a comma, a semicolon, a tab, a double quote, CR or LF is quoted, its double quotes doubled; lines end in CRLF.
*/
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

typedef struct {
    PyObject *text; /* owned */
    int prefixed;   /* written after an apostrophe */
    int quoted;
    Py_ssize_t quotes; /* double quotes in text, each written twice */
} Cell;

/* Count the double quotes of the cell's text, and whether it needs quoting. */
#define SCAN(type)                                                                                                    \
    do {                                                                                                              \
        const type *chars = (const type *)data;                                                                       \
        Py_ssize_t quotes = 0, specials = 0;                                                                          \
        for (Py_ssize_t i = 0; i < length; i++) {                                                                     \
            type c = chars[i];                                                                                        \
            quotes += c == '"';                                                                                       \
            specials += c == ',' || c == ';' || c == '\t' || c == '\n' || c == '\r';                                   \
        }                                                                                                             \
        cell->quotes = quotes;                                                                                        \
        cell->quoted = quotes || specials;                                                                            \
    } while (0)

static int measure(PyObject *value, PyObject *formula_starts, Cell *cell)
{
    if (value == Py_None)
        cell->text = PyUnicode_New(0, 0);
    else if (PyUnicode_CheckExact(value))
        cell->text = Py_NewRef(value);
    else
        cell->text = PyObject_Str(value);
    if (!cell->text)
        return -1;
    PyObject *text = cell->text;
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    cell->prefixed = 0;
    if (formula_starts && length && PyUnicode_CheckExact(value)) {
        Py_UCS4 first = PyUnicode_READ(kind, data, 0);
        cell->prefixed = PyUnicode_FindChar(formula_starts, first, 0, PyUnicode_GET_LENGTH(formula_starts), 1) >= 0;
    }
    cell->quoted = 0;
    cell->quotes = 0;
    switch (kind) { /* one loop per width, so that each is a plain loop over an array */
    case PyUnicode_1BYTE_KIND: /* nearly every cell: glibc's memchr is many times faster than a loop */
        if (memchr(data, '"', length)) {
            SCAN(Py_UCS1);
        } else
            cell->quoted = memchr(data, ',', length) || memchr(data, ';', length) || memchr(data, '\t', length)
                          || memchr(data, '\n', length) || memchr(data, '\r', length);
        break;
    case PyUnicode_2BYTE_KIND:
        SCAN(Py_UCS2);
        break;
    default:
        SCAN(Py_UCS4);
    }
    return 0;
}

static Py_ssize_t write_cell(PyObject *line, Py_ssize_t at, const Cell *cell)
{
    PyObject *text = cell->text;
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(line);
    void *out = PyUnicode_DATA(line);
    if (cell->quoted)
        PyUnicode_WRITE(kind, out, at++, '"');
    if (cell->prefixed)
        PyUnicode_WRITE(kind, out, at++, '\'');
    if (!cell->quotes) {
        if (length && PyUnicode_CopyCharacters(line, at, text, 0, length) < 0)
            return -1;
        at += length;
    } else {
        int text_kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        for (Py_ssize_t i = 0; i < length; i++) {
            Py_UCS4 c = PyUnicode_READ(text_kind, data, i);
            PyUnicode_WRITE(kind, out, at++, c);
            if (c == '"')
                PyUnicode_WRITE(kind, out, at++, '"');
        }
    }
    if (cell->quoted)
        PyUnicode_WRITE(kind, out, at++, '"');
    return at;
}

static PyObject *csv_line(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *cells, *formula_starts;
    if (!PyArg_ParseTuple(args, "OO", &formula_starts, &cells))
        return NULL;
    if (formula_starts == Py_None)
        formula_starts = NULL;
    else if (!PyUnicode_Check(formula_starts)) {
        PyErr_SetString(PyExc_TypeError, "formula_starts must be a str or None");
        return NULL;
    }
    PyObject *sequence = PySequence_Fast(cells, "cells must be a list or tuple");
    if (!sequence)
        return NULL;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(sequence);
    Cell *measured = PyMem_Calloc(count ? count : 1, sizeof(Cell));
    PyObject *line = NULL;
    if (!measured) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t size = count ? count - 1 + 2 : 2; /* the commas between cells, and CRLF */
    Py_UCS4 widest = 127;
    for (Py_ssize_t i = 0; i < count; i++) {
        Cell *cell = &measured[i];
        if (measure(PySequence_Fast_GET_ITEM(sequence, i), formula_starts, cell) < 0)
            goto done;
        size += PyUnicode_GET_LENGTH(cell->text) + cell->prefixed + cell->quotes + 2 * cell->quoted;
        Py_UCS4 most = PyUnicode_MAX_CHAR_VALUE(cell->text);
        if (most > widest)
            widest = most;
    }
    line = PyUnicode_New(size, widest);
    if (!line)
        goto done;
    Py_ssize_t at = 0;
    int kind = PyUnicode_KIND(line);
    void *out = PyUnicode_DATA(line);
    for (Py_ssize_t i = 0; i < count; i++) {
        if (i)
            PyUnicode_WRITE(kind, out, at++, ',');
        at = write_cell(line, at, &measured[i]);
        if (at < 0) {
            Py_CLEAR(line);
            goto done;
        }
    }
    PyUnicode_WRITE(kind, out, at++, '\r');
    PyUnicode_WRITE(kind, out, at++, '\n');
done:
    if (measured) {
        for (Py_ssize_t i = 0; i < count; i++)
            Py_XDECREF(measured[i].text);
        PyMem_Free(measured);
    }
    Py_DECREF(sequence);
    return line;
}

static PyMethodDef methods[] = {
    {"csv_line", csv_line, METH_VARARGS,
     "csv_line(formula_starts, cells) -> one CSV record, as nkwatch.export.csv.python_csv_line makes it."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_csvline",
    .m_doc = "One CSV record from a row of cells, in C.",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__csvline(void)
{
    return PyModule_Create(&module);
}
