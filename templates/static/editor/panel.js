// A block's settings panel beside the canvas: the settings form axond builds
// from the block's config schema (the one of the block's own page,
// block_settings.c), for the block as the page's draft has it. Apply posts
// the form with the draft, like the outline's forms: the change goes into
// the draft as one step to undo and makes no version until Save; a value
// refused (by its field's type or by the engine) shows the form again with
// the message in place and what was typed. Enter or a double click on a
// block opens the panel (focus goes to its first field); Escape or Close
// closes it and focus goes back to the block.
import * as history from './history.js';
import { attach as codeFields } from './code-field.js';
import { attach as placeholders } from './placeholders.js';
import { ask, current, editUrl, post } from './server.js';

let block = null; // the id of the block shown
let shown = null; // its JSON in the draft when its form was drawn (without its position)
let typed = null; // the form's fields then, to tell whether something was typed since
let applying = false; // an apply on its way: the draft drawn again is its doing

const route = (id) => `/blocks/${encodeURIComponent(id)}`;
const form = () => document.querySelector('#settings-panel form.settings-form');

// The block's JSON in the draft, its position left out (a drag changes no setting); null when it is gone.
function blockText(id) {
	const b = (current().blocks || []).find((x) => x.id === id);
	return b ? JSON.stringify({ ...b, ui: undefined }) : null;
}

function fieldsOf(f) {
	const fields = {};
	for (const [k, v] of new FormData(f))
		if (k !== 'csrf' && k !== 'version')
			(fields[k] = fields[k] || []).push(v);
	return fields;
}

// Something typed in the panel and not applied yet.
export const pending = () => Boolean(block && form() && JSON.stringify(fieldsOf(form())) !== typed);

function frame() {
	let box = document.getElementById('settings-panel');
	if (box)
		return box;
	box = document.createElement('aside');
	box.id = 'settings-panel';
	box.className = 'settings-panel';
	box.setAttribute('role', 'dialog');
	box.setAttribute('aria-labelledby', 'settings-panel-title');
	box.hidden = true;
	const state = document.createElement('p');
	state.id = 'settings-panel-state';
	state.setAttribute('role', 'status');
	box.append(state, document.createElement('div'));
	box.addEventListener('submit', (ev) => {
		ev.preventDefault();
		apply();
	});
	box.addEventListener('click', (ev) => {
		if (ev.target.closest('.panel-close'))
			close();
	});
	box.addEventListener('keydown', (ev) => {
		if (ev.key === 'Escape') {
			ev.preventDefault();
			ev.stopPropagation();
			close();
		}
	});
	document.body.append(box);
	return box;
}

function say(text) {
	const state = document.getElementById('settings-panel-state');
	if (state)
		state.textContent = text;
}

// Shows the form of block id from axond's HTML; focus: 'field' (the first
// one), 'error' (the first refused, else the message) or 'keep' (where it
// is; the heading when it was in the panel's form, now drawn again).
function draw(id, html, focus) {
	const body = new DOMParser().parseFromString(html, 'text/html').querySelector('section.settings-panel-body');
	if (!body)
		return;
	const box = frame(), had = box.contains(document.activeElement);
	box.lastElementChild.replaceChildren(document.importNode(body, true));
	box.hidden = false;
	block = id;
	shown = blockText(id);
	placeholders(box);
	codeFields(box);
	typed = JSON.stringify(fieldsOf(form()));
	const first = (sel) => box.querySelector(sel);
	const fields = (within) => ['input:not([type=hidden])', 'textarea', 'select'].map((t) => `${within} ${t}`).join(', ');
	const target = {
		error: () => first(fields('.has-error')) || first('.alert[role="alert"]'),
		field: () => first(fields('.settings-form')),
		keep: () => had && first('h2'),
	}[focus]();
	if (target) {
		if (!target.hasAttribute('tabindex') && target.matches('.alert'))
			target.setAttribute('tabindex', '-1');
		target.focus();
	} else if (focus !== 'keep') {
		first('h2').focus();
	}
}

// Opens the panel for block id.
export async function open(id) {
	if (block && block !== id && pending() && !confirm(`Leave the settings of ${block} without applying what you typed?`))
		return;
	const html = await ask(`${route(id)}/panel`, {});
	if (html !== null) {
		say('');
		draw(id, html, 'field');
	}
}

// A box of the canvas opened (Enter, double click): a block's panel, the trigger's place in the outline.
export function openNode(node) {
	const href = node.getAttribute('href') || '';
	if (href.startsWith(`${editUrl()}/blocks/`))
		open(node.dataset.block);
	else
		location.assign(href);
}

// Closes the panel (asking first when something typed is not applied); focus goes back to the block.
export function close(asking = true) {
	const box = document.getElementById('settings-panel');
	if (!box || box.hidden)
		return;
	if (asking && pending() && !confirm(`Close the settings of ${block} without applying what you typed?`))
		return;
	const id = block;
	box.hidden = true;
	box.lastElementChild.replaceChildren();
	block = shown = typed = null;
	const node = document.querySelector(`#graph a.node[data-block="${CSS.escape(id)}"]`);
	if (asking && node)
		node.focus({ preventScroll: true });
}

// Apply: the form's values into the draft, one step. Resolves to false when refused.
export async function apply() {
	const f = form(), id = block;
	if (!f)
		return false;
	let refused = false;
	applying = true;
	const step = await post(route(id), fieldsOf(f), (html) => {
		refused = true;
		say('');
		draw(id, html, 'error');
	}).finally(() => { applying = false; });
	if (refused)
		return false;
	history.record(step);
	return true;
}

// The draft drawn again (an apply, an undo, another edit): the panel follows
// its block, and closes when the block is gone.
document.addEventListener('editor:refreshed', async () => {
	if (!block)
		return;
	const now = blockText(block), note = applying ? 'Applied: an unsaved change until Save (Ctrl-S).' : '';
	if (now === null) {
		close(false);
	} else if (now !== shown) {
		const id = block, html = await ask(`${route(id)}/panel`, {});
		if (html !== null && id === block) {
			say(note);
			draw(id, html, 'keep');
		}
	}
});
