// The visual editor's script layer (loaded by templates/workflows/editor.html).
// Without it the page works through its forms, each a new version; with it
// the canvas takes the mouse and the keyboard, and every change, the
// outline's forms' too, goes into the page's draft (server.js) until Save or
// Ctrl-S makes it a version; a block's settings too, in a panel beside the
// canvas (panel.js). Leaving with unsaved changes asks first.
import * as canvas from './canvas.js';
import * as clipboard from './clipboard.js';
import * as history from './history.js';
import * as panel from './panel.js';
import * as picker from './picker.js';
import * as view from './view.js';
import './test-run.js';
import { busy, change, current, dirty, editUrl, leave, leaving, post, save, version } from './server.js';

const HINT = 'Drag a block to move it; drag from an output port to an input port to connect them; click to ' +
	'select (shift-click or shift-drag for more). Ctrl-C copies the selected blocks with the edges between them, ' +
	'Ctrl-X cuts, Ctrl-V pastes them here or in another workflow\'s editor; Delete removes, Enter opens the ' +
	'settings panel (Escape closes it), / adds a block, ' +
	'the left and right arrows go along the edges from the selected block, Ctrl-Z and Ctrl-Shift-Z undo and ' +
	'redo; the wheel zooms, dragging the background or the arrows pan, F fits. Changes are kept in this page ' +
	'until Save (Ctrl-S) makes them a new version.';

// The outline's forms that the script makes edits of the draft (the others,
// a test run, save the draft first).
const DRAFT_FORMS = /^\/(blocks(\/[^/]+\/(rename|delete))?|edges(\/delete)?|tidy|trigger|paste)$/;

function button(label, fn) {
	const b = document.createElement('button');
	b.type = 'button';
	b.textContent = label;
	b.addEventListener('click', fn);
	return b;
}

// What the script adds to the page each time it is drawn.
function setup() {
	const box = document.getElementById('canvas');
	if (!box)
		return;
	box.classList.add('live');
	const tools = document.createElement('div');
	tools.className = 'canvas-tools';
	const undo = button('Undo', history.undo), redo = button('Redo', history.redo);
	undo.id = 'canvas-undo';
	redo.id = 'canvas-redo';
	tools.append(button('Fit to screen', view.fit), button('Zoom in', () => view.zoom(1.25)),
		button('Zoom out', () => view.zoom(0.8)), undo, redo);
	box.before(tools);
	const actions = document.querySelector('section.editor .heading .actions');
	if (actions) {
		const saveButton = button('Save', () => save());
		saveButton.id = 'editor-save';
		saveButton.className = 'primary';
		const state = document.createElement('span');
		state.id = 'editor-dirty';
		state.setAttribute('role', 'status');
		actions.prepend(state, saveButton);
	}
	showHistory(history.sizes());
	showState();
	const hint = document.querySelector('section.editor p.hint');
	if (hint)
		hint.textContent = HINT;
	view.attach();
	canvas.attach();
	picker.attach();
}

// "Unsaved changes" beside Save, which is offered only then.
function showState() {
	const state = document.getElementById('editor-dirty'), b = document.getElementById('editor-save');
	if (state)
		state.textContent = dirty() ? 'Unsaved changes' : `Saved (version ${version()})`;
	if (state)
		state.className = dirty() ? 'dirty' : 'muted';
	if (b) {
		b.disabled = !dirty();
		b.title = dirty() ? `Save the changes as version ${version() + 1} (Ctrl-S)` : 'Nothing to save';
	}
}

function showHistory({ undo, redo }) {
	for (const [id, n, what] of [['canvas-undo', undo, 'undo'], ['canvas-redo', redo, 'redo']]) {
		const b = document.getElementById(id);
		if (b) {
			b.disabled = n === 0;
			b.title = n ? `${n} change${n > 1 ? 's' : ''} to ${what} (Ctrl-${what === 'undo' ? '' : 'Shift-'}Z)` : `Nothing to ${what}`;
		}
	}
}

// Delete and Ctrl-X: the selected blocks (with their edges) and edges go, in one edit.
async function removeSelected() {
	const keys = [...canvas.selection];
	canvas.selection.clear();
	const blocks = new Set(keys.filter((k) => k.startsWith('node:') && k !== 'node:trigger').map((k) => k.slice(5)));
	const edges = new Set(keys.filter((k) => k.startsWith('edge:')).map((k) => k.slice(5)));
	if (!blocks.size && !edges.size)
		return;
	const def = current(), of = (end) => String(end).split('.')[0];
	def.blocks = (def.blocks || []).filter((b) => !blocks.has(b.id));
	def.edges = (def.edges || []).filter((e) => !edges.has(`${e.from} ${e.to}`) && !blocks.has(of(e.from)) &&
		!blocks.has(of(e.to)));
	history.record(await change(def));
}

function openSettings() {
	const keys = [...canvas.selection].filter((k) => k.startsWith('node:'));
	const node = keys.length === 1 && document.querySelector(`#graph a.node[data-block="${CSS.escape(keys[0].slice(5))}"]`);
	if (node)
		panel.openNode(node);
}

