// Line numbers for the code fields of a block's settings form ("format":
// "code"), on its page and in the editor's settings panel. Without this
// script each is a plain monospace textarea, and the line of the last error
// is named under it; with it a gutter numbers the lines over the text's left
// padding, scrolls with it, and marks that line.

function numbers(area, gutter, errorLine) {
	const count = area.value.split('\n').length;
	if (gutter.childElementCount === count)
		return;
	// room for the widest number, in the text's own monospace font
	const width = String(count).length + 2;
	gutter.style.width = `${width}ch`;
	area.style.paddingLeft = `calc(${width}ch + 8px)`;
	const lines = [];
	for (let n = 1; n <= count; n++) {
		const line = document.createElement('span');
		line.textContent = String(n);
		if (n === errorLine) {
			line.className = 'error';
			line.title = 'the error is on this line';
		}
		lines.push(line);
	}
	gutter.replaceChildren(...lines);
}

// Numbers the code fields inside root.
export function attach(root) {
	for (const field of root.querySelectorAll('.code-field')) {
		const area = field.querySelector('textarea');
		if (!area)
			continue;
		const errorLine = Number(field.dataset.errorLine) || 0;
		const gutter = document.createElement('div');
		gutter.className = 'code-lines';
		gutter.setAttribute('aria-hidden', 'true');
		field.prepend(gutter);
		field.classList.add('numbered');
		const follow = () => { gutter.scrollTop = area.scrollTop; };
		const redraw = () => { numbers(area, gutter, errorLine); follow(); };
		area.addEventListener('input', redraw);
		area.addEventListener('scroll', follow);
		redraw();
		if (errorLine > 0 && location.hash === '')
			gutter.children[errorLine - 1]?.scrollIntoView({ block: 'nearest' });
	}
}

attach(document);
