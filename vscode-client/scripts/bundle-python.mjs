// Fills bundled/libs with the language server and its pure-Python dependencies, at the versions
// locked in the repository's uv.lock, so the extension runs with any Python 3.11+ and no pip install.
//
// `uv export` turns the lock into hashed pins; `uv pip install --target` installs those wheels
// (binary only, hashes checked) and then keraslens itself from this checkout. Network: uv reads
// the pinned wheels and the build backend from its cache, else from PyPI; set UV_OFFLINE=1 to
// forbid the network (it then fails if the cache lacks one of them).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const client = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repository = resolve(client, '..');
// the extension's bundled/libs, or the directory given (tests build a private copy)
const libs = process.argv[2] ? resolve(process.argv[2]) : join(client, 'bundled', 'libs');
const PYTHON_FLOOR = '3.11'; // the oldest interpreter the extension starts the server with

function uv(args) {
    execFileSync('uv', args, { cwd: repository, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** Files that only a platform-specific wheel would bring; the bundle must run on any OS. */
function nativeFiles(directory) {
    return readdirSync(directory, { recursive: true }).filter((name) => /\.(so|pyd|dylib)$/.test(name));
}

function impureWheels(directory) {
    return readdirSync(directory)
        .filter((name) => name.endsWith('.dist-info') && existsSync(join(directory, name, 'WHEEL')))
        .filter((name) => !/^Root-Is-Purelib: true$/m.test(readFileSync(join(directory, name, 'WHEEL'), 'utf8')));
}

rmSync(libs, { recursive: true, force: true });
const scratch = mkdtempSync(join(tmpdir(), 'keraslens-bundle-'));
const requirements = join(scratch, 'requirements.txt');
try {
    // the server never reads .ipynb files from disk (notebook cells arrive through notebookDocument sync):
    // nbformat, which only `keraslens check` needs, stays out with its compiled schema validator
    uv(['export', '--frozen', '--no-dev', '--no-emit-project', '--prune', 'nbformat', '--format', 'requirements-txt', '--quiet', '-o', requirements]);
    const common = ['pip', 'install', '--target', libs, '--no-deps', '--python-version', PYTHON_FLOOR, '--quiet'];
    uv([...common, '--require-hashes', '--only-binary', ':all:', '-r', requirements]);
    uv([...common, '--reinstall-package', 'keraslens', repository]);
} finally {
    rmSync(scratch, { recursive: true, force: true });
}
rmSync(join(libs, 'bin'), { recursive: true, force: true }); // console scripts point at the build machine's python

const problems = [...nativeFiles(libs), ...impureWheels(libs)];
if (problems.length > 0) {
    console.error(`bundled/libs must hold pure-Python packages only; found: ${problems.join(', ')}`);
    process.exit(1);
}
console.log(`bundled/libs: ${readdirSync(libs).filter((name) => name.endsWith('.dist-info')).join(', ')}`);
