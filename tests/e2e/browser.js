// Debian's chromium, headless, driven by playwright-core: what flow.js and
// screenshot.js share. Every step waits for what the page must show and
// throws a message naming the step when it does not come.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// A fresh profile each time, removed by close(); { script: false } runs the
// pages without JavaScript.
async function launch({ script = true } = {}) {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'axon-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		viewport: { width: 1280, height: 800 },
		javaScriptEnabled: script,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	context.setDefaultTimeout(10000);
	const page = context.pages()[0] || await context.newPage();
	const problems = [];
	// A script error or a refused resource (CSP) is a bug in the pages.
	page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
	page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
	return {
		context, page, problems,
		async close() {
			await context.close();
			fs.rmSync(profile, { recursive: true, force: true });
		},
	};
}

// A button or a link with exactly this text (the contract names them).
function control(page, name) {
	return page.getByRole('button', { name, exact: true })
		.or(page.getByRole('link', { name, exact: true })).first();
}

async function click(page, name) {
	const c = control(page, name);
	if (await c.count() === 0)
		throw new Error(`${page.url()}: no button or link "${name}"`);
	await Promise.all([page.waitForLoadState('load'), c.click()]);
}

// Fills the field whose id is the form field's name, checking its label.
async function fill(page, id, value) {
	const field = page.locator(`#${id}`);
	if (await field.count() === 0)
		throw new Error(`${page.url()}: no field with id "${id}"`);
	if (await page.locator(`label[for="${id}"]`).count() === 0)
		throw new Error(`${page.url()}: the field "${id}" has no <label for="${id}">`);
	await field.fill(value);
}

async function expectUrl(page, re, step) {
	try {
		await page.waitForURL(re, { timeout: 10000 });
	} catch (e) {
		throw new Error(`${step}: the browser is at ${page.url()}, want ${re}`);
	}
}

async function expectText(page, text, step) {
	const body = await page.locator('body').innerText();
	if (!body.includes(text))
		throw new Error(`${step}: ${page.url()} does not show "${text}"`);
}

async function expectNoText(page, text, step) {
	const body = await page.locator('body').innerText();
	if (body.includes(text))
		throw new Error(`${step}: ${page.url()} still shows "${text}"`);
}

async function signIn(page, base, username, password) {
	await page.goto(`${base}/login`);
	await fill(page, 'username', username);
	await fill(page, 'password', password);
	await click(page, 'Sign in');
	await expectUrl(page, /\/workflows$/, 'sign in');
}

module.exports = { launch, click, fill, expectUrl, expectText, expectNoText, signIn };
