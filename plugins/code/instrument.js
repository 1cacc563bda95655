/* Appended to buble's bundle by make-transpiler.js, so that it sees acorn's
 * Parser and buble's transform: prepare(code, options) gives the ES5 that
 * code.js runs, with a call to the time budget, __axon_tick(LINE), at the
 * start of every loop body and function body. The calls go on the lines they
 * count, so the lines stay the user's (or the source map's). */
var AXON_TICK = '__axon_tick';

function axonInstrument(code) {
	var ast = Parser.parse(code, { ecmaVersion: 5, allowReturnOutsideFunction: true, locations: true });
	var edits = [];
	function walk(node) {
		if (node.type === 'Identifier' && node.name === AXON_TICK) {
			var e = new SyntaxError('the name ' + AXON_TICK + ' is the time limit\'s own: choose another');
			e.loc = node.loc.start;
			throw e;
		}
		var body = /^(For|ForIn|While|DoWhile)Statement$|^Function(Declaration|Expression)$/.test(node.type) ? node.body : null;
		if (body) {
			var tick = AXON_TICK + '(' + node.loc.start.line + ');';
			if (body.type === 'BlockStatement') {
				// after a function's directives ("use strict"), which must come first
				var at = body.start + 1;
				for (var d = 0; d < body.body.length && typeof body.body[d].directive === 'string'; d++)
					at = body.body[d].end;
				edits.push([at, tick]);
			}
			else {
				edits.push([body.start, '{' + tick]);
				edits.push([body.end, '}']);
			}
		}
		for (var key in node) {
			var v = node[key];
			if (key === 'loc' || !v || typeof v !== 'object')
				continue;
			if (Object.prototype.toString.call(v) === '[object Array]') {
				for (var i = 0; i < v.length; i++)
					if (v[i] && typeof v[i].type === 'string')
						walk(v[i]);
			} else if (typeof v.type === 'string')
				walk(v);
		}
	}
	walk(ast);
	edits.sort(function (a, b) { return b[0] - a[0]; });
	for (var i = 0; i < edits.length; i++)
		code = code.slice(0, edits[i][0]) + edits[i][1] + code.slice(edits[i][0]);
	return code;
}

exports.prepare = function (code, options) {
	var es5 = null;
	try {
		Parser.parse(code, { ecmaVersion: 5, allowReturnOutsideFunction: true });
	} catch (notES5) {
		es5 = transform(code, options);
	}
	return es5 ? { code: axonInstrument(es5.code), map: es5.map } : { code: axonInstrument(code) };
};
