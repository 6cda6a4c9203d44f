// Drives a real VS Code workbench (code-server) in headless Chromium with playwright-core.
//
// Input: one JSON scenario on stdin (written by tests/e2e/test_vscode.py):
//   { url, chromium, file, screenshotDir, timeoutMs,
//     problems: { pattern },                      // regex a Problems-panel row must match
//     hover: { line, token, expect: [regex...] }, // hover `token` on the first view line matching `line`
//     quickFix: { problem, pick, apply } | null,  // Quick Fix menu at the problem row matching `problem`,
//                                                 // click the entry matching `pick`, wait for the row to go
//     codeLens: true|false }                      // collect code lens texts
// Output: progress lines, then one line `{"report": {...}}` with what the UI showed.
// The driver waits for the expected things to appear but never asserts: pytest does.
'use strict';

const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');

const { readStdin, sleep, squash, until } = require('../common/driving.js');

// Screen rectangle of `token` inside the first editor view line whose text matches `lineRe`.
// Monaco renders one span per token and spaces as NBSP; a DOM Range finds the exact characters.
async function tokenBox(page, lineSource, token) {
    return page.evaluate(([lineSource, token]) => {
        const lineRe = new RegExp(lineSource);
        const lines = document.querySelectorAll('.editor-instance .view-lines .view-line');
        for (const line of lines) {
            const text = line.textContent.replace(/\u00a0/g, ' ');
            if (!lineRe.test(text)) continue;
            const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
            let node;
            let offset = 0;
            const start = text.search(lineRe) >= 0 ? text.indexOf(token, text.search(lineRe)) : -1;
            if (start < 0) return null;
            while ((node = walker.nextNode())) {
                const length = node.textContent.length;
                if (start >= offset && start < offset + length) {
                    const range = document.createRange();
                    range.setStart(node, start - offset);
                    range.setEnd(node, Math.min(length, start - offset + token.length));
                    const rect = range.getBoundingClientRect();
                    return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
                }
                offset += length;
            }
        }
        return null;
    }, [lineSource, token]);
}

async function visibleText(page, selector) {
    return page.evaluate((selector) => {
        const out = [];
        for (const element of document.querySelectorAll(selector)) {
            const rect = element.getBoundingClientRect();
            const style = getComputedStyle(element);
            if (rect.width > 0 && rect.height > 0 && style.visibility !== 'hidden' && style.display !== 'none') {
                out.push(element.innerText);
            }
        }
        return out;
    }, selector);
}

async function openFile(page, file, lineSource, timeoutMs, log) {
    const lineRe = new RegExp(lineSource);
    const editorShows = () => page.locator('.editor-instance .view-line', { hasText: lineRe }).first().isVisible();
    // The Explorer row is the most reliable way in; Quick Open is the fallback.
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).first();
    try {
        await row.waitFor({ timeout: timeoutMs / 2 });
        await row.click();
    } catch (error) {
        log(`explorer row not found (${error.message.split('\n')[0]}); using Quick Open`);
        await page.keyboard.press('Control+P');
        await page.keyboard.type(file, { delay: 30 });
        await sleep(800);
        await page.keyboard.press('Enter');
    }
    return until(editorShows, timeoutMs / 2);
}

