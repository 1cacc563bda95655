// The page-summary workflow both editor tests build on (webhook ->
// http.request -> html.extract x2 -> text.template), as the create form's
// JSON text.
'use strict';
module.exports = JSON.stringify({
	format: 1,
	trigger: { type: 'webhook', reply: 'summary.text' },
	blocks: [
		{ id: 'fetch', type: 'http.request', config: { url: '{{ trigger.body.url }}' } },
		{ id: 'title', type: 'html.extract', config: { xpath: '//title' } },
		{ id: 'links', type: 'html.extract', config: { xpath: '//a/@href', mode: 'attribute', all: true } },
		{ id: 'summary', type: 'text.template', config: { template: '{{ title.out }}: {{ links.out }}' } },
	],
	edges: [
		{ from: 'fetch.response', to: 'title.html' },
		{ from: 'fetch.response', to: 'links.html' },
		{ from: 'title.out', to: 'summary.in' },
		{ from: 'links.out', to: 'summary.in' },
	],
}, null, 2);
