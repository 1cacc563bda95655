// The editor's test run (editor_test.c draws its states as the page is
// made): follows the run's live events, so that each block on the canvas
// and in the table below it shows its state and duration as it changes;
// a click on a block shows its inputs, outputs and logs from that run.
import { watchRun, duration } from '../live.js';

const SVG = 'http://www.w3.org/2000/svg';

function stateText(d, fraction) {
	if (fraction !== undefined)
		return `${d.status || 'running'} · ${Math.round(fraction * 100)} %`;
	return d.duration_ms === undefined ? d.status : `${d.status} · ${duration(d.duration_ms)}`;
}

// The block's state on its node: data-state colours it, a line above says it.
function drawState(block, status, text) {
	const node = document.querySelector(`#graph .node[data-block="${CSS.escape(block)}"]`);
	if (!node)
		return;
	if (status)
		node.dataset.state = status;
	let line = node.querySelector('text.state');
	if (!line) {
		line = document.createElementNS(SVG, 'text');
		line.setAttribute('class', 'state');
		line.setAttribute('x', '4');
		line.setAttribute('y', '-7');
		node.append(line);
	}
	line.textContent = text;
}

// The block's row in the table of the run's steps, made when it starts.
function row(section, block) {
	const body = section.querySelector('table.test-steps tbody');
	let tr = [...body.querySelectorAll('tr')].find((r) => r.dataset.block === block);
	if (tr)
		return tr;
	tr = document.createElement('tr');
	tr.dataset.block = block;
	const code = document.createElement('code');
	code.textContent = block;
	const link = document.createElement('a');
	link.href = `${section.dataset.runUrl}#step-${block}`;
	link.textContent = 'inputs, outputs and logs';
	const cells = [code, document.createElement('span'), null, link].map((c, i) => {
		const td = document.createElement('td');
		if (i === 2)
			td.className = 'duration';
		if (c)
			td.append(c);
		return td;
	});
	tr.append(...cells);
	body.append(tr);
	return tr;
}

function setStatus(span, status) {
	span.textContent = status;
	span.className = `status status-${status}`;
}

function follow(section) {
	const note = section.querySelector('.live-note');
	if (note)
		note.textContent = '(its blocks show how it goes as it goes)';
	const runStatus = document.getElementById('test-run-status');
	watchRun(section.dataset.live, {
		run: (d) => setStatus(runStatus, d.status),
		step: (d) => {
			drawState(d.block, d.status, stateText(d));
			const tr = row(section, d.block);
			setStatus(tr.querySelector('td:nth-child(2) span') || tr.children[1], d.status);
			if (d.duration_ms !== undefined)
				tr.querySelector('.duration').textContent = duration(d.duration_ms);
		},
		progress: (d) => drawState(d.block, 'running', stateText({}, d.fraction)),
		end: (d) => {
			setStatus(runStatus, d.status);
			if (note)
				note.textContent = '';
		},
		reload: () => window.location.reload(),
	});
}

// A click on a block shows, below the canvas, what it did in the test run:
// its inputs, outputs and logs as the store has them (read when asked, so
// that a step that ended since the page was drawn shows its outputs too).
async function showStep(section, block) {
	let panel = document.getElementById('test-step');
	if (!panel) {
		panel = document.createElement('div');
		panel.id = 'test-step';
		panel.className = 'test-step';
		panel.setAttribute('aria-live', 'polite');
		section.querySelector('.test-result').append(panel);
	}
	const answer = await fetch(section.dataset.runUrl, { headers: { Accept: 'application/json' } });
	const run = answer.ok ? (await answer.json()).run : null;
	const step = run && run.steps.find((s) => s.block === block);
	const part = (tag, text, attrs = {}) => {
		const e = document.createElement(tag);
		for (const [k, v] of Object.entries(attrs))
			e.setAttribute(k, v);
		e.textContent = text;
		return e;
	};
	panel.replaceChildren(part('h3', `${block} in run ${run ? run.id : ''}`));
	if (!step) {
		panel.append(part('p', 'This block has not started in this run.', { class: 'muted' }));
		return;
	}
	panel.append(part('p', `${step.status}${step.duration ? ` · ${step.duration}` : ''}`));
	if (step.error || step.skipped_because)
		panel.append(part('p', step.error || step.skipped_because, { class: 'alert' }));
	panel.append(part('h4', 'Inputs'), part('pre', step.inputs_text || '{}', { class: 'code' }));
	if (step.has_outputs)
		panel.append(part('h4', 'Outputs'), part('pre', step.outputs_text, { class: 'code' }));
	if (step.logs && step.logs.length) {
		panel.append(part('h4', 'Logs'));
		const list = document.createElement('ul');
		list.className = 'step-logs';
		for (const l of step.logs)
			list.append(part('li', `${l.ms} ms ${l.level_text}: ${l.text}`));
		panel.append(list);
	}
	panel.append(part('a', 'The step on the run page', { href: `${section.dataset.runUrl}#step-${block}` }));
}

const section = document.getElementById('test-run');
if (section && section.querySelector('.test-result')) {
	section.dataset.runUrl = section.querySelector('.test-result a').getAttribute('href');
	// The canvas selects the block clicked (canvas.js); one block selected shows its step.
	let shown = '';
	new MutationObserver(() => {
		const selected = document.querySelectorAll('#graph a.node.selected[data-kind="block"]');
		const block = selected.length === 1 ? selected[0].dataset.block : '';
		if (block && block !== shown)
			showStep(section, block);
		shown = block;
	}).observe(document.getElementById('canvas'), { subtree: true, attributes: true, attributeFilter: ['class'] });
}
if (section && section.dataset.live)
	follow(section);
