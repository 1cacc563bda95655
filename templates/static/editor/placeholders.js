// A block's settings form (its page, the editor's settings panel): clicking
// a placeholder of the list (or Enter on it) puts it at the cursor of the
// text field last used, or of the first.

// Makes the placeholders of the settings form inside root clickable.
export function attach(root) {
	const list = root.querySelector('.placeholders');
	const fields = [...root.querySelectorAll('.settings-form textarea.code, .settings-form input[type="text"]')];
	let last = null;
	if (!list)
		return;
	for (const f of fields)
		f.addEventListener('focus', () => { last = f; });

	function put(text) {
		const f = last || fields[0];
		if (!f)
			return;
		const start = f.selectionStart ?? f.value.length, end = f.selectionEnd ?? start;
		f.value = f.value.slice(0, start) + text + f.value.slice(end);
		f.focus();
		f.setSelectionRange(start + text.length, start + text.length);
	}

	for (const code of list.querySelectorAll('li code')) {
		code.setAttribute('role', 'button');
		code.setAttribute('tabindex', '0');
		code.title = 'Put it in the field';
		code.addEventListener('mousedown', (e) => e.preventDefault()); // keep the field's cursor
		code.addEventListener('click', () => put(code.textContent));
		code.addEventListener('keydown', (e) => {
			if (e.key === 'Enter') {
				e.preventDefault();
				put(code.textContent);
			}
		});
	}
}

attach(document);
