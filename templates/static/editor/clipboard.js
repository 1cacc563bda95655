// Copy, cut and paste of blocks (Ctrl-C, Ctrl-X, Ctrl-V) between this and
// other workflows' editors, through the clipboard as workflow JSON
// {"format": 1, "blocks": [...], "edges": [...]}: the selected blocks with
// their config, settings and positions, and the edges between them. The
// document's copy, cut and paste events carry the text (no clipboard
// permission asked); a paste (POST .../edit/paste) and a cut are each one
// edit of the page's draft, undone in one step. While text is selected or a field is typed in, the browser's own
// copy and paste go on.
import * as canvas from './canvas.js';
import * as history from './history.js';
import { current, notify, post } from './server.js';

function ownEvent(ev) {
	return !ev.target.closest?.('input, textarea, select, [contenteditable]') && !String(window.getSelection() || '');
}

const blockOf = (end) => String(end).split('.')[0];

// The selected blocks and the edges between them, as workflow JSON; null when no block is selected.
function copied() {
	const ids = new Set([...canvas.selection].filter((k) => k.startsWith('node:') && k !== 'node:trigger')
		.map((k) => k.slice(5)));
	if (!ids.size)
		return null;
	const definition = current();
	const blocks = (definition.blocks || []).filter((b) => ids.has(b.id));
	const edges = (definition.edges || []).filter((e) => ids.has(blockOf(e.from)) && ids.has(blockOf(e.to)));
	return JSON.stringify({ format: 1, blocks, edges }, null, 2);
}

function copy(ev) {
	if (!ownEvent(ev))
		return null;
	const text = copied();
	if (!text)
		return null;
	ev.preventDefault();
	ev.clipboardData.setData('text/plain', text);
	const n = JSON.parse(text).blocks.length;
	notify(`Copied ${n} block${n > 1 ? 's' : ''}: paste them with Ctrl-V here or in another workflow's editor.`, 'info');
	return text;
}

// Cut: copy, then remove (removeSelected, main.js's Delete).
export function attach(removeSelected) {
	document.addEventListener('copy', copy);
	document.addEventListener('cut', (ev) => {
		if (copy(ev))
			removeSelected();
	});
	document.addEventListener('paste', async (ev) => {
		if (!ownEvent(ev))
			return;
		const text = ev.clipboardData.getData('text/plain');
		if (!text.trim())
			return;
		ev.preventDefault();
		history.record(await post('/paste', { json: text }));
	});
}
