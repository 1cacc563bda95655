// The canvas under the pointer: drag a box to move it (its edges follow, the
// position goes into the page's draft on release), drag from an output port to an input port
// to connect them, drag the background to pan, click to select (shift-click
// or shift-drag a rubber band for many). Edges are drawn as axond draws them
// (src/web/graph/svg.c).
import { busy, current, keep, post } from './server.js';
import { openNode } from './panel.js';
import { record } from './history.js';
import { pan, toDrawing } from './view.js';

export const selection = new Set(); // "node:ID", "edge:FROM TO"

const ARROW_GAP = 6; // an edge's arrow stops this short of its input port, as svg.c draws it

let gesture = null; // the drag under way: a move, a wire or a pan

const svg = () => document.getElementById('graph');
const num = (el, name) => Number(el.getAttribute(name));

function edgeD(x1, y1, x2, y2) {
	const dx = Math.max(40, Math.floor(Math.abs(x2 - x1) / 2));
	return `M${x1} ${y1}C${x1 + dx} ${y1} ${x2 - dx} ${y2} ${x2} ${y2}`;
}

function ends(path) {
	const n = path.getAttribute('d').match(/-?\d+(\.\d+)?/g).map(Number);
	return { x1: n[0], y1: n[1], x2: n[6], y2: n[7] };
}

// Each edge that can be selected gets a wide invisible twin to click on.
function addHitPaths(s) {
	for (const e of s.querySelectorAll('path.edge[data-from]')) {
		const hit = document.createElementNS('http://www.w3.org/2000/svg', 'path');
		hit.setAttribute('class', 'edge-hit');
		hit.setAttribute('d', e.getAttribute('d'));
		hit.dataset.from = e.dataset.from;
		hit.dataset.to = e.dataset.to;
		e.after(hit);
	}
}

export function showSelection() {
	const s = svg();
	if (!s)
		return;
	for (const el of s.querySelectorAll('.selected'))
		el.classList.remove('selected');
	for (const key of [...selection]) {
		const [kind, rest] = [key.slice(0, 5), key.slice(5)];
		const el = kind === 'node:' ? s.querySelector(`a.node[data-block="${CSS.escape(rest)}"]`)
			: [...s.querySelectorAll('path.edge[data-from]')].find((e) => `${e.dataset.from} ${e.dataset.to}` === rest);
		if (el)
			el.classList.add('selected');
		else
			selection.delete(key);
	}
}

export function attach() {
	const s = svg();
	if (!s)
		return;
	addHitPaths(s);
	showSelection();
}

function nodeBox(node) {
	const r = node.querySelector('rect.box');
	return { x: num(node, 'data-x'), y: num(node, 'data-y'), w: num(r, 'width'), h: num(r, 'height') };
}

// Moves the pressed box, or every selected box when it is one of them.
function startMove(node, p) {
	const key = `node:${node.dataset.block}`;
	const nodes = selection.has(key) ? [...svg().querySelectorAll('a.node.selected')] : [node];
	const boxes = nodes.map((n) => ({ node: n, b: nodeBox(n) }));
	// An edge starts on a box's right side, and ends ARROW_GAP short of its left side.
	const on = (x, y, right) => boxes.some(({ b }) => x === (right ? b.x + b.w : b.x - ARROW_GAP) && y >= b.y && y <= b.y + b.h);
	const edges = [];
	for (const path of svg().querySelectorAll('path.edge, path.edge-hit')) {
		const e = ends(path);
		const out = on(e.x1, e.y1, true), inn = on(e.x2, e.y2, false);
		if (out || inn)
			edges.push({ path, e, out, inn });
	}
	return { kind: 'move', p, boxes, edges, dx: 0, dy: 0 };
}

function moveTo(g, p) {
	g.dx = Math.round(p.x - g.p.x);
	g.dy = Math.round(p.y - g.p.y);
	const { dx, dy } = g;
	for (const { node, b } of g.boxes)
		node.setAttribute('transform', `translate(${b.x + dx} ${b.y + dy})`);
	for (const { path, e, out, inn } of g.edges)
		path.setAttribute('d', edgeD(e.x1 + (out ? dx : 0), e.y1 + (out ? dy : 0), e.x2 + (inn ? dx : 0), e.y2 + (inn ? dy : 0)));
}

