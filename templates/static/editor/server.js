// The editor's script talks to axond with the forms the page already has:
// the same fields, the CSRF token and the version each edit is made from,
// with Accept: application/json for the answer. Edits go one at a time
// (each needs the version the previous one made); after each the page's
// canvas, outline and forms are fetched again: the server stays the truth.

let queue = Promise.resolve();
let inFlight = 0;

export function editUrl() {
	return location.pathname.replace(/\/edit\/?$/, '/edit');
}

export function version() {
	const v = document.querySelector('section.editor input[name="version"]');
	return v ? v.value : '';
}

export function busy() {
	return inFlight > 0;
}

function csrf() {
	const c = document.querySelector('input[name="csrf"]');
	return c ? c.value : '';
}

// A message at the bottom of the window; actions are [label, fn] pairs.
export function notify(text, kind, actions = []) {
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

// Replaces the editor section's content with the page as axond draws it now.
export async function refresh() {
	const res = await fetch(editUrl(), { headers: { Accept: 'text/html' }, credentials: 'same-origin' });
	if (!res.ok)
		throw new Error(`the editor could not be loaded again (${res.status})`);
	const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
	const fresh = doc.querySelector('section.editor');
	const section = document.querySelector('section.editor');
	if (!fresh || !section)
		throw new Error('the editor page has no editor section');
	for (const c of [...section.children])
		if (!c.matches('link, script'))
			c.remove();
	for (const c of [...fresh.children])
		if (!c.matches('link, script'))
			section.append(document.importNode(c, true));
	document.dispatchEvent(new CustomEvent('editor:refreshed'));
}

// Posts fields (a value or an array of values each) to the editor's route path (after /workflows/ID/edit) made
// from the current version. Resolves to the new version, or null when axond
// refused (the reason is shown; a 409 offers to reload).
export function post(path, fields) {
	inFlight++;
	const run = async () => {
		try {
			const base = Number(version());
			const body = new URLSearchParams({ csrf: csrf(), version: base });
			for (const [name, value] of Object.entries(fields))
				for (const v of [].concat(value)) // an array: the field once per value
					body.append(name, v);
			let res, data = {};
			try {
				res = await fetch(editUrl() + path, {
					method: 'POST', body, credentials: 'same-origin',
					headers: { Accept: 'application/json' },
				});
				data = await res.json().catch(() => ({}));
			} catch (e) {
				notify(`The change could not be sent (${e.message}): nothing was saved.`, 'error');
				return null;
			}
			if (res.status === 409) {
				notify(`${data.error ? data.error.message : 'Someone saved this workflow meanwhile.'}`, 'conflict',
					[['Reload the editor', () => location.reload()]]);
				return null;
			}
			if (!res.ok) {
				notify(data.error ? data.error.message : `The change was refused (${res.status}).`, 'error');
				await refresh().catch(() => {});
				return null;
			}
			clearNotice();
			await refresh();
			return { before: base, after: data.workflow.version };
		} finally {
			inFlight--;
		}
	};
	const p = queue.then(run);
	queue = p.catch(() => {});
	return p;
}
