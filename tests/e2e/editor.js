// The editor as a person sees it first, without its script layer: sign in
// (as the owner flow.js made), create the page-summary workflow (webhook ->
// http.request -> html.extract x2 -> text.template), open the editor, check
// that every block is drawn where it can be seen (no two boxes overlap, every
// edge goes left to right), open a block's settings by clicking its box,
// add a block with the outline's form and see its missing field drawn in red.
// Screenshots go to $SCREENSHOTS as editor-*.png.
'use strict';
const fs = require('fs');
const path = require('path');
const b = require('./browser');

const BASE = process.env.BASE_URL;
const SHOTS = process.env.SCREENSHOTS;
const PASSWORD = 'browser test password'; // flow.js's owner
const DEFINITION = require('./page-summary');

// The boxes of the canvas's nodes as the browser lays them out.
async function boxes(page) {
	return page.locator('svg.graph a.node').evaluateAll((nodes) => nodes.map((n) => {
		const r = n.querySelector('rect.box').getBoundingClientRect();
		return { id: n.dataset.block, x: r.x, y: r.y, w: r.width, h: r.height, invalid: n.classList.contains('invalid') };
	}));
}

async function main() {
	fs.mkdirSync(SHOTS, { recursive: true });
	const browser = await b.launch({ script: false }); // editor-script.js tests the script layer
	const { page } = browser;
	const step = async (name, fn) => {
		await fn();
		await page.screenshot({ path: path.join(SHOTS, `editor-${name}.png`), fullPage: true });
		console.log(`ok - editor: ${name}`);
	};
	try {
		await step('sign-in', async () => {
			await b.signIn(page, BASE, 'owner', PASSWORD);
		});
		await step('new-workflow', async () => {
			await b.click(page, 'New workflow');
			await b.fill(page, 'name', 'Page summary');
			await b.fill(page, 'description', 'Fetches a page and answers with its title and links');
			await b.fill(page, 'definition', DEFINITION);
			await b.click(page, 'Create workflow');
			await b.expectUrl(page, /\/workflows\/[0-9]+$/, 'create');
		});
		await step('canvas', async () => {
			await b.click(page, 'Edit');
			await b.expectUrl(page, /\/workflows\/[0-9]+\/edit$/, 'the editor');
			const nodes = await boxes(page);
			const ids = nodes.map((n) => n.id).join(',');
			if (ids !== 'trigger,fetch,title,links,summary')
				throw new Error(`${page.url()}: the canvas draws ${ids}`);
			for (const n of nodes) {
				if (n.w < 150 || n.h < 60)
					throw new Error(`${page.url()}: ${n.id} is drawn ${n.w}×${n.h}, too small to read`);
				if (n.invalid)
					throw new Error(`${page.url()}: ${n.id} is drawn as invalid`);
			}
			for (const a of nodes)
				for (const c of nodes)
					if (a !== c && a.x < c.x + c.w && c.x < a.x + a.w && a.y < c.y + c.h && c.y < a.y + a.h)
						throw new Error(`${page.url()}: ${a.id} and ${c.id} overlap`);
			const edges = await page.locator('svg.graph path.edge').evaluateAll((paths) => paths.map((p) => {
				const l = p.getTotalLength(), s = p.getPointAtLength(0), e = p.getPointAtLength(l);
				return { from: p.dataset.from || 'trigger', sx: s.x, ex: e.x };
			}));
			if (edges.length !== 5)
				throw new Error(`${page.url()}: ${edges.length} edges drawn, want 5`);
			for (const e of edges)
				if (e.ex <= e.sx)
					throw new Error(`${page.url()}: the edge from ${e.from} goes right to left`);
			const canvas = await page.locator('.canvas').boundingBox();
			if (!canvas || canvas.width < 900)
				throw new Error(`${page.url()}: the canvas is ${canvas && canvas.width}px wide`);
			await b.expectText(page, 'Outline', 'the outline');
			await page.locator('.canvas').screenshot({ path: path.join(SHOTS, 'editor-canvas-only.png') });
			// What a person sees first (docs/editor.png is a copy of it).
			await page.screenshot({ path: path.join(SHOTS, 'editor-first-view.png') });
		});
		await step('settings', async () => {
			await Promise.all([page.waitForLoadState('load'), page.locator('svg.graph a.node[data-block="title"]').click()]);
			await b.expectUrl(page, /\/edit\/blocks\/title$/, 'a click on a block opens its settings');
			await b.expectText(page, 'XPath', 'the settings form');
			if (await page.locator('label[for="config-xpath"]').count() !== 1)
				throw new Error(`${page.url()}: the XPath field has no label`);
		});
		await step('add-block', async () => {
			await b.click(page, 'Back to the editor');
			await page.locator('#add-after').selectOption('summary.text');
			// The block types are folded (the page stays short): the summary opens them.
			if (await page.locator('#add input[value="http.request"]').isVisible())
				throw new Error(`${page.url()}: the block types are not folded under the add form`);
			await page.locator('#add-types summary').click();
			await page.locator('input[name="type"][value="http.request"]').check();
			await b.fill(page, 'add-id', 'notify');
			await b.click(page, 'Add the block');
			await b.expectUrl(page, /\/edit\/blocks\/notify$/, 'a new block opens its settings');
			await b.expectText(page, 'This block cannot run yet', 'the new block needs its URL');
			await b.click(page, 'Back to the editor');
			const notify = (await boxes(page)).find((n) => n.id === 'notify');
			if (!notify || !notify.invalid)
				throw new Error(`${page.url()}: the new block without its URL is not drawn in red`);
			await b.expectText(page, 'notify', 'the problem list names the block');
		});
		if (browser.problems.length)
			throw new Error(`the pages reported problems:\n  ${browser.problems.join('\n  ')}`);
	} catch (e) {
		await page.screenshot({ path: path.join(SHOTS, 'editor-failed.png'), fullPage: true }).catch(() => {});
		console.log(`FAIL - editor: ${e.message}`);
		console.log(`(screenshot of the failure: ${path.join(SHOTS, 'editor-failed.png')})`);
		process.exitCode = 1;
	} finally {
		await browser.close();
	}
}

main().catch((e) => { console.error(e); process.exit(1); });
