// The pages in a real browser, by clicking: first-run setup, sign out and in,
// create, edit, look at the versions and delete a workflow. Each step checks
// what the page shows and leaves a screenshot in $SCREENSHOTS.
'use strict';
const fs = require('fs');
const path = require('path');
const b = require('./browser');

const BASE = process.env.BASE_URL;
const SHOTS = process.env.SCREENSHOTS;
const PASSWORD = 'browser test password';

async function main() {
	fs.mkdirSync(SHOTS, { recursive: true });
	const browser = await b.launch();
	const { page } = browser;
	let n = 0;
	const step = async (name, fn) => {
		await fn();
		n++;
		await page.screenshot({ path: path.join(SHOTS, `${String(n).padStart(2, '0')}-${name}.png`), fullPage: true });
		console.log(`ok - ${name}`);
	};
	try {
		await step('setup', async () => {
			await page.goto(`${BASE}/setup`);
			await b.fill(page, 'username', 'owner');
			await b.fill(page, 'password', PASSWORD);
			await b.fill(page, 'password_confirm', PASSWORD);
			await b.click(page, 'Create owner account');
			await b.expectUrl(page, /\/workflows$/, 'setup');
			await b.expectText(page, 'New workflow', 'setup');
		});
		await step('sign-out', async () => {
			await b.click(page, 'Sign out');
			await b.expectUrl(page, /\/login/, 'sign out');
		});
		await step('sign-in', async () => {
			await b.signIn(page, BASE, 'owner', PASSWORD);
			await b.expectText(page, 'Sign out', 'sign in');
		});
		await step('new-workflow', async () => {
			await b.click(page, 'New workflow');
			await b.expectUrl(page, /\/workflows\/new$/, 'new workflow');
			await b.fill(page, 'name', 'Invoice reminder');
			await b.fill(page, 'description', 'Reminds customers of unpaid invoices');
			await b.fill(page, 'tags', 'billing,email');
			await b.click(page, 'Create workflow');
			await b.expectUrl(page, /\/workflows\/[0-9]+$/, 'create');
			await b.expectText(page, 'Invoice reminder', 'create');
			await b.expectText(page, 'Reminds customers of unpaid invoices', 'create');
		});
		await step('edit-workflow', async () => {
			await b.click(page, 'Edit as JSON');
			await b.expectUrl(page, /\/workflows\/[0-9]+\/json$/, 'edit');
			await b.fill(page, 'name', 'Invoice reminder (weekly)');
			await b.click(page, 'Save');
			await b.expectUrl(page, /\/workflows\/[0-9]+$/, 'save');
			await b.expectText(page, 'Invoice reminder (weekly)', 'save');
		});
		await step('versions', async () => {
			await b.click(page, 'Versions');
			await b.expectUrl(page, /\/workflows\/[0-9]+\/versions$/, 'versions');
			await b.expectText(page, 'Invoice reminder (weekly)', 'versions');
		});
		await step('list', async () => {
			await page.goto(`${BASE}/workflows`);
			await b.expectText(page, 'Invoice reminder (weekly)', 'list');
			await page.getByRole('link', { name: 'Invoice reminder (weekly)' }).first().click();
			await b.expectUrl(page, /\/workflows\/[0-9]+$/, 'open from the list');
		});
		await step('delete-confirm', async () => {
			await b.click(page, 'Delete');
			await b.expectUrl(page, /\/workflows\/[0-9]+\/delete$/, 'delete');
			await b.expectText(page, 'Invoice reminder (weekly)', 'delete confirmation');
		});
		await step('deleted', async () => {
			await b.click(page, 'Delete workflow');
			await b.expectUrl(page, /\/workflows$/, 'deleted');
			await b.expectNoText(page, 'Invoice reminder', 'deleted');
		});
		if (browser.problems.length)
			throw new Error(`the pages reported problems:\n  ${browser.problems.join('\n  ')}`);
	} catch (e) {
		await page.screenshot({ path: path.join(SHOTS, 'failed.png'), fullPage: true }).catch(() => {});
		console.log(`FAIL - ${e.message}`);
		console.log(`(screenshot of the failure: ${path.join(SHOTS, 'failed.png')})`);
		process.exitCode = 1;
	} finally {
		await browser.close();
	}
}

main().catch((e) => { console.error(e); process.exit(1); });
