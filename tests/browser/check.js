#!/usr/bin/env node
/*
 * check.js - open perfanalyze's HTML report in the system Chromium and
 * check what a person would see. TAP output; exit 1 on a failed check.
 *
 *   node check.js report REPORT.html SHOT.png FUNCTION BYTES VERDICT
 *	the demo's report: no console or page error, no request but the
 *	file itself, FUNCTION's leak holds BYTES, the verdict word is
 *	VERDICT, marker labels on the timeline, the metric switch, a click
 *	on a frame zooms it, search, and a screenshot that is not blank;
 *   node check.js empty REPORT.html
 *	a trace with nothing to show: still a page, with empty states;
 *   node check.js zones REPORT.html
 *	tests/programs/zones' report: the exact-timing table holds its
 *	zones by call path with their calls (outer 1, inner 3 inside it,
 *	scoped 4), and the latency table, where the analyzer writes one,
 *	a row per zone with its percentiles;
 *   node check.js diff REPORT.html
 *	REPORT's page made a diff's (flame_base beside flame, a table of
 *	changes, the other parts null): the changes with their verdicts,
 *	frames that grew red, shrank blue, the tooltip says base -> new, a
 *	click zooms, null parts are not shown;
 *   node check.js big REPORT.html STACKS
 *	REPORT's document with STACKS generated distinct stacks per metric:
 *	the flame graph draws in under 2 s.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

let n = 0, failed = 0;
function ok(cond, title, detail) {
	n++;
	if (!cond)
		failed++;
	console.log((cond ? 'ok ' : 'not ok ') + n + ' - ' + title +
		    (!cond && detail !== undefined ? '\n# ' + JSON.stringify(detail) : ''));
}

async function launch() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfshim-chromium-'));
	const ctx = await chromium.launchPersistentContext(dir, {
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		       '--disable-background-networking', '--disable-component-update',
		       '--disable-sync', '--disable-dev-shm-usage'],
		viewport: { width: 1280, height: 900 },
	});
	return { ctx, dir };
}

/* Open file; record console and page errors and every request but file itself. */
async function open(ctx, file) {
	const page = await ctx.newPage();
	const url = 'file://' + path.resolve(file);
	const errors = [], requests = [];
	page.on('console', (m) => {
		if (m.type() === 'error' || m.type() === 'warning')
			errors.push(m.type() + ': ' + m.text());
	});
	page.on('pageerror', (e) => errors.push('pageerror: ' + e.message));
	await page.route('**/*', (route) => {
		const u = route.request().url();
		if (u === url)
			return route.continue();
		requests.push(u);
		return route.abort();
	});
	await page.goto(url);
	await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
	return { page, errors, requests };
}

/* Decode png in a blank page and count its colours and non-white pixels. */
async function pngStats(ctx, png) {
	const page = await ctx.newPage();
	const stats = await page.evaluate(async (b64) => {
		const img = new Image();
		img.src = 'data:image/png;base64,' + b64;
		await img.decode();
		const c = document.createElement('canvas');
		c.width = img.width;
		c.height = img.height;
		const g = c.getContext('2d');
		g.drawImage(img, 0, 0);
		const d = g.getImageData(0, 0, c.width, c.height).data;
		const seen = new Set();
		let ink = 0;
		for (let i = 0; i < d.length; i += 4) {
			seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
			if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)
				ink++;
		}
		return { colours: seen.size, ink: ink / (d.length / 4), w: c.width, h: c.height };
	}, png.toString('base64'));
	await page.close();
	return stats;
}

async function clickFrame(page, name) {
	const r = await page.evaluate((nm) => window.perfshimFlame.at(nm), name);
	if (!r)
		return false;
	await page.locator('#flame-canvas').scrollIntoViewIfNeeded();
	const box = await page.locator('#flame-canvas').boundingBox();
	await page.mouse.click(box.x + r.x + Math.min(r.w / 2, 10), box.y + r.y + r.h / 2);
	return true;
}

