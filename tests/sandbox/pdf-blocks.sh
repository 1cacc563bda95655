#!/bin/sh
# pdf.text (plugins/pdf/) in the sandbox axond uses, on PDFs this test makes
# (tests/sandbox/make_pdf.py): the text page by page, read in a worker that
# may open no file (poppler's data files are read while the plugin loads),
# and damaged or wrong input refused with a reason.
set -u
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
tool=$top_builddir/axon-block
so=$top_builddir/plugins/.libs/pdf.so
tmp=$(mktemp -d)
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	rm -rf "$tmp"
}
trap cleanup EXIT
for need in python3 base64 head; do
	command -v "$need" >/dev/null || { echo "SKIP: $need is not installed"; exit 77; }
done
python3 "$top_srcdir/tests/sandbox/make_pdf.py" "$(printf 'Cells divide by mitosis.\nCaf\303\251 au lait.')" \
	'Page two: ribosomes make proteins.' >"$tmp/chapter.pdf" || exit 1
head -c 300 "$tmp/chapter.pdf" >"$tmp/cut.pdf"
pdf=$(base64 -w0 "$tmp/chapter.pdf")
cut=$(base64 -w0 "$tmp/cut.pdf")
notpdf=$(printf 'hello, not a PDF' | base64 -w0)
cat >"$tmp/pdf.json" <<JSON
{
  "block": "pdf.text",
  "cases": [
    {"name": "two pages from http.request's response", "inputs": {"in": {"status": 200, "body": {"base64": "$pdf", "size": 1, "content_type": "application/pdf"}}},
     "expect": {"outputs": {"text": {"text": "Cells divide by mitosis.\nCaf\u00e9 au lait.\n\nPage two: ribosomes make proteins.",
       "pages": ["Cells divide by mitosis.\nCaf\u00e9 au lait.", "Page two: ribosomes make proteins."],
       "page_count": 2, "title": "Cells and their parts"}}}},
    {"name": "base64 text as the input itself", "inputs": {"in": "$pdf"},
     "expect": {"outputs": {"text": {"text": "Cells divide by mitosis.\nCaf\u00e9 au lait.\n\nPage two: ribosomes make proteins.",
       "pages": ["Cells divide by mitosis.\nCaf\u00e9 au lait.", "Page two: ribosomes make proteins."],
       "page_count": 2, "title": "Cells and their parts"}}}},
    {"name": "a PDF cut short", "inputs": {"in": "$cut"},
     "expect": {"status": "error", "error_contains": "the PDF cannot be read: PDF document is damaged"}},
    {"name": "not a PDF", "inputs": {"in": {"body": {"base64": "$notpdf"}}},
     "expect": {"status": "error", "error_contains": "in.body is not a PDF (it does not start with %PDF-"}},
    {"name": "a response that came as text", "inputs": {"in": {"status": 200, "body": "<html>"}},
     "expect": {"status": "error", "error_contains": "the response's body came as text, so it is no PDF"}},
    {"name": "nothing where the PDF should be", "inputs": {"in": {"status": 200}},
     "expect": {"status": "error", "error_contains": "in.body must be the PDF as binary data"}}
  ]
}
JSON
"$tool" test "$so" "$tmp/pdf.json"