async function main() {
    const scenario = await readStdin();
    const t0 = Date.now();
    const report = { timings: {}, errors: [], screenshots: [] };
    const log = (message) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);
    const mark = (name) => {
        report.timings[name] = Date.now() - t0;
        log(name);
    };
    const timeoutMs = scenario.timeoutMs || 60000;
    fs.mkdirSync(scenario.screenshotDir, { recursive: true });
    const shot = async (page, name) => {
        const file = path.join(scenario.screenshotDir, `${name}.png`);
        await page.screenshot({ path: file }).catch(() => undefined);
        report.screenshots.push(file);
    };

    const browser = await chromium.launch({
        executablePath: scenario.chromium,
        headless: true,
        args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (error) => report.errors.push(`pageerror: ${error.message}`));
    try {
        await page.goto(scenario.url);
        await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
        mark('workbench');

        report.editorOpened = Boolean(await openFile(page, scenario.file, scenario.hover.line, timeoutMs, log));
        mark('editor');
        await shot(page, '0-editor');

        // -- code lenses (rendered as real DOM nodes above the lines)
        if (scenario.codeLens) {
            report.codeLenses = await until(async () => {
                const texts = (await visibleText(page, '.monaco-editor .codelens-decoration')).map(squash).filter(Boolean);
                return texts.length ? texts : null;
            }, 15000);
            report.codeLenses = report.codeLenses || [];
            mark('codelens');
        }

        // -- hover over the class name (first, while the whole editor is visible)
        const expects = scenario.hover.expect.map((source) => new RegExp(source));
        const hoverOk = (text) => text && expects.every((re) => re.test(text));
        const hoverText = async () =>
            squash((await visibleText(page, '.monaco-hover .monaco-hover-content')).join(' | '));
        report.hover = null;
        for (let attempt = 0; attempt < 6 && !hoverOk(report.hover); attempt++) {
            const box = await tokenBox(page, scenario.hover.line, scenario.hover.token);
            if (!box) {
                report.errors.push(`hover target ${scenario.hover.token} not found on a line matching ${scenario.hover.line}`);
                break;
            }
            await page.mouse.move(5, 5);
            await sleep(200);
            await page.mouse.move(box.x + 1, box.y + box.height / 2);
            await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
            report.hover = (await until(async () => {
                const text = await hoverText();
                return hoverOk(text) ? text : null;
            }, 8000)) || (await hoverText()) || null;
        }
        mark('hover');
        await shot(page, '1-hover');
        await page.mouse.move(5, 5);
        await page.keyboard.press('Escape');

        // -- diagnostics: squiggles in the editor and a matching row in the Problems panel
        const problemRe = new RegExp(scenario.problems.pattern);
        await page.keyboard.press('Control+Shift+M');
        const rows = async () => (await visibleText(page, '.markers-panel .monaco-list-row')).map(squash);
        report.problems = await until(async () => {
            const current = await rows();
            return current.some((row) => problemRe.test(row)) ? current : null;
        }, timeoutMs);
        report.problems = report.problems || (await rows());
        // squiggles exist only for rendered lines: reveal the problem first (single click keeps focus)
        const problemRow = page.locator('.markers-panel .monaco-list-row', { hasText: problemRe }).first();
        if (await problemRow.isVisible().catch(() => false)) {
            await problemRow.click();
            await sleep(700);
        }
        report.squiggles = {
            error: await page.locator('.monaco-editor .squiggly-error').count(),
            warning: await page.locator('.monaco-editor .squiggly-warning').count(),
            info: await page.locator('.monaco-editor .squiggly-info').count(),
        };
        report.restrictedMode = (await page.locator('.statusbar', { hasText: 'Restricted Mode' }).count()) > 0;
        mark('problems');
        await shot(page, '2-problems');

        // -- Quick Fix: double-click a problem (the editor jumps to it and takes focus), Ctrl+.,
        //    pick the fix, and wait for that problem to go away
        if (scenario.quickFix) {
            const fixRe = new RegExp(scenario.quickFix.problem);
            const pickRe = new RegExp(scenario.quickFix.pick || '.');
            report.quickFixes = [];
            const row = page.locator('.markers-panel .monaco-list-row', { hasText: fixRe }).first();
            if (await row.isVisible().catch(() => false)) {
                await row.dblclick();
                await sleep(700);
                await page.keyboard.press('Control+.');
                const menu = '.action-widget .monaco-list-row.action';
                report.quickFixes = (await until(async () => {
                    const items = (await visibleText(page, menu)).map(squash).filter(Boolean);
                    return items.length ? items : null;
                }, 15000)) || [];
                await shot(page, '3-quickfix-menu');
                const choice = page.locator(menu, { hasText: pickRe }).first();
                if (scenario.quickFix.apply && (await choice.isVisible().catch(() => false))) {
                    report.quickFixApplied = squash(await choice.innerText());
                    await choice.click();
                    report.problemsAfterFix = await until(async () => {
                        const current = await rows();
                        return current.some((row) => fixRe.test(row)) ? null : current;
                    }, 30000);
                    report.problemsAfterFix = report.problemsAfterFix || (await rows());
                    report.editorLines = (await visibleText(page, '.editor-instance .view-lines .view-line')).map(squash);
                    await shot(page, '4-after-fix');
                } else {
                    await page.keyboard.press('Escape');
                }
            } else {
                report.errors.push(`no Problems row matching ${scenario.quickFix.problem} to open the Quick Fix menu from`);
            }
            mark('quickfix');
        }
    } catch (error) {
        report.errors.push(`driver: ${error.stack || error}`);
        await shot(page, '9-error');
    } finally {
        await browser.close().catch(() => undefined);
    }
    report.timings.total = Date.now() - t0;
    console.log(JSON.stringify({ report }));
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
