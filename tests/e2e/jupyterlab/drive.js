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

const { readStdin, squash, tokenCentre, until } = require('../common/driving.js');

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
            const box = await tokenCentre(page, {
                scopeSelector: '.jp-CodeCell .cm-content', index: scenario.hover.cell, lineSelector: '.cm-line',
                line: scenario.hover.line, token: scenario.hover.token,
            });
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
