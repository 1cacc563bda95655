// A person's path through the engine, by clicking: sign in (as the owner
// flow.js made), create a workflow that can run, run it from its page with an
// input, wait on the run page until it has succeeded, read its step, find it
// in the Runs list, break the definition and see the problem named, and make
// a webhook address. Screenshots go to $SCREENSHOTS as runs-*.png.
'use strict';
const fs = require('fs');
const path = require('path');
const b = require('./browser');

const BASE = process.env.BASE_URL;
const SHOTS = process.env.SCREENSHOTS;
const PASSWORD = 'browser test password'; // flow.js's owner
const NAME = 'Greet a person';
// With $SLOW_URL (an address answering after a few seconds), a first step
// waits on it, so that the run page is seen running and reloading itself.
const SLOW_URL = process.env.SLOW_URL || '';
const HELLO = { id: 'hello', type: 'text.template', config: { template: 'Hello {{ trigger.name }}' } };
const DEFINITION = JSON.stringify(SLOW_URL ? {
	format: 1,
	trigger: { type: 'manual' },
	blocks: [{ id: 'wait', type: 'http.request', config: { url: SLOW_URL } }, HELLO],
	edges: [{ from: 'wait.response', to: 'hello.in' }],
} : { format: 1, trigger: { type: 'manual' }, blocks: [HELLO] });
const BROKEN = JSON.stringify({
	format: 1,
	trigger: { type: 'manual' },
	blocks: [{ id: 'hello', type: 'text.no_such_block', config: { template: 'Hello' } }],
});
const FINAL = ['succeeded', 'failed', 'cancelled'];

// A RegExp matching exactly this address.
const exactly = (url) => new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

async function text(locator, what, page) {
	if (await locator.count() === 0)
		throw new Error(`${page.url()}: no ${what}`);
	return (await locator.first().innerText()).trim();
}

async function expectField(locator, what, want, page) {
	const got = await text(locator, what, page);
	if (got !== want)
		throw new Error(`${page.url()}: ${what} is "${got}", want "${want}"`);
}

// The run page while the run goes on says so and follows the run's live
// events (run-page.js), drawn again by the browser itself (never the test)
// at the run's end.
// The run's final status, as the page shows it; every status it showed on
// the way (the live events change it in place) goes into seen.
async function waitForRunEnd(page, seen = new Set()) {
	const deadline = Date.now() + 30000;
	let s = '';
	for (;;) {
		try {
			s = (await page.locator('h1 .status').first().innerText({ timeout: 2000 })).trim();
		} catch (e) {
			s = ''; // between two loads
		}
		seen.add(s);
		if (FINAL.includes(s))
			return s;
		if (Date.now() > deadline)
			throw new Error(`${page.url()}: the run is still "${s}" after 30 s`);
		await page.waitForTimeout(250);
	}
}

// Each answer for a run page as the browser got it: the status it showed
// and what it said. Checked when the run has ended.
function recordRunPages(page) {
	const seen = [];
	page.on('response', (r) => {
		if (!r.request().isNavigationRequest() || !/\/runs\/[0-9]+$/.test(r.url()))
			return;
		seen.push(r.text().then((html) => ({
			status: (html.match(/<h1>Run [^]*?status-([a-z]+)/) || [])[1] || '?',
			html,
		}), () => null)); // gone before it was read: the next one counts
	});
	return async () => (await Promise.all(seen)).filter((x) => x);
}

function checkRunPages(pages, url) {
	for (const p of pages) {
		const active = p.status === 'queued' || p.status === 'running';
		const reloads = p.html.includes('<noscript><meta http-equiv="refresh" content="2"');
		if (active !== reloads)
			throw new Error(`${url}: the page of a ${p.status} run ${reloads ? 'reloads' : 'does not reload'} `
				+ 'itself without JavaScript');
		if (active !== p.html.includes('/static/run-page.js'))
			throw new Error(`${url}: the page of a ${p.status} run ${active ? 'does not follow' : 'follows'} `
				+ 'its live events');
		if (active && p.html.includes('Not run:'))
			throw new Error(`${url}: the page of a ${p.status} run says its later steps are "Not run"`);
	}
}

