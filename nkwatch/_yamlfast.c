/* nkwatch._yamlfast: the strict YAML reader's walk over libyaml's events, in C, for files that need no message.

yamlread._build walks PyYAML's event objects into dicts, lists and Scalars with each value's mark. Most of a first
index build's time per file went into making those event objects (three Python objects per event: the event and
its two marks), not into libyaml. This module drives libyaml itself and builds the same values straight away.

It only takes the happy path. Whatever yamlread refuses or reports (a syntax error, an anchor, alias or tag, a
duplicate or complex key, a second document, nesting too deep) makes it return None, and yamlread then reads the
text again the Python way, which gives the exact message. So every message stays defined in one place.

parse(text, scalar_type, max_depth) -> (root, marks) or None
    root: dicts, lists and scalar_type(text, plain) instances; marks: {path: (line, column)}, both 0-based.
*/
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <yaml.h>

typedef struct {
    PyObject *container; /* borrowed: owned by its parent, or by root */
    int in_mapping;
    PyObject *path;      /* owned */
    PyObject *key;       /* owned, or NULL */
    PyObject *key_mark;  /* owned, or NULL */
} Frame;

#define MAX_FRAMES 64

static PyObject *new_mark(yaml_mark_t mark)
{
    PyObject *line = PyLong_FromSize_t(mark.line);
    PyObject *column = line ? PyLong_FromSize_t(mark.column) : NULL;
    PyObject *pair = column ? PyTuple_New(2) : NULL;
    if (!pair) {
        Py_XDECREF(line);
        Py_XDECREF(column);
        return NULL;
    }
    PyTuple_SET_ITEM(pair, 0, line);
    PyTuple_SET_ITEM(pair, 1, column);
    return pair;
}

/* path + (step,), stealing the reference to step. */
static PyObject *extended(PyObject *path, PyObject *step)
{
    Py_ssize_t size = PyTuple_GET_SIZE(path);
    PyObject *longer = step ? PyTuple_New(size + 1) : NULL;
    if (!longer) {
        Py_XDECREF(step);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < size; i++) {
        PyObject *item = PyTuple_GET_ITEM(path, i);
        Py_INCREF(item);
        PyTuple_SET_ITEM(longer, i, item);
    }
    PyTuple_SET_ITEM(longer, size, step);
    return longer;
}

/* A scalar_type instance (a tuple subclass) holding (text, plain), made as tuple.__new__ would make it. */
static PyObject *new_scalar(PyTypeObject *scalar_type, const yaml_event_t *event)
{
    PyObject *text = PyUnicode_DecodeUTF8((const char *)event->data.scalar.value,
                                          (Py_ssize_t)event->data.scalar.length, "strict");
    if (!text)
        return NULL;
    PyObject *scalar = scalar_type->tp_alloc(scalar_type, 2);
    if (!scalar) {
        Py_DECREF(text);
        return NULL;
    }
    PyObject *plain = event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? Py_True : Py_False;
    Py_INCREF(plain);
    PyTuple_SET_ITEM(scalar, 0, text);
    PyTuple_SET_ITEM(scalar, 1, plain);
    return scalar;
}

typedef struct {
    PyTypeObject *scalar_type;
    int max_depth;
    PyObject *root;
    PyObject *marks;
    Frame frames[MAX_FRAMES]; /* frames[0] is the top, outside any container */
    int depth;
    int documents;
} Walk;

enum { GO_ON, DONE, GIVE_UP, FAILED };

static void clear_walk(Walk *walk)
{
    for (int i = 0; i <= walk->depth; i++) {
        Py_XDECREF(walk->frames[i].path);
        Py_XDECREF(walk->frames[i].key);
        Py_XDECREF(walk->frames[i].key_mark);
    }
    Py_XDECREF(walk->root);
    Py_XDECREF(walk->marks);
}

/* Place a new value (a scalar, or a container just opened) where the walk is; steals value. */
static int place_value(Walk *walk, const yaml_event_t *event, PyObject *value, PyObject **place)
{
    Frame *top = &walk->frames[walk->depth];
    PyObject *mark;
    if (top->in_mapping) {
        *place = extended(top->path, top->key);
        top->key = NULL;
        mark = top->key_mark;
        top->key_mark = NULL;
        if (!*place || PyDict_SetItem(top->container, PyTuple_GET_ITEM(*place, PyTuple_GET_SIZE(*place) - 1),
                                      value) < 0)
            goto failed;
    } else if (top->container) {
        *place = extended(top->path, PyLong_FromSsize_t(PyList_GET_SIZE(top->container)));
        mark = new_mark(event->start_mark);
        if (!*place || !mark || PyList_Append(top->container, value) < 0)
            goto failed;
    } else {
        *place = PyTuple_New(0);
        mark = new_mark(event->start_mark);
        if (!*place || !mark)
            goto failed;
        Py_INCREF(value);
        Py_XDECREF(walk->root);
        walk->root = value;
    }
    if (PyDict_SetItem(walk->marks, *place, mark) < 0)
        goto failed;
    Py_DECREF(mark);
    Py_DECREF(value);
    return GO_ON;
failed:
    Py_XDECREF(mark);
    Py_XDECREF(*place);
    *place = NULL;
    Py_DECREF(value);
    return FAILED;
}

