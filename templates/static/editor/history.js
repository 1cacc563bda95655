// Undo and redo of this page's edits, saved or not: each edit is remembered
// as the draft before it and the draft it made (server.js); undoing draws
// the one before again, redoing the one after. Saving does not end the
// history: an undo after a save is one more change to save.
import { change } from './server.js';

const LIMIT = 200;
const done = [], undone = [];

// Tells the page what there is to undo and redo.
function changed() {
	document.dispatchEvent(new CustomEvent('editor:history', { detail: { undo: done.length, redo: undone.length } }));
}

export function record(step) {
	if (!step)
		return;
	done.push(step);
	if (done.length > LIMIT)
		done.shift();
	undone.length = 0;
	changed();
}

export const sizes = () => ({ undo: done.length, redo: undone.length });

async function move(from, to, key) {
	const step = from.pop();
	if (!step)
		return false;
	const ok = await change(step[key], true);
	(ok ? to : from).push(step);
	changed();
	return Boolean(ok);
}

export const undo = () => move(done, undone, 'before');
export const redo = () => move(undone, done, 'after');
