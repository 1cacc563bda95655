// Two-factor sign-in and the sessions page in a real browser, by clicking (as
// the owner flow.js made): set it up from the account page (the QR code drawn
// as inline SVG, the secret written out), confirm with a code computed here,
// see the recovery codes once, sign out and in again with a code, see this
// session listed, and turn it off again. Screenshots go to $SCREENSHOTS as
// two-factor-*.png.
'use strict';
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const b = require('./browser');

const BASE = process.env.BASE_URL;
const SHOTS = process.env.SCREENSHOTS;
const PASSWORD = 'browser test password'; // flow.js's owner

// RFC 4648 base32, as the page writes the secret.
function base32(text) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = '';
	for (const c of text)
		bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
	const bytes = [];
	for (let i = 0; i + 8 <= bits.length; i += 8)
		bytes.push(parseInt(bits.slice(i, i + 8), 2));
	return Buffer.from(bytes);
}

// RFC 6238 with SHA-1 and six digits at a time step.
function totp(secret, step) {
	const counter = Buffer.alloc(8);
	counter.writeBigUInt64BE(BigInt(step));
	const mac = crypto.createHmac('sha1', base32(secret)).update(counter).digest();
	const off = mac[mac.length - 1] & 15;
	return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}

const nowStep = () => Math.floor(Date.now() / 30000);

async function main() {
	fs.mkdirSync(SHOTS, { recursive: true });
	const browser = await b.launch();
	const { page } = browser;
	let secret = '', enrolStep = 0;
	const step = async (name, fn) => {
		await fn();
		await page.screenshot({ path: path.join(SHOTS, `two-factor-${name}.png`), fullPage: true });
		console.log(`ok - two-factor: ${name}`);
	};
	try {
		await step('account', async () => {
			await b.signIn(page, BASE, 'owner', PASSWORD);
			await page.goto(`${BASE}/account`);
			await b.click(page, 'Set up two-factor sign-in');
			await b.expectUrl(page, /\/account\/two-factor$/, 'the two-factor page');
		});
		await step('enrol', async () => {
			await b.click(page, 'Set up two-factor sign-in');
			await b.expectUrl(page, /\/account\/two-factor$/, 'enrolment');
			const qr = page.locator('svg.qr path');
			if (await qr.count() !== 1 || !/^M4 4h7v1h-7z/.test(await qr.getAttribute('d')))
				throw new Error(`${page.url()}: no QR code drawn`);
			const box = await page.locator('svg.qr').boundingBox();
			if (!box || box.width < 100)
				throw new Error(`${page.url()}: the QR code is not shown large enough to scan`);
			secret = (await page.locator('code').first().innerText()).trim();
			if (!/^[A-Z2-7]{32}$/.test(secret))
				throw new Error(`${page.url()}: the secret "${secret}" is not written out in base32`);
		});
		// Scanned as an authenticator app would, with zbarimg (Debian's zbar-tools).
		const shot = path.join(SHOTS, 'two-factor-enrol.png');
		let scanned = '';
		try {
			scanned = execFileSync('zbarimg', ['-q', '--raw', shot], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
		} catch (e) {
			if (e.code !== 'ENOENT')
				throw new Error(`zbarimg found no QR code in ${shot}`);
			console.log('# zbarimg is not installed (apt-get install zbar-tools): the QR code was not scanned');
		}
		if (scanned && scanned !== `otpauth://totp/Axon:owner?secret=${secret}&issuer=Axon&algorithm=SHA1&digits=6&period=30`)
			throw new Error(`the QR code says "${scanned}"`);
		if (scanned)
			console.log('ok - two-factor: the QR code scans as the otpauth URI of the secret');
		await step('recovery-codes', async () => {
			enrolStep = nowStep();
			await b.fill(page, 'code', totp(secret, enrolStep));
			await b.click(page, 'Turn two-factor sign-in on');
			await b.expectText(page, 'They are shown only now.', 'recovery codes');
			if (await page.locator('ul.recovery-codes li').count() !== 10)
				throw new Error(`${page.url()}: not ten recovery codes`);
		});
		await step('code-asked', async () => {
			await b.click(page, 'Sign out');
			await b.expectUrl(page, /\/login/, 'sign out');
			await page.goto(`${BASE}/login`);
			await b.fill(page, 'username', 'owner');
			await b.fill(page, 'password', PASSWORD);
			await b.click(page, 'Sign in');
			await b.expectUrl(page, /\/login\/code/, 'the code is asked after the password');
		});
		await step('signed-in', async () => {
			// The enrolment used its step: the next one's code (a step ahead is allowed).
			await b.fill(page, 'code', totp(secret, Math.max(nowStep(), enrolStep) + 1));
			await b.click(page, 'Sign in');
			await b.expectUrl(page, /\/workflows$/, 'signed in with the code');
		});
		await step('sessions', async () => {
			await page.goto(`${BASE}/account/sessions`);
			await b.expectText(page, 'this one', 'the sessions page marks this session');
			await b.expectText(page, 'Sign out everywhere else', 'the sessions page');
		});
		await step('off', async () => {
			await page.goto(`${BASE}/account/two-factor`);
			await b.fill(page, 'password', PASSWORD);
			await b.click(page, 'Turn two-factor sign-in off');
			await b.expectText(page, 'Set up two-factor sign-in', 'turned off');
			await b.expectNoText(page, secret, 'the secret is not shown again');
		});
		if (browser.problems.length)
			throw new Error(`the pages reported problems:\n  ${browser.problems.join('\n  ')}`);
	} catch (e) {
		await page.screenshot({ path: path.join(SHOTS, 'two-factor-failed.png'), fullPage: true }).catch(() => {});
		console.log(`FAIL - two-factor: ${e.message}`);
		console.log(`(screenshot of the failure: ${path.join(SHOTS, 'two-factor-failed.png')})`);
		process.exitCode = 1;
	} finally {
		await browser.close();
	}
}

main().catch((e) => { console.error(e); process.exit(1); });
