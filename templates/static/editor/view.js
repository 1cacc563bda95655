// Pan and zoom of the canvas: the SVG's viewBox, kept across the refreshes
// that follow each edit. Fit frames every box, never larger than life.

const MARGIN = 32;
let box = null; // {x, y, w, h} in drawing units, or null: fit

function svg() {
	return document.getElementById('graph');
}

function apply() {
	const s = svg();
	if (s && box)
		s.setAttribute('viewBox', `${box.x} ${box.y} ${box.w} ${box.h}`);
}

// A point of the drawing under the client point (x, y).
export function toDrawing(x, y) {
	const m = svg().getScreenCTM().inverse();
	return new DOMPoint(x, y).matrixTransform(m);
}

export function fit() {
	const s = svg();
	const nodes = s && s.querySelector('g.nodes');
	if (!nodes || !s.clientWidth)
		return;
	const b = nodes.getBBox();
	const w = b.width + 2 * MARGIN, h = b.height + 2 * MARGIN + 24;
	const scale = Math.min(s.clientWidth / w, s.clientHeight / h, 1);
	const vw = s.clientWidth / scale, vh = s.clientHeight / scale;
	box = { x: b.x - MARGIN - (vw - w) / 2, y: b.y - MARGIN - (vh - h) / 2, w: vw, h: vh };
	apply();
}

// Zooms by factor (> 1: closer) about the client point (x, y), the middle by default.
export function zoom(factor, x, y) {
	const s = svg();
	if (!box || !s)
		return;
	if (x === undefined) {
		const r = s.getBoundingClientRect();
		x = r.left + r.width / 2;
		y = r.top + r.height / 2;
	}
	const p = toDrawing(x, y);
	const f = Math.min(Math.max(1 / factor, 200 / box.w), 40000 / box.w);
	box = { x: p.x - (p.x - box.x) * f, y: p.y - (p.y - box.y) * f, w: box.w * f, h: box.h * f };
	apply();
}

// Moves the view by (dx, dy) screen pixels.
export function pan(dx, dy) {
	const s = svg();
	if (!box || !s)
		return;
	const scale = s.getScreenCTM().a;
	box = { ...box, x: box.x - dx / scale, y: box.y - dy / scale };
	apply();
}

// After the canvas is drawn again: the same view, or fit the first time.
export function attach() {
	if (box)
		apply();
	else
		fit();
}
