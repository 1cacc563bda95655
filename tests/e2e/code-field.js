// A code block's settings form in Chromium (signed in as the owner flow.js
// made): a workflow whose code.js block has a generator on line 2, which the
// save-time check refuses. With script, the code field has a gutter of line
// numbers that marks line 2 and follows the text as it grows and scrolls;
// without script it is a plain monospace text area with the line named
// under it. Screenshots go to $SCREENSHOTS as code-field-*.png.
'use strict';
const fs = require('fs');
const path = require('path');
const b = require('./browser');

const BASE = process.env.BASE_URL;
const SHOTS = process.env.SCREENSHOTS;
const PASSWORD = 'browser test password'; // flow.js's owner
const CODE = 'const values = input.values;\n  function* each() { yield 1; }\nreturn values;';
const DEFINITION = JSON.stringify({ format: 1, trigger: { type: 'manual' },
	blocks: [{ id: 'code', type: 'code.js', config: { code: CODE } }] });

async function main() {
	fs.mkdirSync(SHOTS, { recursive: true });
	const browser = await b.launch(), bare = await b.launch({ script: false });
	const { page } = browser;
	let settings = '';
	const step = async (name, p, fn) => {
		await fn();
		await p.screenshot({ path: path.join(SHOTS, `code-field-${name}.png`), fullPage: true });
		console.log(`ok - code field: ${name}`);
	};
	try {
		await step('numbered', page, async () => {
			await b.signIn(page, BASE, 'owner', PASSWORD);
			await b.click(page, 'New workflow');
			await b.fill(page, 'name', 'Code with a generator');
			await b.fill(page, 'definition', DEFINITION);
			await b.click(page, 'Create workflow');
			await b.expectUrl(page, /\/workflows\/[0-9]+$/, 'create');
			settings = `${page.url()}/edit/blocks/code`;
			await page.goto(settings);
			await page.locator('.code-field.numbered .code-lines').waitFor({ timeout: 5000 }).catch(() => {
				throw new Error(`${page.url()}: the code field has no line numbers (code-field.js did not run)`);
			});
			const lines = await page.locator('.code-lines span').allInnerTexts();
			if (lines.join(',') !== '1,2,3')
				throw new Error(`the gutter numbers ${lines.join(',')}, want 1,2,3`);
			const marked = await page.locator('.code-lines span.error').allInnerTexts();
			if (marked.join(',') !== '2')
				throw new Error(`the gutter marks ${marked.join(',') || 'nothing'}, want line 2`);
			const font = await page.locator('#config-code').evaluate((e) => getComputedStyle(e).fontFamily);
			if (!/mono/i.test(font))
				throw new Error(`the code is in ${font}, not a monospace font`);
			await b.expectText(page, 'Line 2, column 3, in the check at save', 'the error is named under the field');
		});
		await step('typing', page, async () => {
			const area = page.locator('#config-code');
			await area.click();
			await page.keyboard.press('Control+End');
			for (let i = 0; i < 30; i++)
				await page.keyboard.press('Enter');
			const count = await page.locator('.code-lines span').count();
			if (count !== 33)
				throw new Error(`after 30 new lines the gutter has ${count} numbers, want 33`);
			// a scroll event comes with the next frame
			const scrolled = () => {
				const text = document.getElementById('config-code').scrollTop;
				return text > 0 && text === document.querySelector('.code-lines').scrollTop;
			};
			await page.waitForFunction(scrolled, null, { timeout: 5000 }).catch(async () => {
				const [text, gutter] = await page.evaluate(() => [document.getElementById('config-code').scrollTop,
					document.querySelector('.code-lines').scrollTop]);
				throw new Error(`the text is scrolled by ${text}px and the gutter by ${gutter}px`);
			});
		});
		await step('without-script', bare.page, async () => {
			await b.signIn(bare.page, BASE, 'owner', PASSWORD);
			await bare.page.goto(settings);
			if (await bare.page.locator('.code-lines').count() !== 0)
				throw new Error('a gutter without script');
			const value = await bare.page.locator('textarea#config-code').inputValue();
			if (value !== CODE)
				throw new Error(`the text area holds ${JSON.stringify(value)}`);
			await b.expectText(bare.page, 'Line 2, column 3, in the check at save: SyntaxError: generators (function*) cannot run here',
				'the error line is named without script');
		});
		const problems = [browser, bare].flatMap((br) => br.problems);
		if (problems.length)
			throw new Error(`the pages reported problems:\n  ${problems.join('\n  ')}`);
	} catch (e) {
		await page.screenshot({ path: path.join(SHOTS, 'code-field-failed.png'), fullPage: true }).catch(() => {});
		console.log(`FAIL - code field: ${e.message}`);
		process.exitCode = 1;
	} finally {
		await bare.close();
		await browser.close();
	}
}

main().catch((e) => { console.error(e); process.exit(1); });
