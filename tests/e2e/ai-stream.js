// A language model's answer streams onto the run page as it is written: a
// workflow of one ai.chat against the scripted stand-in's "trickle" model (a
// word every 0.4 s) is run from its page; while the step is still running,
// the page shows part of the answer and then more of it, without being
// loaded again; at the end the step is ok with the whole answer in its
// output. The page's own times of each state it saw are printed and
// checked. Screenshot: ai-stream.png (part of the answer, the step running).
'use strict';
const path = require('path');
const fs = require('fs');
const b = require('./browser');

const BASE = process.env.BASE_URL;
const SHOTS = process.env.SCREENSHOTS;
const LLM_URL = process.env.LLM_URL;
const PASSWORD = 'browser test password'; // flow.js's owner
const ANSWER = 'The cell cycle has four phases: G1, S, G2 and M.';

async function main() {
	if (!LLM_URL) {
		console.log('ok - ai-stream: skipped (no language model stand-in: python3 is missing)');
		return;
	}
	fs.mkdirSync(SHOTS, { recursive: true });
	const browser = await b.launch();
	const { page } = browser;
	try {
		await b.signIn(page, BASE, 'owner', PASSWORD);
		await page.goto(`${BASE}/workflows/new`);
		await b.fill(page, 'name', 'Streamed answer');
		await b.fill(page, 'definition', JSON.stringify({
			format: 1,
			trigger: { type: 'manual' },
			blocks: [{ id: 'ask', type: 'ai.chat', config: { base_url: LLM_URL, model: 'trickle', prompt: 'The cell cycle?' } }],
		}));
		await b.click(page, 'Create workflow');
		await b.expectUrl(page, /\/workflows\/[0-9]+$/, 'create');
		// Every text the page shows for the step, with the page's time, as it
		// changes, until the run's end loads the page again.
		const seen = [];
		await page.exposeFunction('axonSaw', (s) => { seen.push(s); });
		await b.click(page, 'Run');
		await b.expectUrl(page, /\/runs\/[0-9]+$/, 'run');
		const reloaded = page.waitForEvent('load', { timeout: 30000 });
		await page.evaluate(() => {
			window.axonMark = 'drawn once';
			const t0 = performance.now();
			let last = '';
			setInterval(() => {
				const a = document.getElementById('step-ask');
				const status = a ? a.querySelector('.step-head .status').textContent : '';
				const text = a && a.querySelector('.stream-text') ? a.querySelector('.stream-text').textContent : '';
				if (status + '|' + text === last)
					return;
				last = status + '|' + text;
				window.axonSaw({ ms: Math.round(performance.now() - t0), status, text, mark: window.axonMark });
			}, 50);
		});
		await page.waitForFunction(() => /^The cell cycle /.test((document.querySelector('.stream-text') || {}).textContent || ''),
			null, { timeout: 15000, polling: 50 });
		await page.screenshot({ path: path.join(SHOTS, 'ai-stream.png'), fullPage: true });
		await reloaded;
		for (const s of seen)
			console.log(`# ${s.ms} ms: ${s.status} ${JSON.stringify(s.text)}`);
		const partial = seen.filter((s) => s.status === 'running' && s.text && s.text.trim() !== ANSWER && s.mark === 'drawn once');
		if (partial.length < 2)
			throw new Error(`the run page showed ${partial.length} partial answer(s) while the step ran, not 2 or more`);
		if (!ANSWER.startsWith(partial[0].text) || !(partial[1].text.length > partial[0].text.length))
			throw new Error(`the partial answers are not the answer growing: ${JSON.stringify(partial.map((s) => s.text))}`);
		console.log(`ok - ai-stream: "${partial[0].text.trim()}" at ${partial[0].ms} ms, then more, while the step was running`);
		// The run's end loaded the page again: the step ok, the whole answer in its output.
		const end = await page.evaluate(() => {
			const a = document.getElementById('step-ask');
			return { status: a.querySelector('.step-head .status').textContent, body: a.textContent };
		});
		if (end.status !== 'ok' || !end.body.includes(ANSWER))
			throw new Error(`after the run: step ${end.status}, whole answer shown: ${end.body.includes(ANSWER)}`);
		console.log('ok - ai-stream: the step ended ok with the whole answer');
	} finally {
		await browser.close();
	}
}

main().catch((e) => {
	console.log(`not ok - ai-stream: ${e.message}`);
	process.exitCode = 1;
});
