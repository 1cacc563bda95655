// Undo and redo of this page's edits. Each edit is remembered as the version
// before it and the version it made; undoing posts the definition of the
// version before (editor_revert), redoing the one after: each is another
// edit, refused (409) like any other when someone saved meanwhile.
import { post } from './server.js';

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
	const ok = await post('/revert', { to: step[key] });
	if (ok)
		to.push(step);
	else
		from.push(step);
	changed();
	return Boolean(ok);
}

export const undo = () => move(done, undone, 'before');
export const redo = () => move(undone, done, 'after');
