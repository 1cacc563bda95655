// Copy and paste between two workflows' editors with the keyboard (sign in
// as the owner flow.js made): select two connected blocks, Ctrl-C, open
// another workflow's editor (which has a block of one of their ids), Ctrl-V:
// both blocks and their edge are there, the clashing id renamed, unsaved
// until Ctrl-S; Ctrl-X of the two pasted blocks and Ctrl-Z bring both back in
// one step; Ctrl-Z takes the paste back in one step, past that save.
// Screenshots go to $SCREENSHOTS as editor-paste-*.png.
'use strict';
const fs = require('fs');
const path = require('path');
const b = require('./browser');

const BASE = process.env.BASE_URL;
const SHOTS = process.env.SCREENSHOTS;
const PASSWORD = 'browser test password'; // flow.js's owner

const SOURCE = JSON.stringify({
	format: 1, trigger: { type: 'manual' },
	blocks: [
		{ id: 'greet', type: 'text.template', config: { template: 'hello' }, ui: { x: 260, y: 40 } },
		{ id: 'shout', type: 'text.template', config: { template: '{{ greet.text }}!' }, ui: { x: 500, y: 40 } },
	],
	edges: [{ from: 'trigger.out', to: 'greet.in' }, { from: 'greet.text', to: 'shout.in' }],
});
const TARGET = JSON.stringify({
	format: 1, trigger: { type: 'manual' },
	blocks: [{ id: 'greet', type: 'text.template', config: { template: 'already here' } }],
	edges: [],
});

const versionOf = (page) => page.locator('section.editor input[name="version"]').first().inputValue().then(Number);

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

async function stored(page, id) {
	const res = await page.request.get(`${BASE}/workflows/${id}`, { headers: { Accept: 'application/json' } });
	return (await res.json()).workflow;
}

// Creates a workflow with the New workflow form and opens its editor: its id.
async function create(page, name, definition) {
	await page.goto(`${BASE}/workflows`);
	await b.click(page, 'New workflow');
	await b.fill(page, 'name', name);
	await b.fill(page, 'definition', definition);
	await b.click(page, 'Create workflow');
	await b.expectUrl(page, /\/workflows\/[0-9]+$/, `create ${name}`);
	return Number(page.url().replace(/.*\//, ''));
}

async function openEditor(page, id) {
	await page.goto(`${BASE}/workflows/${id}/edit`);
	await page.locator('#canvas.live').waitFor({ timeout: 5000 }).catch(() => {
		throw new Error(`${page.url()}: the editor's script did not start (no #canvas.live)`);
	});
}

async function main() {
	fs.mkdirSync(SHOTS, { recursive: true });
	const browser = await b.launch();
	const { page } = browser;
	const step = async (name, fn) => {
		await fn();
		await page.screenshot({ path: path.join(SHOTS, `editor-paste-${name}.png`), fullPage: true });
		console.log(`ok - editor paste: ${name}`);
	};
	let source = 0, target = 0;
	try {
		await step('copy', async () => {
			await b.signIn(page, BASE, 'owner', PASSWORD);
			source = await create(page, 'Copied from', SOURCE);
			target = await create(page, 'Pasted into', TARGET);
			await openEditor(page, source);
			await b.expectText(page, 'Ctrl-C copies the selected blocks', 'the hint names the keys');
			await page.locator('#graph a.node[data-block="greet"] text.title').click();
			await page.locator('#graph a.node[data-block="shout"] text.title').click({ modifiers: ['Shift'] });
			await page.keyboard.press('Control+c');
			await b.expectText(page, 'Copied 2 blocks', 'Ctrl-C copies the two selected blocks');
		});
		await step('paste', async () => {
			await openEditor(page, target);
			const v = await versionOf(page);
			await page.keyboard.press('Control+v');
			await page.locator('#graph a.node[data-block="shout"]').waitFor({ timeout: 10000 });
			if ((await stored(page, target)).version !== v)
				throw new Error('the paste was saved before Ctrl-S');
			await page.keyboard.press('Control+s');
			await expectVersion(page, v + 1, 'Ctrl-S saves the paste as one new version');
			const def = (await stored(page, target)).definition;
			const ids = def.blocks.map((x) => x.id).join(',');
			if (ids !== 'greet,greet_2,shout')
				throw new Error(`after the paste the blocks are ${ids}, want greet,greet_2,shout`);
			if (JSON.stringify(def.edges) !== JSON.stringify([{ from: 'greet_2.text', to: 'shout.in' }]))
				throw new Error(`after the paste the edges are ${JSON.stringify(def.edges)}`);
			if (def.blocks[2].config.template !== '{{ greet_2.text }}!')
				throw new Error(`the pasted placeholder is ${def.blocks[2].config.template}`);
			for (const id of ['greet_2', 'shout'])
				if (await page.locator(`#graph a.node[data-block="${id}"]`).count() !== 1)
					throw new Error(`the pasted block ${id} is not drawn`);
			if (await page.locator('#graph path.edge[data-from="greet_2.text"][data-to="shout.in"]').count() !== 1)
				throw new Error('the pasted edge is not drawn');
		});
		const drawn = () => page.locator('#graph a.node').evaluateAll((ns) => ns.map((n) => n.dataset.block).join(','));
		await step('cut', async () => {
			await page.locator('#graph a.node[data-block="greet_2"] text.title').click();
			await page.locator('#graph a.node[data-block="shout"] text.title').click({ modifiers: ['Shift'] });
			await page.keyboard.press('Control+x');
			await page.locator('#graph a.node[data-block="shout"]').waitFor({ state: 'detached', timeout: 10000 });
			if (await drawn() !== 'trigger,greet')
				throw new Error(`after Ctrl-X the canvas draws ${await drawn()}`);
			await page.keyboard.press('Control+z');
			await page.locator('#graph a.node[data-block="shout"]').waitFor({ timeout: 10000 });
			if (await drawn() !== 'trigger,greet,greet_2,shout' ||
			    await page.locator('#graph path.edge[data-from="greet_2.text"][data-to="shout.in"]').count() !== 1)
				throw new Error(`one Ctrl-Z after Ctrl-X draws ${await drawn()}: the cut is not one step`);
		});
		await step('undo', async () => {
			const v = await versionOf(page);
			await page.keyboard.press('Control+z');
			await page.locator('#graph a.node[data-block="shout"]').waitFor({ state: 'detached', timeout: 10000 });
			if (await drawn() !== 'trigger,greet')
				throw new Error(`after Ctrl-Z the canvas draws ${await drawn()}: the paste is not undone in one step`);
			await page.keyboard.press('Control+s');
			await expectVersion(page, v + 1, 'Ctrl-S saves the undone paste');
			const ids = (await stored(page, target)).definition.blocks.map((x) => x.id).join(',');
			if (ids !== 'greet')
				throw new Error(`after Ctrl-Z and Ctrl-S the stored blocks are ${ids}`);
		});
		if (browser.problems.length)
			throw new Error(`the pages reported problems:\n  ${browser.problems.join('\n  ')}`);
	} catch (e) {
		await page.screenshot({ path: path.join(SHOTS, 'editor-paste-failed.png'), fullPage: true }).catch(() => {});
		console.log(`FAIL - editor paste: ${e.message}`);
		console.log(`(screenshot of the failure: ${path.join(SHOTS, 'editor-paste-failed.png')})`);
		process.exitCode = 1;
	} finally {
		await browser.close();
	}
}

main().catch((e) => { console.error(e); process.exit(1); });
