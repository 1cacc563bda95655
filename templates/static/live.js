// A run's live events (GET /runs/ID/events, docs/api.md "Live events"):
// calls on[type](data) for each event as it arrives. The browser reconnects
// by itself after a dropped connection, sending the last id it saw; the
// stream is closed here after the run's end (or a "reload"), so that it is
// not reopened. on.unavailable() is called when the stream cannot be had
// at all (refused, as past the bound on open streams).
const TYPES = ['run', 'step', 'log', 'progress', 'end', 'reload', 'closing'];

export function watchRun(url, on) {
	const source = new EventSource(url);
	for (const type of TYPES) {
		source.addEventListener(type, (e) => {
			if (type === 'end' || type === 'reload')
				source.close();
			if (on[type])
				on[type](JSON.parse(e.data));
		});
	}
	source.addEventListener('error', () => {
		if (source.readyState === EventSource.CLOSED && on.unavailable)
			on.unavailable();
	});
	return source;
}

// A duration in ms as the server writes it (decorate.c's format_duration_ms).
export function duration(ms) {
	ms = Math.max(0, Math.round(ms));
	if (ms < 1000)
		return `${ms} ms`;
	if (ms < 60000)
		return `${(ms / 1000).toFixed(1)} s`;
	if (ms < 3600000)
		return `${Math.floor(ms / 60000)} min ${Math.floor(ms / 1000) % 60} s`;
	return `${Math.floor(ms / 3600000)} h ${Math.floor(ms / 60000) % 60} min`;
}
