// The block picker (the "Add a block" form) searchable by words: a search
// box above the choices (folded until then) hides those whose title, name and
// description lack one of the words typed; Enter picks the first one left. The form itself
// posts as without the script (the block is added after the chosen output,
// already connected).

function filter(form, text) {
	const words = text.toLowerCase().split(/\s+/).filter(Boolean);
	for (const choice of form.querySelectorAll('.choice')) {
		const about = choice.textContent.toLowerCase();
		choice.hidden = !words.every((w) => about.includes(w));
	}
	for (const group of form.querySelectorAll('fieldset'))
		group.hidden = !group.querySelector('.choice:not([hidden])');
}

// Adds the search box to the form (each time the page is drawn).
export function attach() {
	const form = document.getElementById('add');
	if (!form || document.getElementById('add-search'))
		return;
	const label = document.createElement('label');
	label.htmlFor = 'add-search';
	label.textContent = 'Search the blocks';
	const search = document.createElement('input');
	search.type = 'search';
	search.id = 'add-search';
	search.placeholder = 'words of the title or description';
	search.autocomplete = 'off';
	search.addEventListener('input', () => {
		document.getElementById('add-types').open = true;
		filter(form, search.value);
	});
	search.addEventListener('keydown', (ev) => {
		if (ev.key !== 'Enter')
			return;
		ev.preventDefault();
		const first = form.querySelector('.choice:not([hidden]) input[name="type"]');
		if (first) {
			first.checked = true;
			first.focus();
		}
	});
	document.getElementById('add-types').before(label, search);
}

export function open() {
	const search = document.getElementById('add-search');
	if (!search)
		return;
	document.getElementById('add-types').open = true;
	search.scrollIntoView({ block: 'start' });
	search.focus();
}
