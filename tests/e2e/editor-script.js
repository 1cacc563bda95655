// The editor with its script layer (templates/static/editor/): sign in (as
// the owner flow.js made), create the page-summary workflow, then by mouse
// and keyboard alone: drag a block (no version made: "unsaved changes", and
// leaving asks first, by the browser's question and by a link's), save it
// with Ctrl-S (a version, the page updated in place, not reloaded) and see
// its position survive a reload, connect two ports by dragging, delete the
// edge with the Delete key, undo and redo that (and undo past the save), see
// a deletion the engine refuses (an edge a template needs) refused with its
// reason, provoke a save conflict from a second browser (the page lists what
// differs and offers to reload or to save on top; nothing is overwritten
// unasked), select
// many (shift-click, rubber band) and drag them, walk the edges with the
// arrows, zoom, pan and fit, cancel a drag with Escape, be asked before
// leaving with a box held, search the block picker opened with / and add
// the block found after the selected one (unsaved: Enter on it opens its
// settings panel all the same), change a block's settings in its panel
// (Enter opens it, focus in it; Apply changes the draft only, one step to
// undo; Ctrl-S makes the version with the new value; a value the engine
// refuses is refused in the panel, what was typed kept; Escape closes it),
// open the panel by double click and from the outline (Ctrl-S there applies
// what was typed, then saves), and
// start a test run with unsaved changes (saved first); and time the editor of a workflow of 200 blocks and 300 edges.
// Screenshots go to $SCREENSHOTS as editor-script-*.png.
'use strict';
const fs = require('fs');
const path = require('path');
const b = require('./browser');

const BASE = process.env.BASE_URL;
const SHOTS = process.env.SCREENSHOTS;
const PASSWORD = 'browser test password'; // flow.js's owner
const DEFINITION = require('./page-summary');

const versionOf = (page) => page.locator('section.editor input[name="version"]').first().inputValue().then(Number);

// Waits until the editor shows version v (the script draws the page again after each edit).
async function expectVersion(page, v, step) {
	try {
		await page.waitForFunction((want) => {
			const i = document.querySelector('section.editor input[name="version"]');
			return i && Number(i.value) === want;
		}, v, { timeout: 10000 });
	} catch (e) {
		throw new Error(`${step}: the editor is at version ${await versionOf(page)}, want ${v}`);
	}
}

// The workflow as axond has it now (its JSON twin, with the page's cookies).
async function stored(page, id) {
	const res = await page.request.get(`${BASE}/workflows/${id}`, { headers: { Accept: 'application/json' } });
	return (await res.json()).workflow;
}

const hasEdge = (wf, from, to) => wf.definition.edges.some((e) => e.from === from && e.to === to);

// The page's unsaved workflow, as the script keeps it.
const draftOf = async (page) => ({ definition: JSON.parse(await page.locator('#editor-definition').inputValue()) });

// Waits until the page says it has unsaved changes (or not).
async function expectDirty(page, dirty, step) {
	try {
		await page.waitForFunction((want) => {
			const s = document.getElementById('editor-dirty');
			return s && (s.textContent === 'Unsaved changes') === want;
		}, dirty, { timeout: 10000 });
	} catch (e) {
		const shown = await page.locator('#editor-dirty').textContent().catch(() => 'nothing');
		throw new Error(`${step}: the page shows "${shown}", want ${dirty ? 'unsaved changes' : 'saved'}`);
	}
}

// The value of a field of block id's config in the page's draft.
const draftConfig = (page, id, field) => page.evaluate(([b, f]) =>
	JSON.parse(document.getElementById('editor-definition').value).blocks.find((x) => x.id === b).config[f], [id, field]);

async function expectDraftConfig(page, id, field, want, step) {
	try {
		await page.waitForFunction(([b, f, w]) => JSON.parse(document.getElementById('editor-definition').value)
			.blocks.find((x) => x.id === b).config[f] === w, [id, field, want], { timeout: 10000 });
	} catch (e) {
		throw new Error(`${step}: the draft has ${id}.config.${field} = ${await draftConfig(page, id, field)}, want ${want}`);
	}
}

// Waits until the settings panel shows block id.
async function expectPanel(page, id, step) {
	await page.locator(`#settings-panel section[data-block="${id}"]`).waitFor({ timeout: 10000 }).catch(() => {
		throw new Error(`${step}: the settings panel of ${id} is not shown`);
	});
}

