// The Knowledge pages in a browser: a base made with the form (embedded by
// the scripted stand-in), a text added on its page, its chunk shown.
// Screenshot: knowledge.png.
'use strict';
const path = require('path');
const fs = require('fs');
const b = require('./browser');

const BASE = process.env.BASE_URL;
const SHOTS = process.env.SCREENSHOTS;
const LLM_URL = process.env.LLM_URL;
const PASSWORD = 'browser test password'; // flow.js's owner

async function main() {
	if (!LLM_URL) {
		console.log('ok - knowledge: skipped (no language model stand-in: python3 is missing)');
		return;
	}
	fs.mkdirSync(SHOTS, { recursive: true });
	const browser = await b.launch();
	const { page } = browser;
	try {
		await b.signIn(page, BASE, 'owner', PASSWORD);
		await page.goto(`${BASE}/knowledge`);
		await b.fill(page, 'kb-name', 'biology');
		await b.fill(page, 'kb-base-url', LLM_URL);
		await b.fill(page, 'kb-model', 'embedder');
		await b.click(page, 'Create knowledge base');
		await b.expectUrl(page, /\/knowledge\/[0-9]+$/, 'create a base');
		await b.fill(page, 'doc-text', 'Mitochondria make energy for the cell. Ribosomes make proteins.');
		await b.fill(page, 'doc-name', 'Organelles');
		await b.click(page, 'Add');
		await b.expectUrl(page, /\/knowledge\/[0-9]+$/, 'add a text');
		await b.expectText(page, 'Organelles', 'the document is listed');
		await page.getByText('Chunks', { exact: true }).first().click();
		await b.expectText(page, 'Mitochondria make energy for the cell.', 'its chunk is shown');
		await page.screenshot({ path: path.join(SHOTS, 'knowledge.png'), fullPage: true });
		if (browser.problems.length)
			throw new Error(browser.problems.join('; '));
		console.log('ok - knowledge: a base made, a text added, its chunk shown');
	} finally {
		await browser.close();
	}
}

main().catch((e) => {
	console.log(`not ok - knowledge: ${e.message}`);
	process.exitCode = 1;
});
