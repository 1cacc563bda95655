// Signs in and saves the workflow list as $OUTPUT (docs/screenshot.png).
'use strict';
const b = require('./browser');

async function main() {
	const browser = await b.launch();
	try {
		await b.signIn(browser.page, process.env.BASE_URL, process.env.AXON_USER, process.env.AXON_PASSWORD);
		await browser.page.screenshot({ path: process.env.OUTPUT });
	} finally {
		await browser.close();
	}
}

main().catch((e) => { console.error(e.message); process.exit(1); });
