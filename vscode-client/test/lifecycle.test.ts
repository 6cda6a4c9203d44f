import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Lifecycle } from '../src/lifecycle';

/** A fake server factory that records how many servers run at once. */
function servers() {
    const events: string[] = [];
    let live = 0;
    let peak = 0;
    let next = 0;
    const start = async (reason: string) => {
        const id = ++next;
        await new Promise((resolve) => setTimeout(resolve, 5));
        live += 1;
        peak = Math.max(peak, live);
        events.push(`start ${id} (${reason})`);
        return {
            stop: async () => {
                await new Promise((resolve) => setTimeout(resolve, 5));
                live -= 1;
                events.push(`stop ${id}`);
            },
        };
    };
    return { start, events, live: () => live, peak: () => peak };
}

describe('Lifecycle', () => {
    it('never runs two servers at once, however quickly restarts come', async () => {
        const fake = servers();
        const lifecycle = new Lifecycle(fake.start, () => undefined);
        await Promise.all([lifecycle.restart('a'), lifecycle.restart('b'), lifecycle.restart('c')]);
        assert.equal(fake.peak(), 1);
        assert.equal(fake.live(), 1);
        assert.deepEqual(fake.events, ['start 1 (a)', 'stop 1', 'start 2 (b)', 'stop 2', 'start 3 (c)']);
        await lifecycle.stop();
        assert.equal(fake.live(), 0);
    });

    it('reports a failed start and still restarts afterwards', async () => {
        const reported: string[] = [];
        let fail = true;
        const fake = servers();
        const lifecycle = new Lifecycle(async (reason) => {
            if (fail) {
                fail = false;
                throw new Error('no python');
            }
            return fake.start(reason);
        }, (message) => reported.push(message));
        await lifecycle.restart('activation');
        assert.deepEqual(reported, ['no python']);
        await lifecycle.restart('command');
        assert.equal(fake.live(), 1);
    });

    it('stops nothing when nothing started (no interpreter found)', async () => {
        const reported: string[] = [];
        const lifecycle = new Lifecycle(async () => undefined, (message) => reported.push(message));
        await lifecycle.restart('activation');
        await lifecycle.stop();
        assert.deepEqual(reported, []);
    });
});