// Keeps where the boxes were let go in the draft, all in one edit.
function endMove(g) {
	if (!g.dx && !g.dy)
		return;
	const def = current();
	for (const { node, b } of g.boxes) {
		const id = node.dataset.block;
		const x = b.x + g.dx, y = b.y + g.dy;
		node.dataset.x = x;
		node.dataset.y = y;
		const it = id === 'trigger' ? def.trigger : (def.blocks || []).find((k) => k.id === id);
		if (it)
			it.ui = { x, y };
	}
	record(keep(def));
}

// Shift-drag on the background: a rubber band; the boxes it touches join the selection.
function startBand(p) {
	const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
	rect.setAttribute('class', 'band-select');
	svg().append(rect);
	return { kind: 'band', p, rect, box: { x: p.x, y: p.y, w: 0, h: 0 } };
}

function stretchBand(g, p) {
	g.box = { x: Math.min(p.x, g.p.x), y: Math.min(p.y, g.p.y), w: Math.abs(p.x - g.p.x), h: Math.abs(p.y - g.p.y) };
	for (const k of ['x', 'y'])
		g.rect.setAttribute(k, g.box[k]);
	g.rect.setAttribute('width', g.box.w);
	g.rect.setAttribute('height', g.box.h);
}

function endBand(g) {
	g.rect.remove();
	const r = g.box;
	for (const node of svg().querySelectorAll('a.node')) {
		const b = nodeBox(node);
		if (b.x < r.x + r.w && r.x < b.x + b.w && b.y < r.y + r.h && r.y < b.y + b.h)
			selection.add(`node:${node.dataset.block}`);
	}
	showSelection();
}

// The blocks upstream of id (and id): an edge into one of them would make a cycle.
function upstream(id) {
	const into = new Map();
	for (const e of svg().querySelectorAll('path.edge[data-from]')) {
		const from = e.dataset.from.split('.')[0], to = e.dataset.to.split('.')[0];
		into.set(to, [...(into.get(to) || []), from]);
	}
	const seen = new Set([id]), todo = [id];
	while (todo.length)
		for (const f of into.get(todo.pop()) || [])
			if (!seen.has(f)) {
				seen.add(f);
				todo.push(f);
			}
	return seen;
}

function startWire(port, p) {
	const from = port.dataset.port;
	const up = upstream(from.split('.')[0]);
	const linked = new Set([...svg().querySelectorAll('path.edge[data-from]')]
		.filter((e) => e.dataset.from === from).map((e) => e.dataset.to));
	for (const t of svg().querySelectorAll('g.port[data-port-kind="input"]'))
		if (!up.has(t.dataset.port.split('.')[0]) && !linked.has(t.dataset.port))
			t.classList.add('target');
	const wire = document.createElementNS('http://www.w3.org/2000/svg', 'path');
	wire.setAttribute('class', 'wire');
	svg().append(wire);
	const c = port.querySelector('circle'), node = port.closest('a.node');
	const x = num(node, 'data-x') + num(c, 'cx'), y = num(node, 'data-y') + num(c, 'cy');
	return { kind: 'wire', from, wire, x, y, p };
}

function endWire(g, ev) {
	g.wire.remove();
	const hit = document.elementFromPoint(ev.clientX, ev.clientY);
	const target = hit && hit.closest('g.port.target');
	for (const t of svg().querySelectorAll('g.port.target'))
		t.classList.remove('target');
	if (target)
		post('/edges', { from: g.from, to: target.dataset.port }).then(record);
}

function down(ev) {
	const s = svg();
	if (ev.button !== 0 || !s || !s.contains(ev.target))
		return;
	const p = toDrawing(ev.clientX, ev.clientY);
	const port = ev.target.closest('g.port[data-port-kind="output"]');
	const node = ev.target.closest('a.node'), edge = ev.target.closest('.edge-hit');
	// While an edit is on its way the page is about to be drawn again: a box
	// moved now would be drawn back, so the press only selects (or pans).
	if (port && port.closest('a.node').dataset.block !== 'trigger' && !busy())
		gesture = startWire(port, p);
	else if (node && !busy())
		gesture = startMove(node, p);
	else if (ev.shiftKey && !edge)
		gesture = startBand(p);
	else
		gesture = { kind: 'pan', cx: ev.clientX, cy: ev.clientY };
	gesture.key = node ? `node:${node.dataset.block}` : edge ? `edge:${edge.dataset.from} ${edge.dataset.to}` : null;
	gesture.shift = ev.shiftKey;
	// The pressed box takes the focus (Enter then opens its settings); elsewhere nothing keeps it.
	if (node)
		node.focus({ preventScroll: true });
	else if (document.activeElement && document.activeElement !== document.body)
		document.activeElement.blur();
	gesture.moved = false;
	gesture.start = [ev.clientX, ev.clientY];
	s.setPointerCapture(ev.pointerId);
	ev.preventDefault();
}

