import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import * as path from 'node:path';
import { Candidate, Environment, PythonVersion, cachedVersions, choosePython, insideFolders, parseVersion, pathCandidates } from '../src/python';

const WORKSPACE = path.resolve('/srv/project');

function env(versions: Record<string, PythonVersion | undefined>, trusted = true): Environment & { asked: string[] } {
    const asked: string[] = [];
    return {
        trusted,
        workspaceFolders: [WORKSPACE],
        asked,
        versionOf: async (executable) => {
            asked.push(executable);
            return versions[executable];
        },
    };
}

const selected = (executable: string, version?: PythonVersion): Candidate => ({ executable, source: 'the Python extension', version });
const onPath = (executable: string): Candidate => ({ executable, source: 'PATH' });

describe('choosePython', () => {
    it('takes the interpreter selected in the Python extension when it is 3.11+', async () => {
        const venv = path.join(WORKSPACE, '.venv/bin/python');
        const { choice, skipped } = await choosePython([selected(venv, { major: 3, minor: 12 }), onPath('/usr/bin/python3')], env({}));
        assert.deepEqual(choice, { executable: venv, source: 'the Python extension', version: { major: 3, minor: 12 } });
        assert.deepEqual(skipped, []);
    });

    it('falls back to PATH when the selected interpreter is too old, and says why', async () => {
        const probe = env({ '/usr/bin/python3': { major: 3, minor: 13 } });
        const { choice, skipped } = await choosePython([selected('/opt/py310/bin/python', { major: 3, minor: 10 }), onPath('/usr/bin/python3')], probe);
        assert.equal(choice?.executable, '/usr/bin/python3');
        assert.equal(skipped.length, 1);
        assert.match(skipped[0], /3\.10 is older than 3\.11/);
        assert.deepEqual(probe.asked, ['/usr/bin/python3'], 'a version the Python extension knows is not asked again');
    });

    it("skips the workspace's own interpreter in an untrusted workspace", async () => {
        const venv = path.join(WORKSPACE, '.venv/bin/python');
        const probe = env({ '/usr/bin/python3': { major: 3, minor: 11 } }, false);
        const { choice, skipped } = await choosePython([selected(venv, { major: 3, minor: 12 }), onPath('/usr/bin/python3')], probe);
        assert.equal(choice?.executable, '/usr/bin/python3');
        assert.match(skipped[0], /untrusted/);
    });

    it('trusts the same interpreter once the workspace is trusted', async () => {
        const venv = path.join(WORKSPACE, '.venv/bin/python');
        const { choice } = await choosePython([selected(venv, { major: 3, minor: 12 })], env({}, true));
        assert.equal(choice?.executable, venv);
    });

    it('reports every candidate when none is usable', async () => {
        const { choice, skipped } = await choosePython(
            [onPath('/usr/bin/python3'), onPath('/usr/bin/python')],
            env({ '/usr/bin/python3': { major: 3, minor: 9 }, '/usr/bin/python': undefined }),
        );
        assert.equal(choice, undefined);
        assert.equal(skipped.length, 2);
        assert.match(skipped[1], /did not run/);
    });
});

describe('parseVersion', () => {
    it('reads `python --version` output', () => {
        assert.deepEqual(parseVersion('Python 3.11.7\n'), { major: 3, minor: 11 });
        assert.deepEqual(parseVersion('Python 3.14.0rc1'), { major: 3, minor: 14 });
        assert.equal(parseVersion('bash: python: command not found'), undefined);
    });
});

describe('insideFolders', () => {
    it('is true only strictly inside a folder, for absolute paths', () => {
        assert.equal(insideFolders(path.join(WORKSPACE, '.venv/bin/python'), [WORKSPACE]), true);
        assert.equal(insideFolders(WORKSPACE, [WORKSPACE]), false);
        assert.equal(insideFolders(path.resolve('/srv/project-other/python'), [WORKSPACE]), false);
        assert.equal(insideFolders('python3', [WORKSPACE]), false);
    });
});

describe('pathCandidates', () => {
    it('keeps the first of each name in PATH order and ignores relative entries', () => {
        const files = new Set(['/a/python3', '/b/python3', '/b/python3.12', path.join('rel', 'python3')]);
        const found = pathCandidates(['rel', '/a', '/b'].join(path.delimiter), (file) => files.has(file), ['python3', 'python3.12', 'python']);
        assert.deepEqual(
            found.map((c) => c.executable),
            ['/a/python3', '/b/python3.12'].map((file) => path.join(file)),
        );
    });
});

describe('cachedVersions', () => {
    it('runs each interpreter once until its file changes', async () => {
        let runs = 0;
        let stamp = '1';
        const versionOf = cachedVersions(async () => {
            runs += 1;
            return { major: 3, minor: 11 };
        }, () => stamp);
        await versionOf('/usr/bin/python3');
        await versionOf('/usr/bin/python3');
        assert.equal(runs, 1);
        stamp = '2';
        await versionOf('/usr/bin/python3');
        assert.equal(runs, 2);
    });
});
