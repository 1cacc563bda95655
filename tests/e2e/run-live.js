// The run page follows a run as it goes (run-page.js over GET /runs/ID/events):
// a workflow whose first step logs and reports progress and whose second
// waits on $SLOW_URL is run from its page; without the page being loaded
// again (a mark left in it stays), the steps appear with their states, the
// progress bar, the duration and the log lines as they happen; at the run's
// end the page is drawn again from the store. Then the same from the editor:
// a Test run with a typed sample input, each block's state and duration
// arriving on the canvas live, and a block's inputs, outputs and logs from
// that run one click away; the placeholder picker of a block's settings
// offering the fields of the last run's values, a click putting one at the
// cursor. Screenshots: runs-live.png, editor-test-run.png.
'use strict';
const fs = require('fs');
const path = require('path');
const b = require('./browser');

const BASE = process.env.BASE_URL;
const SHOTS = process.env.SCREENSHOTS;
const SLOW_URL = process.env.SLOW_URL;
const PASSWORD = 'browser test password'; // flow.js's owner
const LUA = 'log("hello from talk")\nprogress(0.5, "half way")\nreturn "x"';
const DEFINITION = JSON.stringify({
	format: 1,
	trigger: { type: 'manual' },
	blocks: [
		{ id: 'talk', type: 'code.lua', config: { code: LUA } },
		{ id: 'wait', type: 'http.request', config: { url: SLOW_URL, method: 'GET' } },
		{ id: 'after', type: 'text.template', config: { template: 'done' } },
	],
	edges: [{ from: 'talk.out', to: 'wait.body' }, { from: 'wait.response', to: 'after.in' }],
});

// Waits until fn() (run in the page) is true; its text names what did not come.
async function until(page, what, fn, arg) {
	try {
		await page.waitForFunction(fn, arg, { timeout: 15000, polling: 50 });
	} catch (e) {
		throw new Error(`${page.url()}: ${what} did not come (${e.message.split('\n')[0]})`);
	}
}

async function stillTheSamePage(page, what) {
	if (!await page.evaluate(() => window.axonMark === 'drawn once'))
		throw new Error(`${page.url()}: the page was loaded again before ${what}: it should have come live`);
}