// A link to a block's settings page opens its settings panel; a link to
// another page of Axon while there are unsaved changes asks first.
function link(ev) {
	const a = ev.target.closest('a[href]'); // an SVG link's target and href are not strings: the attributes are
	if (!a || ev.defaultPrevented || a.getAttribute('target') || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button)
		return;
	const url = new URL(a.getAttribute('href'), location.href);
	const prefix = `${editUrl()}/blocks/`;
	const block = url.origin === location.origin && url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : '';
	if (block && !block.includes('/')) {
		ev.preventDefault();
		panel.open(decodeURIComponent(block));
		return;
	}
	if (!dirty() || url.origin !== location.origin || (url.pathname === location.pathname && url.hash))
		return;
	ev.preventDefault();
	leave(url.href);
}

// The outline's forms: an edit of the draft, or (a test run) the draft saved first.
function submit(ev) {
	const form = ev.target;
	if (!form.closest('section.editor') || form.method !== 'post')
		return;
	const path = new URL(form.action, location.href).pathname;
	if (!path.startsWith(`${editUrl()}/`))
		return;
	const rest = path.slice(editUrl().length);
	if (DRAFT_FORMS.test(rest)) {
		ev.preventDefault();
		const fields = {};
		for (const [k, v] of new FormData(form, ev.submitter))
			if (k !== 'csrf' && k !== 'version')
				(fields[k] = fields[k] || []).push(v);
		post(rest, fields).then(history.record);
	} else if (dirty()) {
		ev.preventDefault();
		const by = ev.submitter;
		save().then((ok) => {
			if (ok)
				form.requestSubmit(by);
		});
	}
}

// The block picker, starting after the selected block (its first output).
function openPicker() {
	const keys = [...canvas.selection].filter((k) => k.startsWith('node:'));
	const after = document.getElementById('add-after');
	const id = keys.length === 1 ? keys[0].slice(5) : null;
	const option = after && id && [...after.options].find((o) => o.value === id || o.value.startsWith(`${id}.`));
	if (option)
		after.value = option.value;
	picker.open();
}

function key(ev) {
	const typing = ev.target.closest('input, textarea, select, [contenteditable]');
	const ctrl = ev.ctrlKey || ev.metaKey;
	const k = ev.key.toLowerCase();
	if (ctrl && k === 's') {
		ev.preventDefault();
		// What the settings panel has that is not applied yet is applied first.
		if (panel.pending())
			panel.apply().then((ok) => ok && save());
		else
			save();
		return;
	}
	if (typing || (ev.target.closest('#settings-panel') && !(ctrl && (k === 'z' || k === 'y'))))
		return;
	if (ctrl && k === 'z') {
		ev.preventDefault();
		(ev.shiftKey ? history.redo : history.undo)();
	} else if (ctrl && k === 'y') {
		ev.preventDefault();
		history.redo();
	} else if (ctrl || ev.altKey) {
		return;
	} else if (ev.key === 'Delete' || ev.key === 'Backspace') {
		if (canvas.selection.size) {
			ev.preventDefault();
			removeSelected();
		}
	} else if (ev.key === 'Enter' && !ev.target.closest('a, button')) {
		openSettings();
	} else if (ev.key === '/') {
		ev.preventDefault();
		openPicker();
	} else if (ev.key === 'Escape' && canvas.cancel()) {
		ev.preventDefault();
	} else if (ev.key === 'Escape') {
		canvas.selection.clear();
		canvas.showSelection();
		if (ev.target.closest('#graph'))
			ev.target.blur();
	} else if (k === 'f' || k === '0') {
		view.fit();
	} else if (k === '+' || k === '=') {
		view.zoom(1.25);
	} else if (k === '-') {
		view.zoom(0.8);
	} else if ((ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') && canvas.walk(ev.key === 'ArrowRight')) {
		ev.preventDefault();
	} else if (ev.key.startsWith('Arrow')) {
		ev.preventDefault();
		const step = 60;
		view.pan({ ArrowLeft: step, ArrowRight: -step }[ev.key] || 0, { ArrowUp: step, ArrowDown: -step }[ev.key] || 0);
	}
}

function wheel(ev) {
	if (!ev.target.closest('#graph'))
		return;
	ev.preventDefault();
	view.zoom(Math.exp(-ev.deltaY / 500), ev.clientX, ev.clientY);
}

if (document.getElementById('graph')) {
	setup();
	canvas.install();
	document.addEventListener('editor:refreshed', setup);
	document.addEventListener('editor:history', (ev) => showHistory(ev.detail));
	document.addEventListener('editor:state', showState);
	document.addEventListener('click', link);
	document.addEventListener('submit', submit);
	document.addEventListener('keydown', key);
	clipboard.attach(removeSelected);
	document.addEventListener('wheel', wheel, { passive: false });
	// Leaving with unsaved changes, a change on its way or a box held asks first.
	window.addEventListener('beforeunload', (ev) => {
		if (!leaving() && (dirty() || busy() || canvas.dragging())) {
			ev.preventDefault();
			ev.returnValue = '';
		}
	});
}