async function main() {
	fs.mkdirSync(SHOTS, { recursive: true });
	const browser = await b.launch();
	const { page } = browser;
	const runPages = recordRunPages(page);
	let workflowUrl = '', runUrl = '', runId = '';
	const step = async (name, fn) => {
		await fn();
		await page.screenshot({ path: path.join(SHOTS, `runs-${name}.png`), fullPage: true });
		console.log(`ok - runs: ${name}`);
	};
	try {
		await step('sign-in', async () => {
			await b.signIn(page, BASE, 'owner', PASSWORD);
		});
		await step('new-workflow', async () => {
			await b.click(page, 'New workflow');
			await b.expectUrl(page, /\/workflows\/new$/, 'new workflow');
			await b.fill(page, 'name', NAME);
			await b.fill(page, 'description', 'Says hello to whoever is named in the input');
			await b.fill(page, 'definition', DEFINITION);
			await b.click(page, 'Create workflow');
			await b.expectUrl(page, /\/workflows\/[0-9]+$/, 'create');
			workflowUrl = page.url();
			await b.expectText(page, NAME, 'create');
			await b.expectNoText(page, 'cannot run', 'a valid workflow');
			if (await page.locator('.problems').count() !== 0)
				throw new Error(`${page.url()}: a valid workflow shows problems`);
			await expectField(page.locator('dl.facts dt:text-is("Trigger") + dd'), 'the trigger', 'manual', page);
		});
		await step('run', async () => {
			await b.fill(page, 'input', '{"name": "Ada"}');
			await b.click(page, 'Run');
			await b.expectUrl(page, /\/runs\/[0-9]+$/, 'run');
			runUrl = page.url();
			runId = runUrl.match(/([0-9]+)$/)[1];
			const h1 = await text(page.locator('h1'), 'heading', page);
			if (!h1.startsWith(`Run ${runId}`))
				throw new Error(`${page.url()}: the heading is "${h1}", want "Run ${runId} ..."`);
		});
		// The run page, finished: its screenshot is runs-run-page.png.
		await step('run-page', async () => {
			const shown = new Set();
			const s = await waitForRunEnd(page, shown);
			const pages = await runPages();
			checkRunPages(pages, page.url());
			// Running as a page came (the worker took the run before the
			// redirect's request), or as the live events changed it in place.
			if (SLOW_URL && !pages.some((p) => p.status === 'running') && !shown.has('running'))
				throw new Error(`${page.url()}: a run with a slow step was never seen running `
					+ `(the pages showed ${pages.map((p) => p.status).join(', ')}; `
					+ `the page in place ${[...shown].join(', ')})`);
			if (s !== 'succeeded') {
				const why = await page.locator('p.alert').allInnerTexts();
				throw new Error(`${page.url()}: the run ${s}, want succeeded (${why.join(' ') || 'no error shown'})`);
			}
			await b.expectNoText(page, 'the page reloads', 'a finished run');
			const hello = page.locator('article.step#step-hello');
			await expectField(hello.locator('h3 code'), 'the step\'s block', 'hello', page);
			await expectField(hello.locator('h3 small'), 'the step\'s type', 'text.template', page);
			await expectField(hello.locator('.step-head .status'), 'the status of step "hello"', 'ok', page);
			const outputs = await text(hello.locator('details:has(summary:text-is("Outputs")) pre'),
				'outputs of step "hello"', page);
			if (!outputs.includes('"Hello Ada"'))
				throw new Error(`${page.url()}: step "hello" outputs ${outputs}, want "Hello Ada" in them`);
			const input = await text(page.locator('h2:text-is("Input") + pre'), 'the run\'s input', page);
			if (!input.includes('"Ada"'))
				throw new Error(`${page.url()}: the run's input is ${input}, want the name "Ada" in it`);
			await b.expectText(page, NAME, 'the run names its workflow');
		});
		await step('runs-list', async () => {
			await b.click(page, 'Runs');
			await b.expectUrl(page, /\/runs$/, 'runs list');
			const link = page.getByRole('link', { name: `#${runId}`, exact: true });
			const row = page.locator('table.runs tbody tr').filter({ has: link });
			if (await row.count() !== 1)
				throw new Error(`${page.url()}: no row for run #${runId}`);
			await expectField(row.locator('td').nth(1).locator('a').first(), `the workflow of run #${runId}`, NAME, page);
			await expectField(row.locator('.status'), `the status of run #${runId}`, 'succeeded', page);
			await expectField(row.locator('td').nth(2), `the trigger of run #${runId}`, 'manual', page);
			if (!/Runs found: [1-9][0-9]*\./.test(await page.locator('body').innerText()))
				throw new Error(`${page.url()}: the list does not say how many runs it found`);
			await Promise.all([page.waitForLoadState('load'), row.locator(link).click()]);
			await b.expectUrl(page, exactly(runUrl), 'open the run from the list');
			await b.click(page, NAME);
			await b.expectUrl(page, exactly(workflowUrl), 'from the run back to its workflow');
			// The workflow's own Runs button, not the one in the top bar.
			await Promise.all([page.waitForLoadState('load'),
				page.locator('.heading .actions').getByRole('link', { name: 'Runs', exact: true }).click()]);
			await b.expectUrl(page, /\/runs\?workflow=[0-9]+$/, 'the workflow\'s runs');
			await b.expectText(page, `Runs of ${NAME}`, 'the workflow\'s runs');
			if (await page.getByRole('link', { name: `#${runId}`, exact: true }).count() !== 1)
				throw new Error(`${page.url()}: the workflow's runs do not list run #${runId}`);
		});
		await step('broken-workflow', async () => {
			await page.goto(workflowUrl);
			await b.click(page, 'Edit as JSON');
			await b.expectUrl(page, /\/workflows\/[0-9]+\/json$/, 'edit');
			await b.fill(page, 'definition', BROKEN);
			await b.click(page, 'Save');
			await b.expectUrl(page, exactly(workflowUrl), 'save');
			await b.expectText(page, 'This workflow cannot run until these are fixed', 'a broken workflow');
			const problems = await page.locator('.problems li').allInnerTexts();
			if (!problems.some((p) => p.startsWith('hello: ') && p.includes('text.no_such_block')))
				throw new Error(`${page.url()}: the problems (${problems.join(' | ') || 'none'}) `
					+ 'do not name block "hello" and its type');
			if (await page.locator('form.run-form').count() !== 0 || await page.locator('#input').count() !== 0)
				throw new Error(`${page.url()}: a workflow that cannot run still has a Run form`);
			if (await page.getByRole('button', { name: 'Run', exact: true }).count() !== 0)
				throw new Error(`${page.url()}: a workflow that cannot run still has a Run button`);
		});
		await step('webhook', async () => {
			await b.click(page, 'Webhook');
			await b.expectUrl(page, /\/workflows\/[0-9]+\/webhook$/, 'webhook');
			await b.expectText(page, 'no webhook address yet', 'webhook');
			await b.click(page, 'New address');
			const shown = await text(page.locator('#hook-path'), 'webhook address', page);
			if (!/^\/hooks\/[0-9a-f]{16,}$/.test(shown))
				throw new Error(`${page.url()}: the new address is "${shown}", want /hooks/TOKEN`);
			if (await page.locator('#hook-secret').count() !== 0)
				throw new Error(`${page.url()}: an unsigned address shows a secret`);
			await b.click(page, 'Back to the webhook');
			await b.expectUrl(page, /\/workflows\/[0-9]+\/webhook$/, 'back to the webhook');
			await b.expectText(page, shown, 'the webhook page shows its address');
		});
		if (browser.problems.length)
			throw new Error(`the pages reported problems:\n  ${browser.problems.join('\n  ')}`);
	} catch (e) {
		await page.screenshot({ path: path.join(SHOTS, 'runs-failed.png'), fullPage: true }).catch(() => {});
		console.log(`FAIL - runs: ${e.message}`);
		console.log(`(screenshot of the failure: ${path.join(SHOTS, 'runs-failed.png')})`);
		process.exitCode = 1;
	} finally {
		await browser.close();
	}
}

main().catch((e) => { console.error(e); process.exit(1); });
