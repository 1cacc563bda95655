/* The compiled form of a template, shared by template_load.c (which builds
 * it from XHTML) and template_render.c (which only reads it). Private to the
 * template engine. */
#ifndef AXON_TEMPLATE_TREE_H
#define AXON_TEMPLATE_TREE_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define AX_NS "https://axon.dev/ns/template"
#define MAX_NESTING 16                /* include and layout recursion */
#define MAX_OUTPUT (16u << 20)        /* bytes of HTML per render */
#define MAX_VISITS (4u << 20)         /* elements rendered per render: loops in loops end here */

/* One step of a dotted path; index is its value when the step is all digits. */
struct seg {
	char *name;
	size_t len;
	long index;
};

struct path {
	struct seg *seg;
	size_t n; /* 0: no path */
};

/* ax:attr-NAME or ax:class-NAME. */
struct dyn_attr {
	char *name;
	struct path path;
	bool url; /* href, src...: javascript:, data: and vbscript: render as "#" */
};

enum node_flag {
	NF_VOID = 1 << 0,      /* <br>, <input>...: no end tag */
	NF_FORM_POST = 1 << 1, /* gets the CSRF input */
	NF_OMIT_TAG = 1 << 2,
	NF_CONTENT = 1 << 3,   /* the slot a page fills in its layout */
	NF_HTML = 1 << 4,      /* <html>: preceded by the doctype */
};

struct tpl;

struct node {
	char *tag;   /* NULL for a text node */
	char *text;  /* text node: the escaped text; element: `<tag a="v"` with the static attributes */
	size_t len;
	char *close; /* `</tag>` */
	size_t close_len;
	char *static_class; /* escaped, or NULL */
	size_t class_at;    /* where in text the class attribute goes, to keep the author's order */
	unsigned line;
	unsigned flags;
	struct path text_path, if_path, unless_path, each_path, class_path;
	char *each_name;
	size_t each_len;
	struct dyn_attr *attrs, *classes;
	size_t nattrs, nclasses;
	char *include;
	const struct tpl *include_tpl; /* resolved once every template is loaded */
	struct node *children;
	size_t nchildren;
};

struct tpl {
	char *name;
	char *file;
	struct node root;
	char *layout;
	const struct tpl *layout_tpl;
	struct node **refs; /* nodes with ax:include, to resolve */
	size_t nrefs;
};

struct templates {
	struct tpl **v;
	size_t n;
};

/* Writes "FILE:LINE: message" into err; returns -1 for the caller to return. */
int template_vfail(char *err, size_t errlen, const char *file, unsigned line, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
/* The template of that name in the set, or NULL. */
const struct tpl *template_find(const struct templates *t, const char *name);

#endif