// How many changes the Undo button offers.
const undoCount = (page) => page.locator('#canvas-undo').getAttribute('title').then((t) => Number((t.match(/^\d+/) || [0])[0]));
async function expectUndo(page, n, step) {
	try {
		await page.waitForFunction((want) => {
			const t = document.getElementById('canvas-undo').title;
			return Number((t.match(/^\d+/) || [0])[0]) === want;
		}, n, { timeout: 10000 });
	} catch (e) {
		throw new Error(`${step}: Undo offers ${await undoCount(page)} changes, want ${n}`);
	}
}

// Saves with Ctrl-S and waits for version v.
async function saveAs(page, v, step) {
	await page.keyboard.press('Control+s');
	await expectVersion(page, v, step);
	await expectDirty(page, false, step);
}

async function centre(page, selector) {
	const box = await page.locator(selector).first().boundingBox();
	if (!box)
		throw new Error(`${page.url()}: ${selector} is not drawn`);
	return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function drag(page, from, to) {
	await page.mouse.move(from.x, from.y);
	await page.mouse.down();
	await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
	await page.mouse.move(to.x, to.y, { steps: 4 });
	await page.mouse.up();
}

// Drags block id by (dx, dy) screen pixels from its title.
async function dragBlock(page, id, dx, dy) {
	const p = await centre(page, `#graph a.node[data-block="${id}"] text.title`);
	await drag(page, p, { x: p.x + dx, y: p.y + dy });
}

// Clicks the edge from -> to where no box covers it.
async function clickEdge(page, from, to) {
	const p = await page.locator(`#graph path.edge-hit[data-from="${from}"][data-to="${to}"]`).evaluate((e) => {
		for (let f = 0.1; f < 1; f += 0.05) {
			const m = e.getPointAtLength(e.getTotalLength() * f).matrixTransform(e.getScreenCTM());
			if (document.elementFromPoint(m.x, m.y) === e)
				return { x: m.x, y: m.y };
		}
		return null;
	});
	if (!p)
		throw new Error(`the edge ${from} -> ${to} is hidden under the boxes`);
	await page.mouse.click(p.x, p.y);
}

async function position(page, id) {
	const n = page.locator(`#graph a.node[data-block="${id}"]`);
	return { x: Number(await n.getAttribute('data-x')), y: Number(await n.getAttribute('data-y')) };
}

// A chain b1 -> ... -> b200 and 101 edges jumping 2 to 5 blocks ahead
// (as tests/bench/editor-bench.sh makes it).
function bigDefinition(n = 200, edges = 300) {
	const blocks = [], links = [];
	for (let i = 1; i <= n; i++)
		blocks.push({ id: `b${i}`, type: 'json.set', config: { set: { step: i } } });
	for (let i = 1; i < n; i++)
		links.push({ from: `b${i}.out`, to: `b${i + 1}.in` });
	for (let k = 0; k <= edges - n; k++) {
		const f = (k * 7) % (n - 6) + 1;
		links.push({ from: `b${f}.out`, to: `b${f + 2 + (k % 4)}.in` });
	}
	return { format: 1, trigger: { type: 'manual' }, blocks, edges: links };
}

async function main() {
	fs.mkdirSync(SHOTS, { recursive: true });
	const browser = await b.launch();
	const { page } = browser;
	let other = null, id = 0;
	const step = async (name, fn) => {
		await fn();
		await page.screenshot({ path: path.join(SHOTS, `editor-script-${name}.png`), fullPage: true });
		console.log(`ok - editor script: ${name}`);
	};
	try {
		await step('open', async () => {
			await b.signIn(page, BASE, 'owner', PASSWORD);
			await b.click(page, 'New workflow');
			await b.fill(page, 'name', 'Page summary by mouse');
			await b.fill(page, 'definition', DEFINITION);
			await b.click(page, 'Create workflow');
			await b.expectUrl(page, /\/workflows\/[0-9]+$/, 'create');
			id = Number(page.url().replace(/.*\//, ''));
			await b.click(page, 'Edit');
			await page.locator('#canvas.live').waitFor({ timeout: 5000 }).catch(() => {
				throw new Error(`${page.url()}: the editor's script did not start (no #canvas.live)`);
			});
		});
		await step('drag', async () => {
			const v = await versionOf(page), before = await position(page, 'summary');
			await dragBlock(page, 'summary', 0, 120);
			await expectDirty(page, true, 'a dragged block is an unsaved change');
			const after = await position(page, 'summary');
			if (after.y <= before.y + 40 || Math.abs(after.x - before.x) > 2)
				throw new Error(`summary moved from ${JSON.stringify(before)} to ${JSON.stringify(after)}`);
			if ((await stored(page, id)).version !== v || await versionOf(page) !== v)
				throw new Error('a drag made a version before Save');
			// Leaving with unsaved changes asks first: the browser's question, and a link's own.
			let asked = null;
			page.once('dialog', (d) => { asked = d.type(); d.dismiss(); });
			await page.evaluate(() => { location.href = '/workflows'; });
			await page.waitForTimeout(500);
			if (asked !== 'beforeunload' || !/\/edit$/.test(page.url()))
				throw new Error(`leaving with unsaved changes: dialog ${asked}, at ${page.url()}`);
			asked = null;
			page.once('dialog', (d) => { asked = `${d.type()}: ${d.message()}`; d.dismiss(); });
			await page.locator('section.editor .heading a', { hasText: 'Done' }).click();
			await page.waitForTimeout(300);
			if (!/^confirm: .*unsaved changes/.test(asked || '') || !/\/edit$/.test(page.url()))
				throw new Error(`the Done link with unsaved changes: dialog ${asked}, at ${page.url()}`);
			// Ctrl-S makes the version and the page shows it in place, without loading itself again.
			await page.evaluate(() => { window.notReloaded = true; });
			await saveAs(page, v + 1, 'Ctrl-S saves the draft');
			if (!(await page.evaluate(() => window.notReloaded)))
				throw new Error('saving loaded the page again');
			if (Number(await page.locator('#editor-version').textContent()) !== v + 1)
				throw new Error('the heading does not show the saved version');
			const ui = (await stored(page, id)).definition.blocks.find((x) => x.id === 'summary').ui;
			if (!ui || ui.x !== after.x || ui.y !== after.y)
				throw new Error(`the stored position of summary is ${JSON.stringify(ui)}, drawn at ${JSON.stringify(after)}`);
			await page.reload();
			const again = await position(page, 'summary');
			if (again.x !== after.x || again.y !== after.y)
				throw new Error(`after a reload summary is at ${JSON.stringify(again)}, not ${JSON.stringify(after)}`);
			// The edges into it follow it: the one from title ends at its input port.
			const end = await page.locator('#graph path.edge[data-from="title.out"]').evaluate((p) => p.getPointAtLength(p.getTotalLength()));
			if (Math.abs(end.y - (again.y + 52 + 11)) > 1)
				throw new Error(`the edge title.out -> summary.in ends at y=${end.y}, the port is at ${again.y + 63}`);
			// A second drag, saved: the undo below goes back past this save.
			await dragBlock(page, 'links', 0, 40);
			await saveAs(page, v + 2, 'the second drag saved');
		});
		await step('connect', async () => {
			const v = await versionOf(page);
			const from = await centre(page, '#graph g.port[data-port="fetch.response"] circle');
			await page.mouse.move(from.x, from.y);
			await page.mouse.down();
			await page.mouse.move(from.x + 40, from.y + 10, { steps: 3 });
			const targets = await page.locator('#graph g.port.target').evaluateAll((ps) => ps.map((p) => p.dataset.port));
			if (!targets.includes('summary.in') || targets.includes('title.html') || targets.includes('fetch.url'))
				throw new Error(`while dragging from fetch.response the highlighted inputs are ${targets}`);
			await page.screenshot({ path: path.join(SHOTS, 'editor-script-wire.png') });
			const to = await centre(page, '#graph g.port[data-port="summary.in"] circle');
			await page.mouse.move(to.x, to.y, { steps: 5 });
			await page.mouse.up();
			await page.locator('#graph path.edge[data-from="fetch.response"][data-to="summary.in"]').waitFor({ timeout: 10000 });
			if (!hasEdge(await draftOf(page), 'fetch.response', 'summary.in'))
				throw new Error('the edge fetch.response -> summary.in is not in the page\'s draft');
			if (hasEdge(await stored(page, id), 'fetch.response', 'summary.in') || await versionOf(page) !== v)
				throw new Error('a connection was saved before Save');
			await expectDirty(page, true, 'a connection is an unsaved change');
		});
		await step('delete-edge', async () => {
			const v = await versionOf(page);
			await clickEdge(page, 'fetch.response', 'summary.in');
			if (await page.locator('#graph path.edge.selected').count() !== 1)
				throw new Error('a click on the edge does not select it');
			await page.keyboard.press('Delete');
			await page.locator('#graph path.edge[data-from="fetch.response"][data-to="summary.in"]').waitFor({ state: 'detached', timeout: 10000 });
			if (hasEdge(await draftOf(page), 'fetch.response', 'summary.in') || await versionOf(page) !== v)
				throw new Error('Delete did not take the edge out of the draft (or saved)');
		});
		await step('undo-redo', async () => {
			const v = await versionOf(page);
			if (await page.locator('#canvas-undo').isDisabled() || !(await page.locator('#canvas-redo').isDisabled()))
				throw new Error('with changes made and none undone, Undo should be offered and Redo not');
			const edge = '#graph path.edge[data-from="fetch.response"][data-to="summary.in"]';
			await page.keyboard.press('Control+z');
			await page.locator(edge).waitFor({ timeout: 10000 });
			if (!hasEdge(await draftOf(page), 'fetch.response', 'summary.in'))
				throw new Error('Ctrl-Z did not bring the deleted edge back');
			await page.keyboard.press('Control+Shift+z');
			await page.locator(edge).waitFor({ state: 'detached', timeout: 10000 });
			await page.keyboard.press('Control+z');
			await page.keyboard.press('Control+z');
			await page.waitForFunction(() => /^2 changes/.test(document.getElementById('canvas-redo').title), null, { timeout: 10000 });
			if (hasEdge(await draftOf(page), 'fetch.response', 'summary.in'))
				throw new Error('the second Ctrl-Z did not undo the connection');
			await expectDirty(page, false, 'undoing every change since the save');
			// Past the save: the second drag is undone (an unsaved change now), and redone.
			const moved = await position(page, 'links');
			await page.keyboard.press('Control+z');
			await expectDirty(page, true, 'an undo past the save');
			const back = await position(page, 'links');
			if (back.y !== moved.y - 40)
				throw new Error(`undoing the saved drag puts links at ${JSON.stringify(back)}, it was at ${JSON.stringify(moved)}`);
			await page.keyboard.press('Control+Shift+z');
			await expectDirty(page, false, 'the saved drag redone');
			if (await versionOf(page) !== v || (await stored(page, id)).version !== v)
				throw new Error('undo and redo made versions');
		});
		await step('refused', async () => {
			const v = await versionOf(page);
			// summary's template needs title upstream: the engine refuses to lose that edge.
			await clickEdge(page, 'title.out', 'summary.in');
			await page.keyboard.press('Delete');
			await page.locator('#script-notice.error').waitFor();
			await b.expectText(page, 'This change was not made', 'the refusal shows the reason');
			await b.expectText(page, "block 'title' is not upstream of 'summary'", 'the reason is the engine\'s');
			if (await versionOf(page) !== v || !hasEdge(await draftOf(page), 'title.out', 'summary.in'))
				throw new Error('a refused deletion changed the workflow');
		});
		await step('conflict', async () => {
			other = await b.launch();
			await b.signIn(other.page, BASE, 'owner', PASSWORD);
			await other.page.goto(`${BASE}/workflows/${id}/edit`);
			await other.page.locator('#canvas.live').waitFor();
			const v = await versionOf(page);
			await dragBlock(other.page, 'fetch', 0, 90);
			await saveAs(other.page, v + 1, 'the second browser moves a block and saves');
			await dragBlock(page, 'title', 0, -60);
			const title = await position(page, 'title');
			await page.keyboard.press('Control+s');
			await page.locator('#script-notice.conflict').waitFor();
			await b.expectText(page, 'saved again', 'the conflict says why');
			await b.expectText(page, `Version ${v + 1}, compared with yours`, 'the conflict shows what differs');
			await b.expectText(page, 'only the positions of the boxes differ', '... here the positions only');
			await page.screenshot({ path: path.join(SHOTS, 'editor-script-conflict-notice.png') });
			if ((await stored(page, id)).version !== v + 1)
				throw new Error('the stale save was stored');
			await page.getByRole('button', { name: `Save mine on top (as version ${v + 2})` }).click();
			await expectVersion(page, v + 2, 'saving on top of the other version');
			const ui = (await stored(page, id)).definition.blocks.find((x) => x.id === 'title').ui;
			if (!ui || ui.y !== title.y)
				throw new Error(`after saving on top title is stored at ${JSON.stringify(ui)}, drawn at ${JSON.stringify(title)}`);
			// The second browser, now behind, chooses to reload: it shows the version saved on top.
			await dragBlock(other.page, 'links', 0, 30);
			await other.page.keyboard.press('Control+s');
			await other.page.locator('#script-notice.conflict').waitFor();
			await Promise.all([other.page.waitForLoadState('load'),
				other.page.getByRole('button', { name: 'Reload the editor (drop my changes)' }).click()]);
			await other.page.locator('#canvas.live').waitFor();
			if (await versionOf(other.page) !== v + 2)
				throw new Error('"Reload the editor" does not show the version saved from the first browser');
		});
		await step('view', async () => {
			await page.locator('#graph a.node[data-block="title"] text.title').click();
			await page.locator('#graph a.node[data-block="links"] text.title').click({ modifiers: ['Shift'] });
			const selected = await page.locator('#graph a.node.selected').evaluateAll((ns) => ns.map((n) => n.dataset.block));
			if (selected.join(',') !== 'title,links')
				throw new Error(`click then shift-click select ${selected}, want title and links`);
			// Dragging one of them moves both, in one edit.
			const u0 = await undoCount(page), t0 = await position(page, 'title'), l0 = await position(page, 'links');
			await dragBlock(page, 'links', 0, 50);
			await expectUndo(page, u0 + 1, 'two selected blocks dragged together are one edit');
			const t1 = await position(page, 'title'), l1 = await position(page, 'links');
			if (t1.y - t0.y < 20 || t1.y - t0.y !== l1.y - l0.y || t1.x !== t0.x)
				throw new Error(`title moved from ${JSON.stringify(t0)} to ${JSON.stringify(t1)}, links from ${JSON.stringify(l0)} to ${JSON.stringify(l1)}`);
			if ((await page.locator('#graph a.node.selected').count()) !== 2)
				throw new Error('the selection is lost when the canvas is drawn again');
			await page.keyboard.press('Escape');
			if (await page.locator('#graph .selected').count() !== 0)
				throw new Error('Escape does not clear the selection');
			// The arrows walk along the edges from the selected block.
			const walked = [];
			await page.locator('#graph a.node[data-block="trigger"] text.title').click();
			for (const k of ['ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft']) {
				await page.keyboard.press(k);
				walked.push(await page.locator('#graph a.node.selected').evaluateAll((ns) => ns.map((n) => n.dataset.block).join('+')));
			}
			if (walked.join(' ') !== 'fetch title summary title fetch trigger')
				throw new Error(`the arrows walk ${walked.join(' ')}`);
			await page.keyboard.press('Escape');
			// A rubber band (shift-drag on the background) selects the boxes it touches.
			const tb = await page.locator('#graph a.node[data-block="title"] rect.box').boundingBox();
			const lb = await page.locator('#graph a.node[data-block="links"] rect.box').boundingBox();
			await page.keyboard.down('Shift');
			await drag(page, { x: tb.x - 12, y: tb.y - 12 }, { x: lb.x + lb.width / 2, y: lb.y + lb.height / 2 });
			await page.keyboard.up('Shift');
			const banded = await page.locator('#graph a.node.selected').evaluateAll((ns) => ns.map((n) => n.dataset.block));
			if (banded.join(',') !== 'title,links')
				throw new Error(`the rubber band around title and links selects ${banded}`);
			await page.keyboard.press('Escape');
			const box = () => page.locator('#graph').getAttribute('viewBox').then((v) => v.split(' ').map(Number));
			await page.keyboard.press('f');
			const fitted = await box();
			const c = await centre(page, '#canvas');
			await page.mouse.move(c.x, c.y);
			await page.mouse.wheel(0, -400);
			await page.waitForFunction((w) => Number(document.getElementById('graph').getAttribute('viewBox').split(' ')[2]) < w, fitted[2]);
			await page.screenshot({ path: path.join(SHOTS, 'editor-script-zoomed.png') });
			const zoomed = await box();
			await page.keyboard.press('ArrowLeft');
			const panned = await box();
			if (!(panned[0] < zoomed[0]) || panned[1] !== zoomed[1] || panned[2] !== zoomed[2])
				throw new Error(`the left arrow moves the view from ${zoomed} to ${panned}`);
			await page.keyboard.press('f');
			const refit = await box();
			if (refit.some((v, i) => Math.abs(v - fitted[i]) > 1))
				throw new Error(`F fits to ${refit}, before the zoom to ${fitted}`);
			await page.keyboard.press('-');
			const out = await box();
			if (!(out[2] > fitted[2]))
				throw new Error(`- zooms out to ${out} from ${fitted}`);
			await saveAs(page, (await versionOf(page)) + 1, 'Ctrl-S after moving two blocks');
			// Escape during a drag puts the box back and saves nothing.
			const e0 = await position(page, 'title'), ev0 = await versionOf(page);
			const tp = await centre(page, '#graph a.node[data-block="title"] text.title');
			await page.mouse.move(tp.x, tp.y);
			await page.mouse.down();
			await page.mouse.move(tp.x + 80, tp.y + 80, { steps: 4 });
			await page.keyboard.press('Escape');
			await page.mouse.up();
			await page.waitForTimeout(300);
			const drawn = await page.locator('#graph a.node[data-block="title"]').getAttribute('transform');
			if (drawn !== `translate(${e0.x} ${e0.y})` || await versionOf(page) !== ev0)
				throw new Error(`after Escape title is drawn at ${drawn}, version ${await versionOf(page)} (was ${ev0})`);
			// Leaving while a box is held asks first.
			const p = await centre(page, '#graph a.node[data-block="links"] text.title');
			await page.mouse.move(p.x, p.y);
			await page.mouse.down();
			await page.mouse.move(p.x, p.y + 40, { steps: 3 });
			let asked = null;
			page.once('dialog', (d) => { asked = d.type(); d.dismiss(); });
			await page.evaluate(() => { location.href = '/workflows'; });
			await page.waitForTimeout(500);
			if (asked !== 'beforeunload' || !/\/edit$/.test(page.url()))
				throw new Error(`leaving with a box held: dialog ${asked}, at ${page.url()}`);
			await page.mouse.up();
			await expectDirty(page, true, 'the held box is kept where it was let go');
			await saveAs(page, (await versionOf(page)) + 1, 'the held box saved');
		});
		await step('big', async () => {
			// 200 blocks and 300 edges: the time until the script has taken the
			// canvas, per pointer move while dragging, and of a save (Ctrl-S).
			const token = await page.locator('input[name="csrf"]').first().inputValue();
			const res = await page.request.post(`${BASE}/workflows`, {
				headers: { Accept: 'application/json', 'X-CSRF-Token': token },
				form: { name: 'Big by mouse', definition: JSON.stringify(bigDefinition()) },
			});
			if (res.status() !== 201)
				throw new Error(`creating the big workflow answered ${res.status()}`);
			const big = (await res.json()).workflow.id;
			const t0 = Date.now();
			await page.goto(`${BASE}/workflows/${big}/edit`);
			await page.locator('#canvas.live').waitFor();
			const ready = Date.now() - t0;
			if (await page.locator('#graph a.node').count() !== 201)
				throw new Error('the big workflow is not drawn whole');
			await page.keyboard.press('-');
			const v = await versionOf(page);
			const p = await centre(page, '#graph a.node[data-block="b100"] text.title');
			await page.mouse.move(p.x, p.y);
			await page.mouse.down();
			const m0 = Date.now();
			for (let i = 1; i <= 20; i++)
				await page.mouse.move(p.x + i * 2, p.y + i * 3);
			const perMove = (Date.now() - m0) / 20;
			await page.mouse.up();
			await expectDirty(page, true, 'a box of the big workflow dragged');
			const u0 = Date.now();
			await saveAs(page, v + 1, 'the big workflow saved');
			const saved = Date.now() - u0;
			console.log(`# editor script, 200 blocks and 300 edges: page to script ready ${ready} ms, ` +
				`${perMove.toFixed(1)} ms per pointer move while dragging, Ctrl-S to saved and shown ${saved} ms`);
			if (ready > 10000 || saved > 10000 || perMove > 200)
				throw new Error(`the big workflow is too slow: ${ready} ms to ready, ${perMove} ms per move, ${saved} ms to save`);
			await page.goto(`${BASE}/workflows/${id}/edit`);
			await page.locator('#canvas.live').waitFor();
		});
		await step('picker', async () => {
			await page.locator('#graph a.node[data-block="title"] text.title').click();
			await page.keyboard.press('/');
			if (!(await page.locator('#add-search').evaluate((e) => e === document.activeElement)))
				throw new Error('/ does not open the block picker at its search box');
			if (await page.locator('#add-after').inputValue() !== 'title.out')
				throw new Error('the picker does not start after the selected block');
			await page.keyboard.type('xpath html');
			const shown = await page.locator('#add .choice:visible input[name="type"]').evaluateAll((rs) => rs.map((r) => r.value));
			if (shown.join(',') !== 'html.extract')
				throw new Error(`searching "xpath html" leaves ${shown}`);
			await page.keyboard.press('Enter');
			if (!(await page.locator('#add input[value="html.extract"]').isChecked()))
				throw new Error('Enter in the search box does not pick the block left');
			await page.screenshot({ path: path.join(SHOTS, 'editor-script-picker-search.png') });
			await b.click(page, 'Add the block');
			await page.locator('#graph a.node[data-block="extract"]').waitFor({ timeout: 10000 });
			if (!hasEdge(await draftOf(page), 'title.out', 'extract.html'))
				throw new Error('the picked block is not connected after the selected one');
			// Its settings open in the panel beside the canvas, its addition still unsaved.
			const v = await versionOf(page);
			await page.locator('#graph a.node[data-block="extract"] text.title').click();
			await page.keyboard.press('Enter');
			await expectPanel(page, 'extract', 'Enter on the unsaved new block');
			await b.expectText(page, 'This block cannot run yet', 'the panel says what the new block lacks');
			if (!/\/edit$/.test(page.url()) || (await stored(page, id)).version !== v)
				throw new Error(`opening the panel left the editor (${page.url()}) or saved`);
			await expectDirty(page, true, 'the new block still unsaved');
			await page.keyboard.press('Escape');
			await page.locator('#settings-panel').waitFor({ state: 'hidden' });
		});
		await step('panel', async () => {
			const v = await versionOf(page), u0 = await undoCount(page);
			const panel = page.locator('#settings-panel');
			await page.locator('#graph a.node[data-block="title"] text.title').click();
			await page.keyboard.press('Enter');
			await expectPanel(page, 'title', 'Enter opens the settings panel');
			if (!(await page.evaluate(() => document.getElementById('settings-panel').contains(document.activeElement))))
				throw new Error('the focus does not go into the settings panel');
			if (await panel.locator('label[for="config-xpath"] .required').count() !== 1)
				throw new Error('the XPath field has no label marked required in the panel');
			await b.expectText(page, 'How it runs', 'the per-block settings are in the panel');
			await page.screenshot({ path: path.join(SHOTS, 'editor-script-panel-open.png') });
			// Apply: into the draft only, one step to undo.
			await panel.locator('#config-xpath').fill('//head/title');
			await panel.getByRole('button', { name: 'Apply' }).click();
			await expectDraftConfig(page, 'title', 'xpath', '//head/title', 'Apply');
			await expectDirty(page, true, 'an applied setting is an unsaved change');
			await expectUndo(page, u0 + 1, 'an applied setting is one step');
			await panel.locator('#settings-panel-state', { hasText: 'Applied' }).waitFor();
			const wf = await stored(page, id);
			if (wf.version !== v || await versionOf(page) !== v ||
			    wf.definition.blocks.find((x) => x.id === 'title').config.xpath !== '//title')
				throw new Error(`Apply made a version (stored: version ${wf.version}, was ${v})`);
			// Ctrl-Z undoes it (the panel follows), Ctrl-Shift-Z redoes it, Ctrl-S saves it.
			await page.keyboard.press('Control+z');
			await expectDraftConfig(page, 'title', 'xpath', '//title', 'Ctrl-Z after Apply');
			await page.waitForFunction(() => document.querySelector('#settings-panel #config-xpath')?.value === '//title');
			await page.keyboard.press('Control+Shift+z');
			await expectDraftConfig(page, 'title', 'xpath', '//head/title', 'Ctrl-Shift-Z');
			await saveAs(page, v + 1, 'Ctrl-S saves the applied setting');
			const saved = (await stored(page, id)).definition.blocks.find((x) => x.id === 'title').config.xpath;
			if (saved !== '//head/title')
				throw new Error(`the saved version has title's XPath ${saved}`);
			// A value the engine refuses: refused in the panel, with its message, what was typed kept.
			await page.waitForFunction(() => document.querySelector('#settings-panel #config-xpath')?.value === '//head/title');
			await panel.locator('#config-xpath').fill('{{ summary.text }}');
			await panel.getByRole('button', { name: 'Apply' }).click();
			await panel.locator('.alert[role="alert"]', { hasText: 'This was not applied' }).waitFor({ timeout: 10000 });
			await b.expectText(page, "'summary' is not upstream of 'title'", 'the refusal is the engine\'s');
			await page.screenshot({ path: path.join(SHOTS, 'editor-script-panel-refused.png') });
			if (await panel.locator('#config-xpath').inputValue() !== '{{ summary.text }}')
				throw new Error('the refused value is not kept in the panel');
			await expectDraftConfig(page, 'title', 'xpath', '//head/title', 'a refused value');
			await expectDirty(page, false, 'a refused value changes nothing');
			// Escape closes the panel; the focus goes back to the block.
			await page.keyboard.press('Escape');
			await panel.waitFor({ state: 'hidden' });
			if (await page.evaluate(() => document.activeElement?.dataset?.block) !== 'title')
				throw new Error('closing the panel does not give the focus back to the block');
		});
		await step('keys', async () => {
			await page.locator('#graph a.node[data-block="summary"] text.title').dblclick();
			await expectPanel(page, 'summary', 'a double click');
			await page.keyboard.press('Escape');
			await page.locator('#block-fetch .outline-head a.button', { hasText: 'Settings' }).click();
			await expectPanel(page, 'fetch', 'the outline\'s Settings link');
			if (!/\/edit$/.test(page.url()))
				throw new Error(`the outline's Settings link left the editor for ${page.url()}`);
			// Ctrl-S with a value typed in the panel applies it first, then saves.
			const v = await versionOf(page);
			await page.locator('#settings-panel #settings-retries').fill('2');
			await saveAs(page, v + 1, 'Ctrl-S with a value typed in the panel');
			const retries = (await stored(page, id)).definition.blocks.find((x) => x.id === 'fetch').settings?.retries;
			if (retries !== 2)
				throw new Error(`Ctrl-S saved fetch's retries as ${retries}, typed 2`);
			await page.keyboard.press('Escape');
		});
		await step('test-run', async () => {
			// A test run with unsaved changes saves them first: the run is of what the page shows.
			const v = await versionOf(page);
			// extract (added above without its XPath) would keep the workflow from running: it goes.
			await page.locator('#graph a.node[data-block="extract"] text.title').click();
			await page.keyboard.press('Delete');
			await page.locator('#graph a.node[data-block="extract"]').waitFor({ state: 'detached', timeout: 10000 });
			await dragBlock(page, 'summary', 0, 30);
			await expectDirty(page, true, 'a drag before the test run');
			const y = (await position(page, 'summary')).y;
			await Promise.all([page.waitForURL(/\/edit\?run=[0-9]+/), page.locator('#test-run button[type="submit"]', { hasText: 'Test run' }).click()]);
			const wf = await stored(page, id);
			// (the test run then keeps its sample input with the workflow: one more version)
			if (wf.version <= v || wf.definition.blocks.find((x) => x.id === 'summary').ui.y !== y ||
			    wf.definition.blocks.some((x) => x.id === 'extract'))
				throw new Error(`the test run did not save the changes first (version ${wf.version}, was ${v})`);
		});
		// The refusal and the conflict above are answers the browser logs as failed loads.
		const expected = /Failed to load resource: the server responded with a status of (409|422)/;
		const problems = [browser, other].flatMap((br) => br.problems).filter((p) => !expected.test(p));
		if (problems.length)
			throw new Error(`the pages reported problems:\n  ${problems.join('\n  ')}`);
	} catch (e) {
		await page.screenshot({ path: path.join(SHOTS, 'editor-script-failed.png'), fullPage: true }).catch(() => {});
		console.log(`FAIL - editor script: ${e.message}`);
		console.log(`(screenshot of the failure: ${path.join(SHOTS, 'editor-script-failed.png')})`);
		process.exitCode = 1;
	} finally {
		if (other)
			await other.close();
		await browser.close();
	}
}

main().catch((e) => { console.error(e); process.exit(1); });
