// Drives a notebook in a real VS Code workbench (code-server) in headless Chromium.
//
// Input: one JSON scenario on stdin (written by tests/e2e/test_vscode_notebook.py):
//   { url, chromium, file, screenshotDir, timeoutMs,
//     hover: { cell, line, token, expect },   // hover `token` on the line containing `line` of cell editor `cell`
//     problem: regex, fix: regex }            // the Problems row, and the Quick Fix entry to apply to it
// Output: progress lines, then one line `{"report": {...}}`. The driver never asserts: pytest does.
'use strict';

const { chromium } = require('playwright-core');
const path = require('path');
const { readStdin, sleep, squash, tokenCentre, until } = require('../common/driving.js');

const CELL_EDITORS = '.notebook-editor .cell-editor-container .monaco-editor';

async function texts(page, selector) {
    return page.evaluate((selector) => Array.from(document.querySelectorAll(selector))
        .filter((node) => node.getBoundingClientRect().width > 0).map((node) => node.innerText), selector);
}

async function main() {
    const scenario = await readStdin();
    const report = { errors: [], screenshots: [] };
    const shot = async (page, name) => {
        const file = path.join(scenario.screenshotDir, `${name}.png`);
        await page.screenshot({ path: file }).catch(() => undefined);
        report.screenshots.push(file);
    };
    const browser = await chromium.launch({ executablePath: scenario.chromium, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    try {
        await page.goto(scenario.url);
        await page.waitForSelector('.monaco-workbench', { timeout: scenario.timeoutMs });
        // opened before the built-in ipynb extension is ready, the file shows as JSON: close and reopen
        const fileRow = page.locator(".explorer-folders-view .monaco-list-row", { hasText: scenario.file }).first();
        report.notebookOpened = Boolean(await until(async () => {
            await fileRow.click({ timeout: scenario.timeoutMs });
            const shown = await until(async () => (await page.locator(CELL_EDITORS).count()) > scenario.hover.cell, 15000);
            if (!shown) {
                await page.keyboard.press('Control+W');
                await sleep(3000);
            }
            return shown;
        }, scenario.timeoutMs, 500));
        console.log(`notebook opened: ${report.notebookOpened}`);

        const expect = new RegExp(scenario.hover.expect);
        const hoverText = async () => squash((await texts(page, '.monaco-hover .monaco-hover-content')).join(' | '));
        report.hover = await until(async () => {
            const box = await tokenCentre(page, { scopeSelector: CELL_EDITORS, index: scenario.hover.cell, lineSelector: '.view-line', line: scenario.hover.line, token: scenario.hover.token });
            if (!box) return null;
            await page.mouse.move(5, 5);
            await sleep(200);
            await page.mouse.move(box.x, box.y, { steps: 4 });
            const text = await until(async () => { const t = await hoverText(); return expect.test(t) ? t : null; }, 5000);
            return text;
        }, scenario.timeoutMs, 500);
        console.log(`hover: ${report.hover}`);
        await shot(page, 'notebook-hover');
        await page.mouse.move(5, 5);
        await page.keyboard.press('Escape');

        const problemRe = new RegExp(scenario.problem);
        await page.keyboard.press('Control+Shift+M');
        const rows = async () => (await texts(page, '.markers-panel .monaco-list-row')).map(squash);
        report.problems = (await until(async () => { const r = await rows(); return r.some((row) => problemRe.test(row)) ? r : null; }, scenario.timeoutMs)) || (await rows());
        console.log(`problems: ${JSON.stringify(report.problems)}`);
        await shot(page, 'notebook-problems');

        const row = page.locator('.markers-panel .monaco-list-row', { hasText: problemRe }).first();
        if (await row.isVisible().catch(() => false)) {
            await row.dblclick();
            await sleep(800);
            await page.keyboard.press('Control+.');
            const menu = '.action-widget .monaco-list-row.action';
            report.quickFixes = (await until(async () => { const items = (await texts(page, menu)).map(squash).filter(Boolean); return items.length ? items : null; }, 15000)) || [];
            await shot(page, 'notebook-quickfix-menu');
            const choice = page.locator(menu, { hasText: new RegExp(scenario.fix) }).first();
            if (await choice.isVisible().catch(() => false)) {
                report.quickFixApplied = squash(await choice.innerText());
                await choice.click();
                report.problemsAfterFix = (await until(async () => { const r = await rows(); return r.some((x) => problemRe.test(x)) ? null : r; }, 30000)) || (await rows());
                report.editorLines = (await texts(page, `${CELL_EDITORS} .view-line`)).map(squash);
                await shot(page, 'notebook-after-fix');
            }
        } else {
            report.errors.push(`no Problems row matching ${scenario.problem}`);
        }
    } catch (error) {
        report.errors.push(`driver: ${error.stack || error}`);
        await shot(page, 'notebook-error');
    } finally {
        await browser.close().catch(() => undefined);
    }
    console.log(JSON.stringify({ report }));
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
