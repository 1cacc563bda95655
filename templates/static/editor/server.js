// The page's unsaved workflow (its draft) and how it reaches axond. The
// script's edits change the draft, never a stored version: a drag changes it
// in the page; the other edits post the outline's own forms (the same fields,
// the CSRF token, the version the draft was made from) with the draft, and
// axond answers the editor drawn from the changed draft (or refuses with the
// engine's reason), which takes the place of the page's; a block's settings
// panel (panel.js) posts its form the same way. Save (Ctrl-S) posts
// the draft as a new version and updates the page in place from the JSON
// answer; a save made from version N when N+1 exists is refused (409) and
// the page offers a choice. Requests go one at a time, in order.

let queue = Promise.resolve();
let inFlight = 0;
let draft = null; // the workflow's definition as the page has it, as JSON text
let saved = null; // the same for the version saved last
let base = 0;     // that version's number
let going = false; // a person said yes to leaving the page

export function editUrl() {
	return location.pathname.replace(/\/edit\/?$/, '/edit');
}

export const version = () => base;
export const busy = () => inFlight > 0;
export const dirty = () => draft !== saved;
export const current = () => JSON.parse(draft);
export const leaving = () => going;

function csrf() {
	const c = document.querySelector('input[name="csrf"]');
	return c ? c.value : '';
}

// One spelling of a definition, so that the same workflow compares equal.
const canonical = (json) => JSON.stringify(JSON.parse(json));

// Tells the page that the draft or the saved version changed.
function changed() {
	document.dispatchEvent(new CustomEvent('editor:state', { detail: { dirty: dirty(), version: base } }));
}

// Reads the draft the page was drawn with (at load, and after each draw).
function readPage() {
	const t = document.getElementById('editor-definition');
	if (t)
		draft = canonical(t.value);
	if (saved === null) {
		saved = draft;
		const v = document.querySelector('section.editor input[name="version"]');
		base = v ? Number(v.value) : 0;
	}
	changed();
}
readPage();

// The page's version fields and heading show version v.
function showVersion(v) {
	base = v;
	for (const i of document.querySelectorAll('section.editor input[name="version"]'))
		i.value = v;
	const shown = document.getElementById('editor-version');
	if (shown)
		shown.textContent = v;
}

// A message at the bottom of the window; actions are [label, fn] pairs, lines a list under the text.
export function notify(text, kind, actions = [], lines = []) {
	let box = document.getElementById('script-notice');
	if (!box) {
		box = document.createElement('div');
		box.id = 'script-notice';
		box.setAttribute('role', 'alert');
		document.body.append(box);
	}
	box.className = `script-notice ${kind || ''}`;
	box.replaceChildren();
	const p = document.createElement('p');
	p.textContent = text;
	box.append(p);
	if (lines.length) {
		const ul = document.createElement('ul');
		for (const l of lines) {
			const li = document.createElement('li');
			li.textContent = l;
			ul.append(li);
		}
		box.append(ul);
	}
	for (const [label, fn] of [...actions, ['Dismiss', () => box.remove()]]) {
		const b = document.createElement('button');
		b.type = 'button';
		b.textContent = label;
		b.addEventListener('click', fn);
		box.append(b);
	}
}

export function clearNotice() {
	const box = document.getElementById('script-notice');
	if (box)
		box.remove();
}

// Puts the editor section of an editor page (HTML text) in place of the page's.
function draw(html) {
	const doc = new DOMParser().parseFromString(html, 'text/html');
	const fresh = doc.querySelector('section.editor');
	const section = document.querySelector('section.editor');
	if (!fresh || !section)
		throw new Error('the answer has no editor section');
	for (const c of [...section.children])
		if (!c.matches('link, script'))
			c.remove();
	for (const c of [...fresh.children])
		if (!c.matches('link, script'))
			section.append(document.importNode(c, true));
	showVersion(base);
	readPage();
	document.dispatchEvent(new CustomEvent('editor:refreshed'));
}

function serial(run) {
	inFlight++;
	const p = queue.then(run).finally(() => inFlight--);
	queue = p.catch(() => {});
	return p;
}

async function send(path, body) {
	body.set('csrf', csrf());
	return fetch(editUrl() + path, {
		method: 'POST', body, credentials: 'same-origin', headers: { Accept: 'application/json' },
	});
}

// The form fields (a value or an array of values each) with the draft and its version.
function withDraft(fields) {
	const body = new URLSearchParams({ version: base, draft });
	for (const [name, value] of Object.entries(fields))
		for (const v of [].concat(value)) // an array: the field once per value
			body.append(name, v);
	return body;
}