async function checkReport(ctx, file, shot, fn, bytes, verdict) {
	const { page, errors, requests } = await open(ctx, file);
	const flameBox = await page.locator('[id*="flame"], [class*="flame"]').count();
	ok(flameBox > 0, 'the flame graph container has "flame" in its id or class');
	const labels = await page.locator('#metric-switch button').allTextContents();
	ok(JSON.stringify(labels) === '["CPU","allocations","bytes","leaked"]',
	   'the metric switch reads CPU, allocations, bytes, leaked', labels);
	const leak = await page.evaluate((f) => {
		const r = [...document.querySelectorAll('#leak-table tr.leak')].find(
			(tr) => tr.querySelector('.leak-function').textContent === f);
		return r ? { bytes: r.querySelector('.leak-bytes').textContent, kind: r.dataset.kind } : null;
	}, fn);
	ok(leak && leak.bytes === bytes, 'the leak table holds ' + fn + ' with ' + bytes + ' bytes', leak);
	const v = await page.locator('#verdict').textContent();
	ok(v === verdict, 'the verdict reads ' + verdict, v);
	const markers = await page.locator('#timeline .marker-label').allTextContents();
	ok(markers.length > 0 && markers.every((m) => /request #\d+/.test(m)),
	   'marker labels are shown on the timeline', markers);
	ok(await page.locator('#timeline-chart .uplot canvas').count() === 1,
	   'uPlot drew the timeline');
	const sum = await page.locator('#summary-table').textContent();
	ok(/peak heap/.test(sum) && /allocated at exit/.test(sum), 'the summary is shown');
	const hot = await page.locator('#hot-functions').textContent();
	ok(/spin/.test(hot), 'the hot-spot table names spin');

	await page.locator('#metric-switch button', { hasText: /^bytes$/ }).click();
	let m = await page.evaluate(() => window.perfshimFlame.metric);
	ok(m === 'bytes', 'the switch shows the bytes flame graph', m);
	const before = await page.evaluate(() => window.perfshimFlame.at('open_session'));
	ok(await clickFrame(page, 'open_session'), 'open_session is drawn in the bytes flame graph');
	const after = await page.evaluate(() => ({ zoom: window.perfshimFlame.zoom,
		attr: document.getElementById('flame').dataset.zoom,
		r: window.perfshimFlame.at('open_session'), width: window.perfshimFlame.width }));
	ok(after.zoom === 'open_session' && after.attr === 'open_session',
	   'a click on a frame zooms to it', after);
	ok(before && after.r && before.w < after.width / 2 && after.r.w === after.width,
	   'the zoomed frame fills the width', { before, after });
	await page.locator('#flame-reset').click();
	await page.locator('#flame-search').fill('cache_insert');
	const st = await page.locator('#flame-status').textContent();
	ok(/search matches 1$/.test(st), 'search highlights cache_insert', st);
	await page.locator('#flame-search').fill('');
	await page.locator('#metric-switch button', { hasText: /^CPU$/ }).click();

	const png = await page.screenshot({ path: shot, fullPage: true });
	const s = await pngStats(ctx, png);
	ok(fs.existsSync(shot) && s.colours > 50 && s.ink > 0.05,
	   'the screenshot ' + shot + ' is not blank', s);
	ok(errors.length === 0, 'no console or page errors', errors);
	ok(requests.length === 0, 'no network request', requests);
}

async function checkEmpty(ctx, file) {
	const { page, errors, requests } = await open(ctx, file);
	const text = await page.locator('body').textContent();
	ok(/No leaks/.test(text), 'an empty leak table says so');
	ok(/No CPU samples/.test(text), 'an empty CPU flame graph says so');
	ok(errors.length === 0, 'no console or page errors', errors);
	ok(requests.length === 0, 'no network request', requests);
}

async function checkZones(ctx, file) {
	const { page, errors, requests } = await open(ctx, file);
	const rows = await page.evaluate(() =>
		[...document.querySelectorAll('#hot-timings tr.timing')].map((tr) =>
			tr.dataset.kind + ' ' + tr.cells[4].textContent.replace(/\u00a0/g, '.') +
			' ' + tr.cells[0].textContent));
	ok(JSON.stringify(rows) === JSON.stringify(['zone zone outer 1', 'zone ..zone inner 3',
		'zone zone scoped 4']), 'the timing table holds each zone by path with its calls', rows);
	const lat = await page.evaluate(() => {
		const H = JSON.parse(document.getElementById('perfshim-data').textContent).hotspots;
		return { doc: H.latency ? H.latency.length : null,
			 shown: !document.getElementById('latency-part').hidden,
			 rows: [...document.querySelectorAll('#hot-latency tr.latency')].map((tr) =>
				 tr.querySelector('.latency-name').textContent + ' ' +
				 tr.querySelector('.lat-p95').textContent) };
	});
	if (lat.doc === null)
		ok(!lat.shown, 'no latency in the document: the latency part stays hidden', lat);
	else
		ok(lat.shown && lat.rows.length === lat.doc &&
		   lat.rows.every((r) => / [0-9.]+ (ms|s|\u00b5s|ns)$/.test(r)),
		   'the latency table shows each zone\'s p95', lat);
	ok(errors.length === 0, 'no console or page errors', errors);
	ok(requests.length === 0, 'no network request', requests);
}

/* file's page with its document changed by edit(doc), as a new file. */
function rewrite(file, suffix, edit) {
	const html = fs.readFileSync(file, 'utf8');
	const re = /(<script type="application\/json" id="perfshim-data">)([\s\S]*?)(<\/script>)/;
	const doc = JSON.parse(html.match(re)[2]);
	edit(doc);
	const out = file.replace(/\.html$/, '') + suffix + '.html';
	const json = JSON.stringify(doc).replace(/</g, '\\u003c');
	fs.writeFileSync(out, html.replace(re, (a, o, d, c) => o + json + c));
	return out;
}

/*
 * Each frame of names: the colour drawn at its top left (one readback of
 * the canvas for all), its value, base and tooltip.
 */
async function frameLooks(page, names) {
	const looks = await page.evaluate((nms) => {
		const cv = document.getElementById('flame-canvas'), k = cv.width / cv.clientWidth;
		const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
		return nms.map((nm) => {
			const r = window.perfshimFlame.at(nm);
			if (!r)
				return null;
			const i = 4 * (Math.round((r.y + 2) * k) * cv.width + Math.round((r.x + 2) * k));
			return { r, rgb: [d[i], d[i + 1], d[i + 2]], value: r.value, base: r.base };
		});
	}, names);
	await page.locator('#flame-canvas').scrollIntoViewIfNeeded();
	const box = await page.locator('#flame-canvas').boundingBox();
	for (const q of looks) {
		if (!q)
			continue;
		await page.mouse.move(box.x + q.r.x + 2, box.y + q.r.y + 2);
		q.tip = await page.locator('#flame-tip').textContent();
		delete q.r;
	}
	return looks;
}

async function checkDiff(ctx, file) {
	const diff = rewrite(file, '-diff', (doc) => {
		doc.base = 'base.zst';
		doc.flame_base = { cpu: 'main;a;x 10\nmain;b 10', allocations: '', bytes: '', leaked: '' };
		doc.flame = { cpu: 'main;a;x 30\nmain;b 5\nmain;c 5', allocations: '', bytes: '', leaked: '' };
		for (const k of ['summary', 'leaks', 'hotspots', 'sites', 'growth', 'timeline'])
			doc[k] = null;
		doc.changes = { verdict: 'regression', rows: [
			{ verdict: 'regression', scope: 'function', where: 'a.c:3', name: 'x', unit: 'ns',
			  base: 10, new: 30, change_pct: 200, p_value: 0.001 },
			{ verdict: 'new', scope: 'site', where: '', name: 'c', unit: 'bytes',
			  base: null, new: 5, change_pct: null, p_value: null }] };
	});
	const { page, errors, requests } = await open(ctx, diff);
	const head = await page.evaluate(() => ({ diff: document.body.dataset.diff,
		h2: document.querySelector('#flame-section h2').textContent,
		legend: !document.getElementById('flame-legend').hidden,
		hidden: ['summary', 'timeline', 'leaks', 'hotspots'].filter((id) => document.getElementById(id).hidden) }));
	ok(head.diff === '1' && head.h2 === 'Differential flame graph' && head.legend,
	   'a diff\'s page draws a differential flame graph, with its legend', head);
	ok(head.hidden.length === 4, 'the parts a diff leaves null are not shown', head);
	const changes = await page.evaluate(() => ({
		verdict: document.getElementById('diff-verdict').textContent,
		rows: [...document.querySelectorAll('#changes-table tr.change')].map((tr) =>
			[...tr.cells].map((td) => td.textContent).join('|')) }));
	ok(JSON.stringify(changes) === JSON.stringify({ verdict: 'regression', rows: [
		'regression|function (ns)|x  a.c:3|10|30|+200.0%|0.0010',
		'new|site (bytes)|c|-|5|-|-'] }), 'the table of changes holds each row with its verdict', changes);
	const [x, b, c] = await frameLooks(page, ['x', 'b', 'c']);
	const red = (q) => q && q.rgb[0] > q.rgb[2] + 40, blue = (q) => q && q.rgb[2] > q.rgb[0] + 40;
	ok(red(x) && x.value === 30 && x.base === 10 && x.tip === 'x: 10 \u2192 30 samples (+20, +200.0%)',
	   'a frame that grew is red, its tooltip base -> new', x);
	ok(blue(b) && b.tip === 'b: 10 \u2192 5 samples (-5, -50.0%)', 'a frame that shrank is blue', b);
	ok(red(c) && c.tip === 'c: 0 \u2192 5 samples (+5, new)', 'a frame new in NEW is red', c);
	ok(await clickFrame(page, 'a') &&
	   await page.evaluate(() => window.perfshimFlame.zoom) === 'a', 'a click zooms the diff too');
	ok(errors.length === 0, 'no console or page errors', errors);
	ok(requests.length === 0, 'no network request', requests);
}

/* STACKS distinct stacks, 4 to 18 deep, over 3000 function names. */
function collapsed(stacks, seed) {
	let x = seed >>> 0;
	const rnd = (k) => { /* mulberry32: no short cycles in the low bits */
		x = (x + 0x6d2b79f5) >>> 0;
		let t = Math.imul(x ^ (x >>> 15), x | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) % k;
	};
	const out = new Set();
	while (out.size < stacks) {
		const d = 4 + rnd(15), f = ['main'];
		for (let i = 1; i < d; i++)
			f.push('fn_' + rnd(3000));
		out.add(f.join(';'));
	}
	return [...out].map((s) => s + ' ' + (1 + rnd(1000))).join('\n');
}

async function checkBig(ctx, file, stacks) {
	const big = rewrite(file, '-big', (doc) => {
		for (const m of ['cpu', 'allocations', 'bytes', 'leaked'])
			doc.flame[m] = collapsed(stacks, m.length);
	});
	const { page, errors } = await open(ctx, big);
	const first = await page.evaluate(() => window.perfshimFlame);
	ok(first.renderMs < 2000, stacks + ' distinct stacks render in under 2 s (' +
	   Math.round(first.renderMs) + ' ms)', first);
	ok(first.pruned > 0, 'frames too narrow to see are pruned', first);
	const t0 = Date.now();
	await page.locator('#metric-switch button', { hasText: /^bytes$/ }).click();
	const b = await page.evaluate(() => window.perfshimFlame);
	ok(b.metric === 'bytes' && b.renderMs < 2000 && Date.now() - t0 < 4000,
	   'switching metric redraws in under 2 s (' + Math.round(b.renderMs) + ' ms)', b);
	ok(errors.length === 0, 'no console or page errors', errors);
}

async function main() {
	const [mode, file, ...rest] = process.argv.slice(2);
	const { ctx, dir } = await launch();
	try {
		if (mode === 'report')
			await checkReport(ctx, file, ...rest);
		else if (mode === 'empty')
			await checkEmpty(ctx, file);
		else if (mode === 'zones')
			await checkZones(ctx, file);
		else if (mode === 'diff')
			await checkDiff(ctx, file);
		else if (mode === 'big')
			await checkBig(ctx, file, Number(rest[0]));
		else
			throw new Error('unknown mode ' + mode);
	} finally {
		await ctx.close();
		fs.rmSync(dir, { recursive: true, force: true });
	}
	console.log('1..' + n);
	process.exit(failed ? 1 : 0);
}

main().catch((e) => {
	console.log('not ok - ' + e.stack.replace(/\n/g, '\n# '));
	process.exit(1);
});