static int on_scalar(Walk *walk, const yaml_event_t *event)
{
    Frame *top = &walk->frames[walk->depth];
    if (event->data.scalar.anchor || event->data.scalar.tag)
        return GIVE_UP;
    PyObject *value = new_scalar(walk->scalar_type, event);
    if (!value)
        return FAILED;
    if (top->in_mapping && !top->key) {
        PyObject *key = PyTuple_GET_ITEM(value, 0);
        int taken = PyDict_Contains(top->container, key);
        if (taken != 0) {
            Py_DECREF(value);
            return taken < 0 ? FAILED : GIVE_UP;
        }
        top->key_mark = new_mark(event->start_mark);
        if (!top->key_mark) {
            Py_DECREF(value);
            return FAILED;
        }
        Py_INCREF(key);
        top->key = key;
        Py_DECREF(value);
        return GO_ON;
    }
    PyObject *place;
    int outcome = place_value(walk, event, value, &place);
    Py_XDECREF(place);
    return outcome;
}

static int on_open(Walk *walk, const yaml_event_t *event, int mapping)
{
    Frame *top = &walk->frames[walk->depth];
    const yaml_char_t *anchor = mapping ? event->data.mapping_start.anchor : event->data.sequence_start.anchor;
    const yaml_char_t *tag = mapping ? event->data.mapping_start.tag : event->data.sequence_start.tag;
    if (anchor || tag || (top->in_mapping && !top->key) || walk->depth >= walk->max_depth
        || walk->depth + 1 >= MAX_FRAMES)
        return GIVE_UP;
    PyObject *value = mapping ? PyDict_New() : PyList_New(0);
    if (!value)
        return FAILED;
    PyObject *container = value; /* borrowed once placed: its parent, or root, holds it */
    PyObject *place;
    if (place_value(walk, event, value, &place) != GO_ON)
        return FAILED;
    Frame *inner = &walk->frames[++walk->depth];
    inner->container = container;
    inner->in_mapping = mapping;
    inner->path = place;
    inner->key = NULL;
    inner->key_mark = NULL;
    return GO_ON;
}

static int on_close(Walk *walk)
{
    Frame *inner = &walk->frames[walk->depth];
    Py_CLEAR(inner->path);
    Py_CLEAR(inner->key);
    Py_CLEAR(inner->key_mark);
    walk->depth--;
    return GO_ON;
}

static int on_event(Walk *walk, const yaml_event_t *event)
{
    switch (event->type) {
    case YAML_SCALAR_EVENT:
        return on_scalar(walk, event);
    case YAML_MAPPING_START_EVENT:
        return on_open(walk, event, 1);
    case YAML_SEQUENCE_START_EVENT:
        return on_open(walk, event, 0);
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
        return on_close(walk);
    case YAML_DOCUMENT_START_EVENT:
        return ++walk->documents > 1 ? GIVE_UP : GO_ON;
    case YAML_ALIAS_EVENT:
        return GIVE_UP;
    case YAML_STREAM_END_EVENT:
        return DONE;
    default:
        return GO_ON;
    }
}

static PyObject *parse(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *text;
    Walk walk = {0};
    if (!PyArg_ParseTuple(args, "UO!i", &text, &PyType_Type, &walk.scalar_type, &walk.max_depth))
        return NULL;
    if (!PyType_IsSubtype(walk.scalar_type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "scalar_type must be a tuple subclass");
        return NULL;
    }
    Py_ssize_t size;
    const char *utf8 = PyUnicode_AsUTF8AndSize(text, &size);
    if (!utf8) { /* a lone surrogate: the Python walk raises what it always has */
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    walk.marks = PyDict_New();
    walk.frames[0].path = PyTuple_New(0);
    if (!walk.marks || !walk.frames[0].path) {
        clear_walk(&walk);
        return NULL;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        clear_walk(&walk);
        return PyErr_NoMemory();
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)utf8, (size_t)size);
    int outcome = GO_ON;
    while (outcome == GO_ON) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            outcome = GIVE_UP;
            break;
        }
        outcome = on_event(&walk, &event);
        yaml_event_delete(&event);
    }
    yaml_parser_delete(&parser);
    PyObject *result = NULL;
    if (outcome == DONE)
        result = PyTuple_Pack(2, walk.root ? walk.root : Py_None, walk.marks);
    else if (outcome == GIVE_UP)
        result = Py_NewRef(Py_None);
    clear_walk(&walk);
    return result;
}

static PyMethodDef methods[] = {
    {"parse", parse, METH_VARARGS,
     "parse(text, scalar_type, max_depth) -> (root, marks), or None when the text needs the Python reader."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_yamlfast",
    .m_doc = "The strict YAML reader's walk over libyaml's events, in C, for files with nothing to report.",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__yamlfast(void)
{
    return PyModule_Create(&module);
}
