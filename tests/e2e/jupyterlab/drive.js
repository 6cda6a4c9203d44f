// Drives a real JupyterLab (with jupyterlab-lsp and keraslens as its Python server) in headless
// Chromium with playwright-core.
//
// Input: one JSON scenario on stdin (written by tests/e2e/test_jupyterlab.py):
//   { url, chromium, screenshotDir, timeoutMs,
//     diagnostic: { pattern },            // regex a diagnostic's message must match
//     hover: { cell, line, token, expect } } // hover `token` on the line reading `line` of code cell `cell`
// Output: progress lines, then one line `{"report": {...}}` with what the UI showed.
// The driver waits for the expected things to appear but never asserts: pytest does.
'use strict';

const { chromium } = require('playwright-core');
const path = require('path');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const squash = (text) => (text || '').replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();

async function readStdin() {
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(chunk);
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function until(probe, timeoutMs, intervalMs = 300) {
    const deadline = Date.now() + timeoutMs;
    let value;
    do {
        value = await probe();
        if (value) return value;
        await sleep(intervalMs);
    } while (Date.now() < deadline);
    return value;
}

// Screen rectangle of `token` on the first line reading `line` in a code cell's editor
// (CodeMirror 6 splits a line into one span per token: search the line's text nodes).
async function tokenBox(page, cell, line, token) {
    return page.evaluate(({ cell, line, token }) => {
        const editor = document.querySelectorAll('.jp-CodeCell .cm-content')[cell];
        const row = editor && Array.from(editor.querySelectorAll('.cm-line')).find((node) => node.textContent.includes(line));
        if (!row) return null;
        const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.textContent.indexOf(token);
            if (at >= 0) {
                const range = document.createRange();
                range.setStart(node, at + 1);
                range.setEnd(node, at + 2);
                const box = range.getBoundingClientRect();
                return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
            }
        }
        return null;
    }, { cell, line, token });
}

async function main() {
    const scenario = await readStdin();
    const report = { diagnostics: [], hover: null, screenshots: [] };
    const browser = await chromium.launch({ executablePath: scenario.chromium, args: ['--no-sandbox'] });
    try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        console.log(`open ${scenario.url}`);
        await page.goto(scenario.url, { waitUntil: 'domcontentloaded' });
        await page.waitForSelector('.jp-CodeCell .cm-content', { timeout: scenario.timeoutMs });
        // diagnostics: jupyterlab-lsp marks ranges (CodeMirror lint) and lists them in its panel
        const wanted = new RegExp(scenario.diagnostic.pattern);
        report.diagnostics = await until(async () => {
            const found = await page.evaluate(() => Array.from(document.querySelectorAll('.cm-lintRange, [class*="lsp-diagnostic"]'))
                .map((node) => node.getAttribute('title') || node.textContent || ''));
            const marked = found.length ? found : null;
            if (!marked) return null;
            // the message shows on hover of a marked range; collect it from the tooltip
            await page.hover('.cm-lintRange');
            const tip = await until(async () => squash(await page.evaluate(() => {
                const node = document.querySelector('.cm-tooltip-lint, .cm-diagnostic');
                return node ? node.textContent : '';
            })), 3000);
            return tip && wanted.test(tip) ? [tip] : null;
        }, scenario.timeoutMs);
        console.log(`diagnostics: ${JSON.stringify(report.diagnostics)}`);
        const shot = path.join(scenario.screenshotDir, 'jupyterlab-diagnostic.png');
        await page.screenshot({ path: shot });
        report.screenshots.push(shot);
        // hover: autoActivate is on in the test's settings; move the mouse away and back until it shows
        const expect = new RegExp(scenario.hover.expect);
        report.hover = await until(async () => {
            const box = await tokenBox(page, scenario.hover.cell, scenario.hover.line, scenario.hover.token);
            if (!box) return null;
            await page.mouse.move(5, 5);
            await page.mouse.move(box.x, box.y);
            const text = await until(async () => squash(await page.evaluate(() => {
                const nodes = Array.from(document.querySelectorAll('.cm-tooltip-hover, .lsp-hover, .cm-tooltip'));
                return nodes.map((node) => node.textContent).join(' ');
            })), 4000);
            return text && expect.test(text) ? text : null;
        }, scenario.timeoutMs, 500);
        console.log(`hover: ${JSON.stringify(report.hover)}`);
        const hoverShot = path.join(scenario.screenshotDir, 'jupyterlab-hover.png');
        await page.screenshot({ path: hoverShot });
        report.screenshots.push(hoverShot);
    } finally {
        await browser.close();
    }
    console.log(JSON.stringify({ report }));
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
