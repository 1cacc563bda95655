// Line numbers for the code fields of a block's settings form ("format":
// "code"). Without this script each is a plain monospace textarea, and the
// line of the last error is named under it; with it a gutter numbers the
// lines beside the text, scrolls with it, and marks that line.

function numbers(gutter, text, errorLine) {
	const count = text.split('\n').length;
	if (gutter.childElementCount === count)
		return;
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

for (const field of document.querySelectorAll('.code-field')) {
	const area = field.querySelector('textarea');
	if (!area)
		continue;
	const errorLine = Number(field.dataset.errorLine) || 0;
	const gutter = document.createElement('div');
	gutter.className = 'code-lines';
	gutter.setAttribute('aria-hidden', 'true');
	field.prepend(gutter);
	field.classList.add('numbered');
	const redraw = () => numbers(gutter, area.value, errorLine);
	area.addEventListener('input', redraw);
	area.addEventListener('scroll', () => { gutter.scrollTop = area.scrollTop; });
	redraw();
	if (errorLine > 0 && location.hash === '')
		gutter.children[errorLine - 1]?.scrollIntoView({ block: 'nearest' });
}
