// The page of a run still going (runs/show.html): follows the run's live
// events, so that each step's state, duration, progress bar and log lines
// appear as they happen; at the run's end the page is drawn again from the
// store, with every output. Without this script the page reloads itself.
//
// The stream starts with every event the engine still holds of the run,
// some of which the page shows already: a step drawn ended keeps what the
// store said of it, and a step drawn running keeps the log lines of its
// earlier attempts (the store has those; the events bring the current one's).
import { watchRun, duration } from './live.js';

function el(tag, attrs = {}, text = '') {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs))
		e.setAttribute(k, v);
	if (text)
		e.textContent = text;
	return e;
}

function setStatus(span, status) {
	if (!span)
		return;
	span.textContent = status;
	span.className = `status status-${status}`;
}

// The step's article, made when the page has none yet (it started after
// the page was drawn); its block leaves the "Not started yet" line.
function article(d) {
	let a = document.getElementById(`step-${d.block}`);
	if (a)
		return a;
	a = el('article', { class: 'step', id: `step-${d.block}` });
	const head = el('div', { class: 'step-head' });
	const h3 = el('h3');
	h3.append(el('code', {}, d.block), ' ', el('small', {}, d.type || ''));
	head.append(h3, el('span', { class: 'status' }));
	const facts = el('dl', { class: 'facts' });
	facts.append(el('dt', {}, 'Duration'));
	const dd = el('dd');
	dd.append(el('span', { class: 'duration' }, 'running'));
	facts.append(dd);
	a.append(head, facts);
	document.getElementById('steps').append(a);
	const waiting = document.querySelector(`[data-block="${CSS.escape(d.block)}"]`);
	if (waiting)
		waiting.remove();
	const empty = document.querySelector('p.empty');
	if (empty)
		empty.remove();
	return a;
}

function showStep(d) {
	const a = article(d);
	a.dataset.status = d.status;
	const type = a.querySelector('h3 small');
	if (type && !type.textContent)
		type.textContent = d.type; /* made by a log line, which does not say */
	setStatus(a.querySelector('.step-head .status'), d.status);
	const dur = a.querySelector('.duration');
	if (dur && d.duration_ms !== undefined)
		dur.textContent = duration(d.duration_ms);
	let alert = a.querySelector('p.alert');
	if (d.error && d.status !== 'running') {
		if (!alert) {
			alert = el('p', { class: 'alert' });
			a.querySelector('.step-head').after(alert);
		}
		alert.textContent = d.error;
	}
}

function logTable(a) {
	let body = a.querySelector('table.logs tbody');
	if (body)
		return body;
	const details = el('details', { open: 'open' });
	details.append(el('summary', {}, 'Logs'));
	const table = el('table', { class: 'list logs' });
	const head = el('tr');
	for (const h of ['ms', 'Level', 'Message'])
		head.append(el('th', {}, h));
	const thead = el('thead');
	thead.append(head);
	body = el('tbody');
	table.append(thead, body);
	details.append(table);
	a.append(details);
	return body;
}

function addLog(d) {
	const row = el('tr', d.level === 'error' || d.level === 'warn' ? { class: d.level } : {});
	row.append(el('td', {}, String(d.ms)), el('td', {}, d.level));
	const msg = el('td');
	msg.append(el('span', {}, d.message || ''));
	const where = [d.attempt > 1 ? `attempt ${d.attempt}` : '', d.item !== undefined ? `item ${d.item}` : '']
		.filter((x) => x).join(', ');
	if (where)
		msg.append(' ', el('small', {}, where));
	row.append(msg);
	logTable(article(d)).append(row);
}

function showProgress(d) {
	const a = article(d);
	let bar = a.querySelector('.progress');
	if (!bar) {
		bar = el('div', { class: 'progress' });
		bar.append(el('progress', { max: '1' }), ' ', el('span', { class: 'progress-message' }));
		a.querySelector('.step-head').after(bar);
	}
	const p = bar.querySelector('progress');
	p.value = d.fraction;
	p.textContent = `${Math.round(d.fraction * 100)} %`;
	if (!d.stream) {
		bar.querySelector('.progress-message').textContent = d.message || '';
		return;
	}
	// A language model's answer as it is written: its pieces added up.
	let text = a.querySelector('.stream-text');
	if (!text) {
		text = el('pre', { class: 'code stream-text' });
		bar.after(text);
	}
	text.textContent += d.message || '';
}

const ENDED = ['ok', 'failed', 'skipped'];

// What the page showed of each step as it was drawn: block -> {ended, attempts}.
function drawn() {
	const shown = new Map();
	for (const a of document.querySelectorAll('article.step[data-status]')) {
		shown.set(a.id.replace(/^step-/, ''),
			{ ended: ENDED.includes(a.dataset.status), attempts: Number(a.dataset.attempts) || 0 });
	}
	return shown;
}

function follow(section) {
	const shown = drawn();
	const news = (d) => {
		const s = shown.get(d.block);
		return !s || (!s.ended && (d.attempt === undefined || d.attempt >= s.attempts));
	};
	const note = section.querySelector('.live-note');
	if (note)
		note.textContent = 'its steps appear here as they go';
	const runStatus = section.querySelector('h1 .status');
	const again = () => window.location.reload();
	watchRun(section.dataset.live, {
		run: (d) => setStatus(runStatus, d.status),
		step: (d) => news(d) && showStep(d),
		log: (d) => news(d) && addLog(d),
		progress: (d) => news(d) && showProgress(d),
		end: (d) => {
			setStatus(runStatus, d.status);
			again();
		},
		reload: again,
		// No stream (refused, or the server is gone): reload as the page does without script.
		unavailable: () => setTimeout(again, 2000),
	});
}

const root = document.querySelector('section[data-live]');
if (root)
	follow(root);
