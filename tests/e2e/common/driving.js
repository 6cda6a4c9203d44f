// Helpers shared by the Playwright drivers of the end-to-end tests (code-server, JupyterLab).
'use strict';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const squash = (text) => (text || '').replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();

async function readStdin() {
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(chunk);
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

// Polls `probe` until it returns a truthy value or the time is up; returns the last value.
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

// Screen centre of `token` on the first line (matched by `lineSelector` and containing `line`)
// inside the `index`-th element matching `scopeSelector`; editors split a line into one span per
// token, so the line's text nodes are searched.
async function tokenCentre(page, { scopeSelector, index, lineSelector, line, token }) {
    return page.evaluate(({ scopeSelector, index, lineSelector, line, token }) => {
        const scope = document.querySelectorAll(scopeSelector)[index];
        const row = scope && Array.from(scope.querySelectorAll(lineSelector)).find((node) => node.textContent.replace(/\u00a0/g, ' ').includes(line));
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
    }, { scopeSelector, index, lineSelector, line, token });
}

module.exports = { sleep, squash, readStdin, until, tokenCentre };