// Posts fields to the editor's route path (after /workflows/ID/edit) as an
// edit of the draft. Resolves to the step {before, after} (the draft's
// texts), or null when nothing changed or axond refused: the reason is
// shown, or given to refused(html) when axond answered with HTML (the
// settings panel's form again, with its messages in place).
export function post(path, fields, refused) {
	return serial(async () => {
		const before = draft;
		let res;
		try {
			res = await send(path, withDraft(fields));
		} catch (e) {
			notify(`The change could not be sent (${e.message}): nothing was changed.`, 'error');
			return null;
		}
		if (!res.ok && refused && (res.headers.get('Content-Type') || '').startsWith('text/html')) {
			refused(await res.text());
			return null;
		}
		if (!res.ok) {
			const data = await res.json().catch(() => ({}));
			notify(data.error ? data.error.message : `The change was refused (${res.status}).`, 'error');
			return null;
		}
		clearNotice();
		draw(await res.text());
		return before === draft ? null : { before, after: draft };
	});
}

// Posts fields with the draft to path, which changes nothing (the settings
// panel's form): resolves to the answer's HTML, or null when refused (the
// reason is shown).
export function ask(path, fields) {
	return serial(async () => {
		try {
			const res = await send(path, withDraft(fields));
			if (res.ok)
				return await res.text();
			const data = await res.json().catch(() => ({}));
			notify(data.error ? data.error.message : `The editor's request was refused (${res.status}).`, 'error');
		} catch (e) {
			notify(`The editor could not reach axond (${e.message}).`, 'error');
		}
		return null;
	});
}

// The draft becomes def (an object) as the page has it drawn already (a drag): no request.
export function keep(def) {
	const before = draft;
	draft = JSON.stringify(def);
	const t = document.getElementById('editor-definition');
	if (t)
		t.value = draft;
	changed();
	return before === draft ? null : { before, after: draft };
}

// The draft becomes the definition def (an object or its text), drawn by axond:
// checked for new problems unless trusted (undo and redo). A step, or null.
export function change(def, trusted = false) {
	const to = typeof def === 'string' ? def : JSON.stringify(def);
	return post('/draft', trusted ? { to, check: 'no' } : { to });
}

// What differs between two definitions, as lines for a person.
function differences(theirs, mine) {
	const lines = [];
	const byId = (d) => new Map((d.blocks || []).map((b) => [b.id, JSON.stringify({ ...b, ui: undefined })]));
	const t = byId(theirs), m = byId(mine);
	for (const [id, b] of t)
		if (!m.has(id))
			lines.push(`block ${id}: only in the saved version`);
		else if (m.get(id) !== b)
			lines.push(`block ${id}: its settings differ`);
	for (const id of m.keys())
		if (!t.has(id))
			lines.push(`block ${id}: only in yours`);
	const edges = (d) => new Set((d.edges || []).map((e) => `${e.from} → ${e.to}`));
	const te = edges(theirs), me = edges(mine);
	for (const e of te)
		if (!me.has(e))
			lines.push(`edge ${e}: only in the saved version`);
	for (const e of me)
		if (!te.has(e))
			lines.push(`edge ${e}: only in yours`);
	if (JSON.stringify(theirs.trigger) !== JSON.stringify(mine.trigger))
		lines.push('the trigger differs');
	if (!lines.length)
		lines.push('only the positions of the boxes differ');
	return lines;
}

// A save refused because version `now` was saved meanwhile: what changed, and the choice.
async function conflict(message) {
	let stored = null;
	try {
		const res = await fetch(location.pathname.replace(/\/edit\/?$/, ''), {
			headers: { Accept: 'application/json' }, credentials: 'same-origin',
		});
		stored = res.ok ? (await res.json()).workflow : null;
	} catch (e) {
		stored = null;
	}
	const actions = [['Reload the editor (drop my changes)', () => { saved = draft; location.reload(); }]];
	if (stored)
		actions.push([`Save mine on top (as version ${stored.version + 1})`, () => save(stored.version)]);
	if (!stored) {
		notify(`Your changes were not saved: ${message}`, 'conflict', actions);
		return;
	}
	notify(`Your changes were not saved: this workflow was saved again since version ${base}, the one they ` +
		`were made on. Version ${stored.version}, compared with yours:`, 'conflict', actions,
	differences(stored.definition, current()));
}

// Saves the draft as a new version made from version `over` (the page's by
// default). Resolves to true when saved.
export function save(over) {
	return serial(async () => {
		const posted = draft;
		const body = new URLSearchParams({ version: over || base, definition: posted });
		let res, data = {};
		try {
			res = await send('/save', body);
			data = await res.json().catch(() => ({}));
		} catch (e) {
			notify(`The workflow could not be saved (${e.message}): try again.`, 'error');
			return false;
		}
		if (res.status === 409) {
			await conflict(data.error ? data.error.message : 'someone saved this workflow meanwhile.');
			return false;
		}
		if (!res.ok) {
			notify(data.error ? data.error.message : `The workflow was not saved (${res.status}).`, 'error');
			return false;
		}
		saved = posted;
		showVersion(data.workflow.version);
		notify(`Saved as version ${data.workflow.version}.`, 'info');
		changed();
		return true;
	});
}

// Leaves for url (a page of Axon), asking first when there are unsaved changes.
export function leave(url) {
	if (dirty() && !confirm('This workflow has unsaved changes. Leave without saving them?'))
		return;
	going = true;
	location.assign(url);
}
