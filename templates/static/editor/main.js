// The visual editor's script layer (loaded by templates/workflows/editor.html).
// Without it the page works through its forms; with it the canvas takes the
// mouse and the keyboard. Every change is one of the editor's edits posted
// to axond (server.js), which then draws the page again.
import * as canvas from './canvas.js';
import * as clipboard from './clipboard.js';
import * as history from './history.js';
import * as picker from './picker.js';
import * as view from './view.js';
import './test-run.js';
import { busy, notify, post, version } from './server.js';

const HINT = 'Drag a block to move it; drag from an output port to an input port to connect them; click to ' +
	'select (shift-click or shift-drag for more). Ctrl-C copies the selected blocks with the edges between them, ' +
	'Ctrl-X cuts, Ctrl-V pastes them here or in another workflow\'s editor; Delete removes, Enter opens the ' +
	'settings, / adds a block, ' +
	'the left and right arrows go along the edges from the selected block, Ctrl-Z and Ctrl-Shift-Z undo and ' +
	'redo; the wheel zooms, dragging the background or the arrows pan, F fits.';

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
	showHistory(history.sizes());
	const hint = document.querySelector('section.editor p.hint');
	if (hint)
		hint.textContent = HINT;
	view.attach();
	canvas.attach();
	picker.attach();
	clipboard.load();
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

async function removeSelected() {
	const keys = [...canvas.selection];
	canvas.selection.clear();
	for (const key of keys) {
		if (key.startsWith('node:') && key !== 'node:trigger') {
			history.record(await post(`/blocks/${encodeURIComponent(key.slice(5))}/delete`, {}));
		} else if (key.startsWith('edge:')) {
			const [from, to] = key.slice(5).split(' ');
			history.record(await post('/edges/delete', { from, to }));
		}
	}
}

function openSettings() {
	const keys = [...canvas.selection].filter((k) => k.startsWith('node:'));
	const node = keys.length === 1 && document.querySelector(`#graph a.node[data-block="${CSS.escape(keys[0].slice(5))}"]`);
	if (node)
		location.assign(node.getAttribute('href'));
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
		ev.preventDefault(); // every change is saved as it is made: say so rather than save the page
		notify(busy() ? 'Saving…' : `Every change is saved as you make it: this is version ${version()}.`, 'info');
		return;
	}
	if (typing)
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
	document.addEventListener('keydown', key);
	clipboard.attach(removeSelected);
	document.addEventListener('wheel', wheel, { passive: false });
	// Leaving while a change is on its way (or a box is held) asks first.
	window.addEventListener('beforeunload', (ev) => {
		if (busy() || canvas.dragging()) {
			ev.preventDefault();
			ev.returnValue = '';
		}
	});
}
