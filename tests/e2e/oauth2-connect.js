// Connect of an OAuth 2.0 account, by clicking: sign in to Axon, press
// Connect on the credential's page, sign in at the authorization server
// (oidc-provider's own login and consent pages), and come back to the
// credential's page, connected. $CREDENTIAL_URL is the credential's page,
// $PASSWORD the owner's.
'use strict';
const b = require('./browser');

const BASE = process.env.BASE_URL;

(async () => {
	const { page, problems, close } = await b.launch();
	let failed = false;
	try {
		await b.signIn(page, BASE, 'owner', process.env.PASSWORD);
		await page.goto(`${BASE}${process.env.CREDENTIAL_URL}`);
		await b.click(page, 'Connect');
		// The provider's login page: any login and password do for its dev interactions.
		await page.locator('input[name="login"]').fill('ada');
		await page.locator('input[name="password"]').fill('anything');
		await Promise.all([page.waitForLoadState('load'), page.locator('button[type="submit"]').first().click()]);
		// Its consent page.
		await Promise.all([page.waitForLoadState('load'), page.locator('button[type="submit"]').first().click()]);
		await b.expectUrl(page, new RegExp(`${process.env.CREDENTIAL_URL}$`), 'back on the credential page');
		await b.expectText(page, 'Connected.', 'the credential says it is connected');
		console.log('ok - connected through the provider\'s login and consent pages');
	} catch (e) {
		failed = true;
		console.log(`FAIL - ${e.message}`);
		console.log(`    at ${page.url()}: ${(await page.content()).slice(0, 600)}`);
	}
	for (const p of problems)
		console.log(`    ${p}`);
	await close();
	process.exit(failed ? 1 : 0);
})();