function move(ev) {
	const g = gesture;
	if (!g)
		return;
	if (!g.moved && Math.hypot(ev.clientX - g.start[0], ev.clientY - g.start[1]) < 4)
		return;
	g.moved = true;
	if (g.kind === 'pan') {
		pan(ev.clientX - g.cx, ev.clientY - g.cy);
		g.cx = ev.clientX;
		g.cy = ev.clientY;
		return;
	}
	const p = toDrawing(ev.clientX, ev.clientY);
	if (g.kind === 'move')
		moveTo(g, p);
	else if (g.kind === 'band')
		stretchBand(g, p);
	else
		g.wire.setAttribute('d', edgeD(g.x, g.y, Math.round(p.x), Math.round(p.y)));
}

function up(ev) {
	const g = gesture;
	if (!g)
		return;
	gesture = null;
	if (!g.moved) {
		if (g.kind === 'wire')
			g.wire.remove();
		for (const t of svg().querySelectorAll('g.port.target'))
			t.classList.remove('target');
		select(g.key, g.shift);
	} else if (g.kind === 'wire') {
		endWire(g, ev);
	} else if (g.kind === 'move') {
		endMove(g);
	} else if (g.kind === 'band') {
		endBand(g);
	}
}

function select(key, shift) {
	if (!shift)
		selection.clear();
	if (key && shift && selection.has(key))
		selection.delete(key);
	else if (key)
		selection.add(key);
	showSelection();
}

// A click on a box selects it: its link opens the settings panel only from
// the keyboard (Enter) or by double click.
function click(ev) {
	if (ev.detail > 0 && ev.target.closest('#graph a.node'))
		ev.preventDefault();
}

function dblclick(ev) {
	// The press captured the pointer for the canvas: the event's target is the canvas, not the box.
	const hit = document.elementFromPoint(ev.clientX, ev.clientY);
	const node = hit && hit.closest('#graph a.node');
	if (node)
		openNode(node);
}

export function install() {
	document.addEventListener('pointerdown', down);
	document.addEventListener('pointermove', move);
	document.addEventListener('pointerup', up);
	document.addEventListener('pointercancel', up);
	document.addEventListener('click', click);
	document.addEventListener('dblclick', dblclick);
	attach();
}

// The keyboard walks the graph: from the one selected block to the first
// block it feeds (forward) or the first that feeds it (back); the trigger
// feeds the blocks nothing else feeds. False when there is nothing to walk from.
export function walk(forward) {
	const keys = [...selection].filter((k) => k.startsWith('node:'));
	if (keys.length !== 1)
		return false;
	const id = keys[0].slice(5);
	const edges = [...svg().querySelectorAll('path.edge[data-from]')]
		.map((e) => [e.dataset.from.split('.')[0], e.dataset.to.split('.')[0]]);
	const fed = new Set(edges.map(([, to]) => to));
	const blocks = [...svg().querySelectorAll('a.node')].map((n) => n.dataset.block).filter((b) => b !== 'trigger');
	const next = forward ? (id === 'trigger' ? blocks.find((b) => !fed.has(b)) : (edges.find(([f]) => f === id) || [])[1])
		: (edges.find(([, t]) => t === id) || ['trigger'])[0];
	const node = next && next !== id && svg().querySelector(`a.node[data-block="${CSS.escape(next)}"]`);
	if (node) {
		select(`node:${next}`, false);
		node.focus({ preventScroll: true });
	}
	return true;
}

export const dragging = () => gesture !== null && gesture.moved;

// Escape during a drag: the boxes and edges go back, nothing is saved.
export function cancel() {
	const g = gesture;
	if (!g)
		return false;
	gesture = null;
	if (g.kind === 'move') {
		moveTo(g, g.p);
	} else if (g.kind === 'band') {
		g.rect.remove();
	} else if (g.kind === 'wire') {
		g.wire.remove();
		for (const t of svg().querySelectorAll('g.port.target'))
			t.classList.remove('target');
	}
	return true;
}
