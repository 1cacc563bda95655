// The dashboard with real data, by clicking: sign in (as the owner flow.js
// made), make a workflow that fails and one that succeeds, run each a few
// times from its page, then open the Dashboard from the top bar: its charts
// are SVG with bars of both statuses and a table each, the success rate and
// the durations name both workflows, a recent failure leads to its run, and
// the failing workflow's page shows its own figures. Screenshots go to
// $SCREENSHOTS as dashboard-*.png.
'use strict';
const fs = require('fs');
const path = require('path');
const b = require('./browser');

const BASE = process.env.BASE_URL;
const SHOTS = process.env.SCREENSHOTS;
const PASSWORD = 'browser test password'; // flow.js's owner
// Nothing listens on port 9: the request fails at once.
const FAILING = JSON.stringify({ format: 1, trigger: { type: 'manual' },
	blocks: [{ id: 'fetch', type: 'http.request', config: { url: 'http://127.0.0.1:9/status' } }] });
const STEADY = JSON.stringify({ format: 1, trigger: { type: 'manual' },
	blocks: [{ id: 'greet', type: 'json.set', config: { set: { greeting: 'Hello {{ trigger.name }}' } } },
		{ id: 'tag', type: 'json.set', config: { set: { greeted: true } } }],
	edges: [{ from: 'greet.out', to: 'tag.in' }] });

async function create(page, name, definition) {
	await page.goto(`${BASE}/workflows/new`);
	await b.fill(page, 'name', name);
	await b.fill(page, 'definition', definition);
	await b.click(page, 'Create workflow');
	await b.expectUrl(page, /\/workflows\/[0-9]+$/, `create ${name}`);
	return page.url();
}

// Runs the workflow at url from its page and waits on the run page for its end.
async function run(page, url, input, want) {
	await page.goto(url);
	await b.fill(page, 'input', input);
	await b.click(page, 'Run');
	await b.expectUrl(page, /\/runs\/[0-9]+$/, 'run');
	const status = page.locator('h1 .status').first();
	const deadline = Date.now() + 30000;
	let s = '';
	while (!['succeeded', 'failed', 'cancelled'].includes(s)) {
		if (Date.now() > deadline)
			throw new Error(`${page.url()}: the run is still "${s}" after 30 s`);
		await page.waitForTimeout(200);
		s = (await status.innerText().catch(() => '')).trim();
	}
	if (s !== want)
		throw new Error(`${page.url()}: the run ${s}, want ${want}`);
}

async function main() {
	fs.mkdirSync(SHOTS, { recursive: true });
	const browser = await b.launch();
	const { page } = browser;
	const step = async (name, fn) => {
		await fn();
		await page.screenshot({ path: path.join(SHOTS, `dashboard-${name}.png`), fullPage: true });
		console.log(`ok - dashboard: ${name}`);
	};
	let failingUrl = '';
	try {
		await b.signIn(page, BASE, 'owner', PASSWORD);
		failingUrl = await create(page, 'Check the status page', FAILING);
		const steadyUrl = await create(page, 'Greet and tag', STEADY);
		for (let i = 0; i < 3; i++)
			await run(page, failingUrl, '{}', 'failed');
		for (const name of ['Ada', 'Grace', 'Edsger', 'Barbara', 'Niklaus'])
			await run(page, steadyUrl, JSON.stringify({ name }), 'succeeded');

		await step('page', async () => {
			await b.click(page, 'Dashboard');
			await b.expectUrl(page, /\/dashboard$/, 'the dashboard from the top bar');
			const lastDay = page.locator('#last-day');
			for (const series of ['succeeded', 'failed'])
				if (await lastDay.locator(`svg.chart rect.${series}`).count() === 0)
					throw new Error(`${page.url()}: the last day's chart has no ${series} bar`);
			const rows = lastDay.locator('table tbody tr');
			if (await rows.count() !== 24)
				throw new Error(`${page.url()}: the last day's table has ${await rows.count()} rows, want 24`);
			const rate = await lastDay.locator('.rate').innerText();
			if (!/^[0-9]+\.[0-9]%$/.test(rate))
				throw new Error(`${page.url()}: the success rate reads "${rate}"`);
			for (const name of ['Check the status page', 'Greet and tag'])
				if (await page.locator('#durations table').getByRole('link', { name, exact: true }).count() !== 1)
					throw new Error(`${page.url()}: the durations do not list ${name}`);
			if (await page.locator('#durations svg.chart rect.p99').count() < 2)
				throw new Error(`${page.url()}: the durations chart lacks its p99 bars`);
			// The other scripts' failing blocks may outnumber this one here: its own page lists it below.
			if (await page.locator('#failing-blocks tbody tr').count() === 0)
				throw new Error(`${page.url()}: the most failing blocks list nothing`);
			await b.expectText(page, 'Pruning would give back', 'the database');
		});
		await page.locator('#last-day').screenshot({ path: path.join(SHOTS, 'dashboard-last-day-chart.png') });

		await step('failure-to-run', async () => {
			const link = page.locator('#recent-failures tbody tr').first().locator('a').first();
			await Promise.all([page.waitForLoadState('load'), link.click()]);
			await b.expectUrl(page, /\/runs\/[0-9]+$/, 'a recent failure opens its run');
			const s = (await page.locator('h1 .status').first().innerText()).trim();
			if (s !== 'failed')
				throw new Error(`${page.url()}: the recent failure's run is "${s}"`);
		});

		await step('workflow-figures', async () => {
			await page.goto(failingUrl);
			const rate = await page.locator('#last-day .rate').innerText();
			if (rate !== '0.0%')
				throw new Error(`${page.url()}: the failing workflow's success rate reads "${rate}", want 0.0%`);
			if (await page.locator('#last-day svg.chart rect.succeeded').count() !== 0)
				throw new Error(`${page.url()}: the failing workflow's chart shows another's successes`);
			const failing = page.locator('#failing-blocks tbody tr').filter({ hasText: 'fetch' });
			if (await failing.count() !== 1)
				throw new Error(`${page.url()}: the workflow's most failing blocks do not list "fetch"`);
		});

		const json = await page.request.get(`${BASE}/dashboard`, { headers: { Accept: 'application/json' } });
		const model = await json.json();
		if (!model.figures || model.figures.runs_over_time[0].failed < 3)
			throw new Error(`/dashboard in JSON: ${JSON.stringify(model).slice(0, 200)}`);
		console.log('ok - dashboard: its JSON twin');
		if (browser.problems.length)
			throw new Error(browser.problems.join('; '));
	} catch (e) {
		await page.screenshot({ path: path.join(SHOTS, 'dashboard-failed.png'), fullPage: true }).catch(() => {});
		console.log(`(screenshot of the failure: ${path.join(SHOTS, 'dashboard-failed.png')})`);
		throw e;
	} finally {
		await browser.close();
	}
}

main().catch((e) => { console.error(`not ok - dashboard: ${e.message}`); process.exit(1); });
