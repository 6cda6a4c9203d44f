import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Read, configuredCommand, expandVariables, sanitize, sanitizeAnswers, serverSettings } from '../src/settings';

const places = { workspaceFolder: '/srv/project', home: '/home/me' };

function reader(values: Record<string, unknown>): Read {
    return <T>(key: string, fallback: T) => (key in values ? (values[key] as T) : fallback);
}

describe('serverSettings', () => {
    it('translates the VS Code settings into the server section, defaults included', () => {
        const settings = serverSettings(reader({ select: ['KL1'], 'probe.enabled': true, kerasVersion: '2' }), true);
        assert.deepEqual(settings, {
            kerasVersion: '2',
            select: ['KL1'],
            ignore: [],
            exclude: [],
            unsafeFixes: false,
            inlayHints: true,
            codeLens: true,
            probe: { enabled: true },
            trusted: true,
        });
    });

    it('turns the probe off in an untrusted workspace', () => {
        const settings = serverSettings(reader({ 'probe.enabled': true }), false);
        assert.deepEqual(settings.probe, { enabled: false });
        assert.equal(settings.trusted, false);
    });
});

describe('sanitize', () => {
    it('drops client-only keys and never lets a non-boolean enable the probe', () => {
        assert.deepEqual(sanitize({ server: { path: ['x'] }, trace: { server: 'verbose' }, probe: { enabled: 'yes' }, select: ['KL2'] }, true), {
            select: ['KL2'],
            probe: { enabled: false },
            trusted: true,
        });
        assert.deepEqual(sanitize(null, true), { probe: { enabled: false }, trusted: true });
    });

    it('touches only the keraslens items of a workspace/configuration answer', () => {
        const answers = sanitizeAnswers(['python', 'keraslens'], [{ probe: { enabled: true } }, { probe: { enabled: true } }], false);
        assert.deepEqual(answers, [{ probe: { enabled: true } }, { probe: { enabled: false }, trusted: false }]);
    });
});

describe('configuredCommand', () => {
    it('is empty when keraslens.server.path is not set', () => {
        assert.deepEqual(configuredCommand([], places), []);
        assert.deepEqual(configuredCommand(['', 3], places), []);
    });

    it('appends serve to a lone keraslens executable and expands variables', () => {
        assert.deepEqual(configuredCommand(['~/.local/bin/keraslens'], places), ['/home/me/.local/bin/keraslens', 'serve']);
        assert.deepEqual(configuredCommand(['${workspaceFolder}/.venv/bin/python', '-m', 'keraslens', 'serve'], places), [
            '/srv/project/.venv/bin/python',
            '-m',
            'keraslens',
            'serve',
        ]);
    });

    it('expands ${userHome} anywhere and ~ only at the start', () => {
        assert.equal(expandVariables('${userHome}/a/~/b', places), '/home/me/a/~/b');
        assert.equal(expandVariables('~user/x', places), '~user/x');
    });
});