async function main() {
	if (!SLOW_URL) {
		console.log('ok - run-live: skipped (no slow test server)');
		return;
	}
	fs.mkdirSync(SHOTS, { recursive: true });
	const browser = await b.launch();
	const { page } = browser;
	try {
		await b.signIn(page, BASE, 'owner', PASSWORD);
		await page.goto(`${BASE}/workflows/new`);
		await b.fill(page, 'name', 'Watched live');
		await b.fill(page, 'definition', DEFINITION);
		await b.click(page, 'Create workflow');
		await b.expectUrl(page, /\/workflows\/[0-9]+$/, 'create');
		const workflowUrl = page.url();
		await b.click(page, 'Run');
		await b.expectUrl(page, /\/runs\/[0-9]+$/, 'run');
		await page.evaluate(() => { window.axonMark = 'drawn once'; });
		console.log('ok - run-live: the run page is open');

		await until(page, 'the note that the page follows the run',
			() => (document.querySelector('.live-note') || {}).textContent === 'its steps appear here as they go');
		await until(page, 'step "talk" ok with its duration', () => {
			const a = document.getElementById('step-talk');
			return a && a.querySelector('.step-head .status').textContent === 'ok'
				&& /^[0-9.]+ (ms|s)$/.test(a.querySelector('.duration').textContent);
		});
		await until(page, 'the progress bar of "talk" at half way, with its message', () => {
			const a = document.getElementById('step-talk');
			const p = a && a.querySelector('.progress progress');
			return p && p.value === 0.5 && a.querySelector('.progress-message').textContent === 'half way';
		});
		await until(page, 'step "wait" running', () => {
			const s = document.querySelector('#step-wait .step-head .status');
			return s && s.textContent === 'running' && s.classList.contains('status-running');
		});
		await until(page, 'the log line of "wait" as it was written', () => {
			const rows = [...document.querySelectorAll('#step-wait table.logs tbody tr')];
			return rows.some((r) => r.textContent.includes('GET http'));
		});
		const status = (await page.locator('h1 .status').innerText()).trim();
		if (status !== 'running')
			throw new Error(`${page.url()}: the run shows "${status}" while its step "wait" runs`);
		await stillTheSamePage(page, 'the steps arrived');
		await page.screenshot({ path: path.join(SHOTS, 'runs-live.png'), fullPage: true });
		console.log('ok - run-live: states, duration, progress and log lines arrived without a reload');

		// At the end the page is drawn again from the store, with the outputs.
		await until(page, 'the page drawn again at the end',
			() => window.axonMark === undefined && document.querySelector('h1 .status')
				&& document.querySelector('h1 .status').textContent === 'succeeded');
		await b.expectNoText(page, 'its steps appear here', 'the finished run');
		const after = page.locator('#step-after .step-head .status');
		if ((await after.innerText()).trim() !== 'ok')
			throw new Error(`${page.url()}: step "after" is not ok at the end`);
		if (browser.problems.length)
			throw new Error(`${page.url()}: ${browser.problems.join('; ')}`);
		console.log('ok - run-live: at the end the page is drawn again, the run succeeded');

		await page.goto(`${workflowUrl}/edit`);
		await page.locator('#test-input').fill('{"who": "the browser"}');
		await Promise.all([page.waitForURL(/\/edit\?run=[0-9]+#test-run$/), page.getByRole('button', { name: 'Test run', exact: true }).click()]);
		await page.evaluate(() => { window.axonMark = 'drawn once'; });
		const node = (block) => `#graph .node[data-block="${block}"]`;
		await until(page, 'block "wait" running on the canvas', (sel) => {
			const n = document.querySelector(sel);
			return n && n.dataset.state === 'running' && n.querySelector('text.state').textContent.startsWith('running');
		}, node('wait'));
		await until(page, 'block "talk" ok with its duration on the canvas', (sel) => {
			const n = document.querySelector(sel);
			return n && n.dataset.state === 'ok' && /^ok · [0-9.]+ (ms|s)$/.test(n.querySelector('text.state').textContent);
		}, node('talk'));
		await stillTheSamePage(page, 'the blocks\' states arrived');
		await page.screenshot({ path: path.join(SHOTS, 'editor-test-run.png'), fullPage: true });
		await until(page, 'block "after" ok at the end, and the run succeeded', (sel) => {
			const n = document.querySelector(sel);
			return n && n.dataset.state === 'ok'
				&& document.getElementById('test-run-status').textContent === 'succeeded';
		}, node('after'));
		await stillTheSamePage(page, 'the run ended');
		const sample = await page.locator('#test-input').inputValue();
		if (!sample.includes('the browser'))
			throw new Error(`${page.url()}: the sample typed is not kept (${sample})`);
		console.log('ok - run-live: the editor\'s test run shows each block\'s state and duration as it goes');
		await page.locator(node('wait')).click();
		await until(page, 'the outputs of "wait" from the test run, below the canvas, on a click on it', () => {
			const p = document.getElementById('test-step');
			return p && p.textContent.includes('Outputs') && p.textContent.includes('late');
		});
		console.log('ok - run-live: a click on a block shows its inputs, outputs and logs from the test run');
		const row = page.locator('#test-run tr[data-block="wait"]');
		await Promise.all([page.waitForLoadState('load'), row.getByRole('link', { name: 'inputs, outputs and logs' }).click()]);
		await b.expectUrl(page, /\/runs\/[0-9]+#step-wait$/, 'a block of the test run');
		await b.expectText(page, 'late', 'the outputs of "wait" from that run');
		if (browser.problems.length)
			throw new Error(`${page.url()}: ${browser.problems.join('; ')}`);
		console.log('ok - run-live: a block\'s inputs, outputs and logs from the test run are one click away');

		// The placeholder picker offers what the last run's values held; a click puts one in the field.
		await page.goto(`${workflowUrl}/edit/blocks/after`);
		const field = page.locator('.settings-form textarea.code').first();
		await field.fill('Status: ');
		await page.locator('.placeholders code', { hasText: /^\{\{ wait\.response\.status \}\}$/ }).click();
		const typed = await field.inputValue();
		if (typed !== 'Status: {{ wait.response.status }}')
			throw new Error(`${page.url()}: the picked placeholder did not land at the cursor (the field has "${typed}")`);
		if (browser.problems.length)
			throw new Error(`${page.url()}: ${browser.problems.join('; ')}`);
		console.log('ok - run-live: the placeholder picker offers the last run\'s fields, and a click puts one in');
	} finally {
		await browser.close();
	}
}

main().catch((e) => {
	console.log(`FAIL - run-live: ${e.message}`);
	process.exitCode = 1;
});
