/*
 * report.js - draws perfanalyze's HTML report from the report document
 * (the JSON in #perfshim-data, described in analyzer/html/README.md).
 * The page is a pure function of that document: no request, no state
 * but the view (flame graph metric, zoom, search).
 */
(function () {
	'use strict';

	var doc = JSON.parse(document.getElementById('perfshim-data').textContent);
	/* A diff's document: NEW's parts, BASE's collapsed stacks beside them. */
	var isDiff = !!doc.flame_base;

	function $(id) {
		return document.getElementById(id);
	}

	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls)
			e.className = cls;
		if (text !== undefined && text !== null)
			e.textContent = String(text);
		return e;
	}

	function row(table, cells, head) {
		var tr = el('tr');
		cells.forEach(function (c) {
			var td = el(head ? 'th' : 'td', c.cls, c.text);
			if (c.node)
				td.appendChild(c.node);
			tr.appendChild(td);
		});
		table.appendChild(tr);
		return tr;
	}

	function empty(parent, text) {
		parent.appendChild(el('p', 'empty', text));
	}

	/* Bytes as the analyzer prints them (exact), with a readable hint. */
	function human(n) {
		var u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0;
		while (n >= 1024 && i < u.length - 1) {
			n /= 1024;
			i++;
		}
		return (i ? n.toFixed(1) : String(n)) + ' ' + u[i];
	}

	function ns(n) {
		if (n >= 1e9)
			return (n / 1e9).toFixed(3) + ' s';
		if (n >= 1e6)
			return (n / 1e6).toFixed(3) + ' ms';
		if (n >= 1e3)
			return (n / 1e3).toFixed(3) + ' \u00b5s';
		return n + ' ns';
	}

	function frameText(f) {
		return f.function + '  ' + (f.file ? f.file + ':' + f.line : '') +
		       '  [' + f.module + ']';
	}

	function stackText(stack) {
		return stack.map(function (f, i) {
			return '#' + i + '  ' + frameText(f);
		}).join('\n');
	}

	/* ---- summary ---- */
	function drawSummary() {
		var s = doc.summary, t = $('summary-table');
		$('trace-name').textContent = doc.trace;
		if (!s) {
			empty($('summary'), 'The trace has no summary.');
			return;
		}
		[['program', s.program + ' (pid ' + s.pid + ')'],
		 ['command', s.command],
		 ['duration', (s.duration_ns / 1e9).toFixed(3) + ' s'],
		 ['ended', s.ended],
		 ['threads', s.threads],
		 ['allocation calls', s.alloc_calls + ' (' + s.alloc_bytes + ' bytes in all)'],
		 ['frees', s.free_calls],
		 ['peak heap', s.peak_bytes + ' bytes (' + human(s.peak_bytes) + ') at ' +
			       (s.peak_ns / 1e9).toFixed(3) + ' s'],
		 ['allocated at exit', s.live_bytes + ' bytes in ' + s.live_blocks + ' blocks'],
		 ['lost events', s.lost_events]].forEach(function (r) {
			row(t, [{ text: r[0] }, { text: r[1], cls: 'summary-' + r[0].replace(/ /g, '-') }]);
		});
	}

	/* ---- timeline: uPlot draws the chart; the hooks add markers and the verdict ---- */
	function drawTimeline() {
		var tl = doc.timeline, g = doc.growth, box = $('timeline-chart');
		var verdict = g ? g.verdict : 'none';
		$('verdict').textContent = verdict;
		$('verdict').classList.add(verdict);
		if (g)
			$('verdict-detail').textContent = g.reason ? '(' + (g.basis || '') + ': ' +
				(g.slope !== undefined ? g.slope + ' ' + g.unit + ', ' : '') + g.reason + ')' : '';
		if (!tl || !tl.points || !tl.points.length) {
			empty(box, 'No heap or RSS points in this trace: no timeline to draw.');
			return;
		}
		var pts = tl.points;
		var xs = pts.map(function (p) { return p.time_s; });
		var heap = pts.map(function (p) { return p.heap_bytes; });
		var rss = pts.map(function (p) { return p.rss_bytes; });
		var label = tl.marker || null;
		var warmEnd = null;
		pts.forEach(function (p) {
			if (p.warmup)
				warmEnd = p.time_s;
		});
		/* A label per marker would be a smear: at most a dozen, evenly spaced. */
		var marks = [];
		if (label) {
			var step = Math.max(1, Math.ceil(pts.length / 12));
			for (var i = 0; i < pts.length; i += step)
				marks.push({ x: pts[i].time_s, text: label + ' #' + pts[i].marker });
		}
		var legend = $('timeline-markers');
		legend.textContent = (label ? 'markers: \u2018' + label + '\u2019, ' + pts.length +
			' points' : 'points: ' + pts.length + ' time windows') +
			(warmEnd !== null ? '; warm-up excluded until ' + warmEnd.toFixed(3) + ' s' : '');
		marks.forEach(function (m) {
			legend.appendChild(el('span', 'marker-label', ' \u00b7 ' + m.text));
		});

		function overlay(u) {
			var c = u.ctx, dpr = devicePixelRatio || 1;
			c.save();
			c.font = (11 * dpr) + 'px sans-serif';
			c.fillStyle = '#555';
			c.strokeStyle = 'rgba(0,0,0,0.25)';
			c.setLineDash([4 * dpr, 4 * dpr]);
			var lastX = -1e9;
			marks.forEach(function (m) {
				var x = u.valToPos(m.x, 'x', true);
				/* Markers bunch up in time: a label only where it has room. */
				if (x - lastX < c.measureText(m.text).width + 8 * dpr)
					return;
				lastX = x;
				c.beginPath();
				c.moveTo(x, u.bbox.top);
				c.lineTo(x, u.bbox.top + u.bbox.height);
				c.stroke();
				c.fillText(m.text, x + 3 * dpr, u.bbox.top + 12 * dpr);
			});
			if (warmEnd !== null) {
				var wx = u.valToPos(warmEnd, 'x', true);
				c.fillStyle = 'rgba(0,0,0,0.06)';
				c.fillRect(u.bbox.left, u.bbox.top, wx - u.bbox.left, u.bbox.height);
				c.fillStyle = '#555';
				c.fillText('warm-up', u.bbox.left + 4 * dpr, u.bbox.top + u.bbox.height - 6 * dpr);
			}
			c.setLineDash([]);
			c.font = 'bold ' + (16 * dpr) + 'px sans-serif';
			c.fillStyle = verdict === 'GROWING' ? '#b00' : verdict === 'STABLE' ? '#070' : '#444';
			c.fillText('growth: ' + verdict, u.bbox.left + 10 * dpr, u.bbox.top + 32 * dpr);
			c.restore();
		}

		var width = Math.max(400, box.clientWidth || 1000);
		/* global uPlot */
		new uPlot({
			width: width,
			height: 300,
			scales: { x: { time: false } },
			axes: [
				{ label: 'seconds' },
				{ scale: 'heap', label: 'heap bytes', size: 70 },
				{ scale: 'rss', side: 1, label: 'RSS bytes', size: 80, grid: { show: false } }
			],
			series: [
				{ label: 'time (s)' },
				{ label: 'heap', scale: 'heap', stroke: '#c03', width: 1.5 },
				{ label: 'RSS', scale: 'rss', stroke: '#37a', width: 1 }
			],
			hooks: { draw: [overlay] }
		}, [xs, heap, rss], box);
	}

	/* ---- flame graph: flamegraph.pl's layout, drawn on a canvas ---- */
	var units = { cpu: 'samples', allocations: 'allocations', bytes: 'bytes', leaked: 'bytes' };
	var names = { cpu: 'CPU', allocations: 'allocations', bytes: 'bytes', leaked: 'leaked' };
	var ROW = 17, MIN_SHARE = 0.001;
	var flame = { metric: null, root: null, zoom: null, rects: [], search: null };

	/*
	 * Collapsed stacks ("a;b;c 42" per line) into a tree of {name, value,
	 * children} that grows on demand: a node keeps the stacks that pass
	 * through it (their index and where its frame ends) and makes its
	 * children only when they are drawn. A 100k-stack profile then costs
	 * what the visible frames cost, not a million nodes up front.
	 */
	function parseCollapsed(text, baseText) {
		var stacks = [], values = [], bases = [], at = new Map(), total = 0, btotal = 0;
		function add(t, isBase) {
			var lines = t ? t.split('\n') : [];
			for (var i = 0; i < lines.length; i++) {
				var line = lines[i], sp = line.lastIndexOf(' ');
				if (sp <= 0)
					continue;
				var v = Number(line.slice(sp + 1)), st = line.slice(0, sp);
				if (!(v > 0))
					continue;
				var k = at.get(st);
				if (k === undefined) {
					k = stacks.length;
					at.set(st, k);
					stacks.push(st);
					values.push(0);
					bases.push(0);
				}
				if (isBase) {
					bases[k] += v;
					btotal += v;
				} else {
					values[k] += v;
					total += v;
				}
			}
		}
		add(text, false);
		add(baseText, true);
		var all = new Array(stacks.length), off = new Array(stacks.length);
		for (var j = 0; j < stacks.length; j++) {
			all[j] = j;
			off[j] = 0;
		}
		return { name: 'all', value: total, base: btotal, parent: null, depth: 0, idx: all,
			 off: off, stacks: stacks, values: values, bases: bases };
	}

	/* Children in name order, as flamegraph.pl draws them; made once per node. */
	function children(n) {
		if (n.sorted)
			return n.sorted;
		var root = n, groups = new Map();
		while (root.parent)
			root = root.parent;
		var stacks = root.stacks, values = root.values, bases = root.bases;
		for (var i = 0; i < n.idx.length; i++) {
			var k = n.idx[i], s = stacks[k], o = n.off[i];
			if (o > s.length)
				continue; /* the stack ends here: n's own value */
			var e = s.indexOf(';', o);
			if (e < 0)
				e = s.length;
			var name = s.slice(o, e), g = groups.get(name);
			if (!g) {
				g = { name: name, value: 0, base: 0, parent: n, depth: n.depth + 1,
				      idx: [], off: [] };
				groups.set(name, g);
			}
			g.value += values[k];
			g.base += bases[k];
			g.idx.push(k);
			g.off.push(e + 1);
		}
		n.sorted = Array.from(groups.values()).sort(function (a, b) {
			return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
		});
		return n.sorted;
	}

	/*
	 * A diff's frame: red where NEW has more than BASE, blue where less,
	 * the deeper the larger the change relative to the frame.
	 */
	function diffColour(n) {
		var d = n.value - n.base, m = Math.max(n.value, n.base);
		var c = Math.round(245 - 185 * (m ? Math.abs(d) / m : 0));
		if (d > 0)
			return 'rgb(255,' + c + ',' + c + ')';
		if (d < 0)
			return 'rgb(' + c + ',' + c + ',255)';
		return 'rgb(245,245,245)';
	}

	function colour(n, hit) {
		var name = n.name;
		if (hit)
			return 'rgb(230,0,230)';
		if (isDiff)
			return diffColour(n);
		var h = 0;
		for (var i = 0; i < name.length; i++)
			h = (h * 31 + name.charCodeAt(i)) >>> 0;
		var r = 205 + (h % 50), g = (h >>> 8) % 230, b = (h >>> 16) % 55;
		return 'rgb(' + r + ',' + g + ',' + b + ')';
	}

	/*
	 * Lay out the zoomed node's subtree over the full width (its ancestors
	 * too), skipping frames narrower than MIN_SHARE of it: a 100k-stack
	 * profile draws only what can be seen.
	 */
	function layout(W) {
		var z = flame.zoom, rects = [], pruned = 0, minPx = Math.max(0.5, W * MIN_SHARE);
		for (var a = z.parent; a; a = a.parent)
			rects.push({ n: a, x: 0, w: W, d: a.depth });
		var scale = W / z.value, stack = [[z, 0]];
		while (stack.length) {
			var top = stack.pop(), n = top[0], x = top[1], w = n.value * scale;
			if (w < minPx) {
				pruned++;
				continue;
			}
			rects.push({ n: n, x: x, w: w, d: n.depth });
			var kids = children(n), cx = x;
			for (var i = 0; i < kids.length; i++) {
				stack.push([kids[i], cx]);
				cx += kids[i].value * scale;
			}
		}
		return { rects: rects, pruned: pruned };
	}

	function drawFlame() {
		var box = $('flame'), cv = $('flame-canvas'), t0 = performance.now();
		var dpr = window.devicePixelRatio || 1, W = Math.max(300, box.clientWidth || 1000);
		var info = $('flame-info');
		if (!flame.root.value) {
			cv.width = W * dpr;
			cv.height = 30 * dpr;
			cv.style.height = '30px';
			cv.getContext('2d').clearRect(0, 0, cv.width, cv.height);
			flame.rects = [];
			box.dataset.empty = '1';
			info.textContent = 'No ' + (flame.metric === 'cpu' ? 'CPU samples' : names[flame.metric] +
				' data') + ' in this trace: nothing to draw.';
			info.className = 'empty';
			return;
		}
		delete box.dataset.empty;
		info.className = '';
		var lay = layout(W), depth = 0;
		lay.rects.forEach(function (r) {
			depth = Math.max(depth, r.d);
		});
		var H = (depth + 1) * ROW + 4;
		cv.width = Math.round(W * dpr);
		cv.height = Math.round(H * dpr);
		cv.style.height = H + 'px';
		var c = cv.getContext('2d');
		c.setTransform(dpr, 0, 0, dpr, 0, 0);
		c.clearRect(0, 0, W, H);
		c.font = '11px monospace';
		c.textBaseline = 'middle';
		var re = flame.search, hits = 0;
		lay.rects.forEach(function (r) {
			var y = H - (r.d + 1) * ROW, hit = re && r.d && re.test(r.n.name);
			r.y = y;
			if (hit)
				hits++;
			c.fillStyle = r.n === flame.zoom || r.d < flame.zoom.depth ? (hit ? colour(r.n, 1) : '#ddd') : colour(r.n, hit);
			if (r.d === 0)
				c.fillStyle = '#eee';
			c.fillRect(r.x, y, Math.max(r.w - 0.5, 0.5), ROW - 1);
			if (r.w > 30) {
				c.fillStyle = '#000';
				var label = r.n.name, room = Math.floor((r.w - 6) / 6.7);
				if (label.length > room)
					label = label.slice(0, Math.max(room - 2, 0)) + '..';
				c.fillText(label, r.x + 3, y + ROW / 2);
			}
		});
		flame.rects = lay.rects;
		var ms = performance.now() - t0;
		/* What scripts and tests may read: the view, its cost, where a frame is. */
		window.perfshimFlame = { metric: flame.metric, drawMs: ms, frames: lay.rects.length,
					 pruned: lay.pruned, zoom: flame.zoom.name, width: W, diff: isDiff,
					 at: function (name) {
						 var r = flame.rects.filter(function (q) {
							 return q.n.name === name;
						 })[0];
						 return r ? { x: r.x, y: r.y, w: r.w, h: ROW, value: r.n.value,
							      base: r.n.base } : null;
					 } };
		box.dataset.zoom = flame.zoom.name;
		box.dataset.metric = flame.metric;
		$('flame-status').textContent = (flame.zoom.parent ? 'zoomed: ' + flame.zoom.name + '; ' : '') +
			lay.rects.length + ' frames drawn' + (lay.pruned ? ', ' + lay.pruned + ' too narrow to see' : '') +
			(re ? '; search matches ' + hits : '');
	}

	function describe(n) {
		var total = flame.root.value, u = units[flame.metric];
		if (isDiff) {
			var d = n.value - n.base;
			return n.name + ': ' + n.base + ' \u2192 ' + n.value + ' ' + u + ' (' + (d > 0 ? '+' : '') + d +
			       (n.base ? ', ' + (d > 0 ? '+' : '') + (100 * d / n.base).toFixed(1) + '%' : ', new') + ')';
		}
		return n.name + ': ' + n.value + ' ' + u + ' (' + (100 * n.value / total).toFixed(2) + '%)';
	}

	function hitTest(ev) {
		var cv = $('flame-canvas'), b = cv.getBoundingClientRect();
		var x = ev.clientX - b.left, y = ev.clientY - b.top;
		for (var i = flame.rects.length - 1; i >= 0; i--) {
			var r = flame.rects[i];
			if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + ROW)
				return r.n;
		}
		return null;
	}

	function setMetric(m) {
		var t0 = performance.now();
		flame.metric = m;
		flame.root = parseCollapsed(doc.flame ? doc.flame[m] : '',
					    isDiff ? doc.flame_base[m] : '');
		flame.zoom = flame.root;
		document.querySelectorAll('#metric-switch button').forEach(function (b) {
			var on = b.dataset.metric === m;
			b.classList.toggle('active', on);
			b.setAttribute('aria-pressed', on ? 'true' : 'false');
		});
		drawFlame();
		if (window.perfshimFlame)
			window.perfshimFlame.renderMs = performance.now() - t0;
	}

	function setupFlame() {
		var cv = $('flame-canvas'), tip = $('flame-tip');
		document.querySelectorAll('#metric-switch button').forEach(function (b) {
			b.addEventListener('click', function () {
				setMetric(b.dataset.metric);
			});
		});
		cv.addEventListener('click', function (ev) {
			var n = hitTest(ev);
			if (!n)
				return;
			flame.zoom = n;
			drawFlame();
			$('flame-info').textContent = describe(n);
		});
		cv.addEventListener('mousemove', function (ev) {
			var n = hitTest(ev);
			if (!n) {
				tip.style.display = 'none';
				return;
			}
			tip.textContent = describe(n);
			tip.style.display = 'block';
			tip.style.left = Math.min(ev.offsetX + 12, cv.clientWidth - tip.offsetWidth) + 'px';
			tip.style.top = (ev.offsetY + 14) + 'px';
		});
		cv.addEventListener('mouseleave', function () {
			tip.style.display = 'none';
		});
		$('flame-reset').addEventListener('click', function () {
			flame.zoom = flame.root;
			$('flame-info').textContent = '';
			drawFlame();
		});
		$('flame-search').addEventListener('input', function (ev) {
			var s = ev.target.value;
			try {
				flame.search = s ? new RegExp(s) : null;
			} catch (e) {
				flame.search = null;
			}
			drawFlame();
		});
		window.addEventListener('resize', drawFlame);
		/* The first metric with something in it: a CPU-less trace opens on bytes. */
		var first = ['cpu', 'bytes', 'allocations', 'leaked'].filter(function (m) {
			return doc.flame && doc.flame[m];
		})[0] || 'cpu';
		setMetric(first);
	}

	/* ---- leaks ---- */
	function drawLeaks() {
		var L = doc.leaks, t = $('leak-table'), sum = $('leak-summary');
		if (!L || !L.leaks || !L.leaks.length) {
			empty(sum, 'No leaks: every block was freed (or only suppressed and runtime-owned blocks remain).');
			return;
		}
		var parts = [];
		Object.keys(L.summary || {}).forEach(function (k) {
			var s = L.summary[k];
			if (s.blocks)
				parts.push(k + ' ' + s.bytes + ' bytes in ' + s.blocks + ' blocks');
		});
		sum.textContent = 'By kind: ' + parts.join(', ') + '.';
		row(t, [{ text: 'kind' }, { text: 'bytes', cls: 'num' }, { text: 'blocks', cls: 'num' },
			{ text: 'function' }, { text: 'allocation stack' }], true);
		L.leaks.forEach(function (l) {
			var tr = row(t, [
				{ text: l.kind, cls: 'kind kind-' + l.kind },
				{ text: l.bytes, cls: 'num leak-bytes' },
				{ text: l.blocks, cls: 'num' },
				{ text: l.stack.length ? l.stack[0].function : '?', cls: 'leak-function' },
				{ text: stackText(l.stack), cls: 'stack' }]);
			tr.className = 'leak';
			tr.dataset.kind = l.kind;
		});
	}

	/* ---- exact timings: the timing tree, by call path ---- */
	function drawTimings(H) {
		var t = $('hot-timings');
		if (!H || !H.timings || !H.timings.length) {
			empty(t.parentNode.insertBefore(el('div'), t),
			      'No zones or instrumented functions in this trace.');
			return;
		}
		row(t, [{ text: 'calls', cls: 'num' }, { text: 'inclusive', cls: 'num' },
			{ text: 'self', cls: 'num' }, { text: 'per call', cls: 'num' },
			{ text: 'path' }, { text: 'where' }], true);
		H.timings.forEach(function (z) {
			var tr = row(t, [{ text: z.calls, cls: 'num' }, { text: ns(z.total_ns), cls: 'num' },
				{ text: ns(z.self_ns), cls: 'num' },
				{ text: ns(z.calls ? Math.round(z.total_ns / z.calls) : 0), cls: 'num' },
				{ text: '\u00a0\u00a0'.repeat(z.path.length - 1) + (z.kind === 'zone' ? 'zone ' : '') +
					z.name, cls: 'timing-path' },
				{ text: z.file ? z.file + ':' + z.line : '' }]);
			tr.className = 'timing';
			tr.dataset.kind = z.kind;
		});
	}

	/*
	 * Latency percentiles per zone and instrumented function: the
	 * --hotspots --json "latency" array, where the analyzer has it (traces
	 * since format 1.2 carry the histograms). Without it the part stays
	 * hidden.
	 */
	function drawLatency(H) {
		var t = $('hot-latency');
		if (!H || !H.latency || !H.latency.length)
			return;
		$('latency-part').hidden = false;
		var q = ['p50', 'p90', 'p95', 'p99', 'max'];
		row(t, [{ text: 'calls', cls: 'num' }, { text: 'total', cls: 'num' }].concat(
			q.map(function (k) { return { text: k, cls: 'num' }; }),
			[{ text: 'name' }, { text: 'where' }]), true);
		H.latency.forEach(function (l) {
			var tr = row(t, [{ text: l.calls, cls: 'num' }, { text: ns(l.total_ns), cls: 'num' }].concat(
				q.map(function (k) {
					var v = l[k + '_ns'];
					return { text: v === null || v === undefined ? '-' : ns(v), cls: 'num lat-' + k };
				}),
				[{ text: (l.kind === 'zone' ? 'zone ' : '') + l.name, cls: 'latency-name' },
				 { text: l.file ? l.file + ':' + l.line : '' }]));
			tr.className = 'latency';
			tr.dataset.kind = l.kind;
		});
	}

	/* ---- hot spots ---- */
	function drawHot() {
		var H = doc.hotspots, t = $('hot-functions');
		if (!H || !H.functions || !H.functions.length) {
			empty(t.parentNode.insertBefore(el('div'), t), 'No CPU samples in this trace.');
		} else {
			row(t, [{ text: 'self%', cls: 'num' }, { text: 'total%', cls: 'num' },
				{ text: 'self', cls: 'num' }, { text: 'total', cls: 'num' },
				{ text: 'function' }, { text: 'where' }], true);
			H.functions.forEach(function (f) {
				row(t, [{ text: f.self_pct.toFixed(1) + '%', cls: 'num' },
					{ text: f.total_pct.toFixed(1) + '%', cls: 'num' },
					{ text: ns(f.self_ns), cls: 'num' }, { text: ns(f.total_ns), cls: 'num' },
					{ text: f.function },
					{ text: (f.file ? f.file + ':' + f.line : '') + '  [' + f.module + ']' }]);
			});
		}
		drawTimings(H);
		drawLatency(H);
		var S = doc.sites, st = $('hot-sites');
		if (!S || !S.sites || !S.sites.length) {
			empty(st.parentNode.insertBefore(el('div'), st), 'No allocations in this trace.');
			return;
		}
		row(st, [{ text: 'bytes', cls: 'num' }, { text: 'allocations', cls: 'num' },
			 { text: 'peak bytes', cls: 'num' }, { text: 'leaked bytes', cls: 'num' },
			 { text: 'allocation stack' }], true);
		S.sites.forEach(function (s) {
			row(st, [{ text: s.bytes, cls: 'num' }, { text: s.allocs, cls: 'num' },
				 { text: s.peak_bytes, cls: 'num' }, { text: s.leaked_bytes, cls: 'num' },
				 { text: stackText(s.stack), cls: 'stack' }]);
		});
	}

	/*
	 * A diff's table of changes, most severe first, with their verdicts:
	 * doc.changes is the diff's JSON report, {verdict, rows: [{verdict,
	 * scope, where, name, unit, base, new, change_pct, p_value}]} (the
	 * fields of diff.h's struct diff_row; null where not defined).
	 */
	function drawChanges() {
		var C = doc.changes, t = $('changes-table');
		if (!C)
			return;
		$('changes').hidden = false;
		var v = $('changes-verdict');
		v.appendChild(document.createTextNode('Verdict: '));
		var w = v.appendChild(el('span', 'verdict diff-' + C.verdict, C.verdict));
		w.id = 'diff-verdict';
		if (!C.rows || !C.rows.length) {
			empty(v, 'No metric changed.');
			return;
		}
		function num(x) {
			return x === null || x === undefined ? '-' : String(x);
		}
		row(t, [{ text: 'verdict' }, { text: 'what' }, { text: 'name' }, { text: 'base', cls: 'num' },
			{ text: 'new', cls: 'num' }, { text: 'change', cls: 'num' }, { text: 'p-value', cls: 'num' }], true);
		C.rows.forEach(function (r) {
			var tr = row(t, [{ text: r.verdict, cls: 'verdict diff-' + r.verdict },
				{ text: r.scope + (r.unit ? ' (' + r.unit + ')' : '') },
				{ text: r.name + (r.where ? '  ' + r.where : ''), cls: 'change-name' },
				{ text: num(r.base), cls: 'num' }, { text: num(r['new']), cls: 'num' },
				{ text: r.change_pct === null || r.change_pct === undefined ? '-' :
					(r.change_pct > 0 ? '+' : '') + r.change_pct.toFixed(1) + '%', cls: 'num' },
				{ text: r.p_value === null || r.p_value === undefined ? '-' :
					r.p_value.toPrecision(2), cls: 'num' }]);
			tr.className = 'change';
			tr.dataset.verdict = r.verdict;
		});
	}

	/*
	 * A diff (perfanalyze diff BASE NEW --html): the flame graph is NEW's,
	 * coloured by the change from BASE; the parts a diff's document leaves
	 * null are not shown.
	 */
	function setupDiff() {
		if (!isDiff)
			return;
		document.body.dataset.diff = '1';
		document.querySelector('header h1').textContent = 'perfshim diff report';
		$('trace-name').textContent = (doc.base || 'BASE') + ' \u2192 ' + doc.trace;
		document.querySelector('#flame-section h2').textContent = 'Differential flame graph';
		$('flame-legend').hidden = false;
		[['summary', doc.summary], ['timeline', doc.timeline], ['leaks', doc.leaks],
		 ['hotspots', doc.hotspots]].forEach(function (p) {
			if (!p[1])
				$(p[0]).hidden = true;
		});
	}

	drawSummary();
	drawTimeline();
	setupFlame();
	drawLeaks();
	drawHot();
	setupDiff();
	drawChanges();
	document.body.dataset.ready = '1';
})();
